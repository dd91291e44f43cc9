// KFP v1 component.yaml: `name`, `inputs`, `outputs`, `implementation.container` with the
// placeholders {inputValue}, {inputPath}, {outputPath}, {concat}, {if: {cond, then, else}} and
// {isPresent}, and the older `fileOutputs`.
#include <fmt/format.h>

#include <map>
#include <set>

#include "ctp/model/diagnostic.h"
#include "kfp_component_spec.h"

namespace ctp::interpreter {
namespace {

using nlohmann::json;

// Types whose values are small strings (parameters); every other type is a file (an artifact).
const std::set<std::string>& ParameterTypes() {
  static const std::set<std::string> types = {"String", "Integer",    "Float",     "Boolean",
                                              "Bool",   "JsonObject", "JsonArray", "Str",
                                              "Int",    "Double",     "Dict",      "List"};
  return types;
}

std::string Scalar(const YAML::Node& node) { return node && node.IsScalar() ? node.Scalar() : ""; }

class V1Reader {
 public:
  V1Reader(const YAML::Node& root, const std::string& path) : root_(root), path_(path) {}

  json Read() {
    spec_ = {{"format", "v1"},
             {"env", json::object()},
             {"inputs", json::array()},
             {"outputs", json::array()}};
    const std::string name = Scalar(root_["name"]);
    if (name.empty()) ComponentError(path_, root_, "a component needs a 'name'");
    spec_["name"] = name;
    spec_["step_name"] = ComponentStepName(name);
    spec_["description"] = FirstLine(Scalar(root_["description"]));
    ReadInputs();
    ReadOutputs();
    CheckUniqueKeys(spec_, path_, root_);
    ReadContainer();
    for (json& input : spec_["inputs"])
      if (file_inputs_.count(input["key"])) input["kind"] = "artifact";
    return spec_;
  }

 private:
  static std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

  YAML::Node List(const char* field) {
    YAML::Node node = root_[field];
    if (!node || node.IsNull()) return YAML::Node(YAML::NodeType::Sequence);
    if (!node.IsSequence())
      ComponentError(path_, node,
                     fmt::format("'{}' must be a list of {{name: ..., type: ...}}", field));
    return node;
  }

  void ReadInputs() {
    for (const YAML::Node& item : List("inputs")) {
      const std::string name = EntryName(item, "input");
      json input = {{"name", name},
                    {"key", ComponentKey(name)},
                    {"kind", "parameter"},
                    {"type", TypeName(item["type"])},
                    {"description", Scalar(item["description"])},
                    {"optional", Flag(item["optional"])}};
      if (item["default"] && !item["default"].IsNull()) {
        if (!item["default"].IsScalar())
          ComponentError(path_, item["default"],
                         fmt::format("the default of input '{}' must be a "
                                     "single value",
                                     name));
        input["default"] = item["default"].Scalar();
      }
      inputs_[name] = input["key"].get<std::string>();
      spec_["inputs"].push_back(input);
    }
  }

  void ReadOutputs() {
    for (const YAML::Node& item : List("outputs")) {
      const std::string name = EntryName(item, "output");
      const std::string type = TypeName(item["type"]);
      std::string kind = ParameterTypes().count(type) ? "parameter" : "artifact";
      if (type == "Metrics" || type == "system.Metrics" || name == "MLPipeline Metrics")
        kind = "metrics";
      outputs_[name] = ComponentKey(name);
      spec_["outputs"].push_back({{"name", name},
                                  {"key", ComponentKey(name)},
                                  {"kind", kind},
                                  {"path", ""},
                                  {"description", Scalar(item["description"])}});
    }
  }

  bool Flag(const YAML::Node& node) {
    if (!node || node.IsNull()) return false;
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
      ComponentError(path_, node, "'optional' must be true or false");
    return value;
  }

  std::string EntryName(const YAML::Node& item, const char* what) {
    if (!item.IsMap() || Scalar(item["name"]).empty())
      ComponentError(path_, item, fmt::format("every {} needs a 'name'", what));
    return item["name"].Scalar();
  }

  // `type: Integer`, or a type with properties: `type: {GCSPath: {data_type: CSV}}`.
  static std::string TypeName(const YAML::Node& type) {
    if (!type) return "";
    if (type.IsScalar()) return type.Scalar();
    if (type.IsMap() && type.size() == 1) return type.begin()->first.Scalar();
    return "";
  }

  void ReadContainer() {
    const YAML::Node implementation = root_["implementation"];
    if (implementation["graph"])
      ComponentError(path_, implementation["graph"],
                     "graph components (implementation.graph) are not supported: ctp loads "
                     "container components");
    const YAML::Node container = implementation["container"];
    if (!container || !container.IsMap())
      ComponentError(path_, implementation, "'implementation' needs a 'container' map");
    spec_["image"] = Scalar(container["image"]);
    if (spec_["image"] == "") ComponentError(path_, container, "the container needs an 'image'");
    spec_["command"] = ArgList(container["command"], "command");
    spec_["args"] = ArgList(container["args"], "args");
    if (const YAML::Node env = container["env"]) {
      if (!env.IsMap()) ComponentError(path_, env, "'env' must map names to values");
      for (const auto& pair : env) spec_["env"][pair.first.Scalar()] = Scalar(pair.second);
    }
    if (const YAML::Node files = container["fileOutputs"]) {
      for (const auto& pair : files) {
        const std::string key = OutputKey(pair.first, pair.first.Scalar());
        for (json& output : spec_["outputs"])
          if (output["key"] == key) output["path"] = Scalar(pair.second);
      }
    }
  }

  json ArgList(const YAML::Node& node, const std::string& field) {
    json list = json::array();
    if (!node || node.IsNull()) return list;
    if (!node.IsSequence()) ComponentError(path_, node, fmt::format("'{}' must be a list", field));
    for (const YAML::Node& item : node) list.push_back(Arg(item));
    return list;
  }

  // A branch of {if}: a list of arguments or a single one.
  json Branch(const YAML::Node& node) {
    if (!node || node.IsNull()) return json::array();
    if (node.IsSequence()) return ArgList(node, "then/else");
    return json::array({Arg(node)});
  }

  std::string InputKey(const YAML::Node& at, const std::string& name) {
    auto found = inputs_.find(name);
    if (found != inputs_.end()) return found->second;
    ComponentError(
        path_, at,
        fmt::format("the component has no input '{}'{}", name, DidYouMean(name, Names(inputs_))));
  }

  std::string OutputKey(const YAML::Node& at, const std::string& name) {
    auto found = outputs_.find(name);
    if (found != outputs_.end()) return found->second;
    ComponentError(
        path_, at,
        fmt::format("the component has no output '{}'{}", name, DidYouMean(name, Names(outputs_))));
  }

  static std::vector<std::string> Names(const std::map<std::string, std::string>& names) {
    std::vector<std::string> out;
    for (const auto& [name, key] : names) out.push_back(name);
    return out;
  }

  json Arg(const YAML::Node& node) {
    if (node.IsScalar()) return node.Scalar();
    if (!node.IsMap() || node.size() != 1)
      ComponentError(path_, node,
                     "an argument must be a string or one placeholder such as "
                     "{inputValue: NAME}");
    const std::string placeholder = node.begin()->first.Scalar();
    const YAML::Node value = node.begin()->second;
    if (placeholder == "inputValue") return {{"input_value", InputKey(value, Scalar(value))}};
    if (placeholder == "isPresent") return {{"is_present", InputKey(value, Scalar(value))}};
    if (placeholder == "inputPath") {
      const std::string key = InputKey(value, Scalar(value));
      file_inputs_.insert(key);
      return {{"input_path", key}};
    }
    if (placeholder == "outputPath") return {{"output_path", OutputKey(value, Scalar(value))}};
    if (placeholder == "concat") {
      if (!value.IsSequence()) ComponentError(path_, value, "{concat} takes a list of arguments");
      return {{"concat", ArgList(value, "concat")}};
    }
    if (placeholder == "if") {
      if (!value.IsMap() || !value["cond"])
        ComponentError(path_, value, "{if} needs 'cond' (and 'then', optionally 'else')");
      return {{"if",
               {{"cond", Arg(value["cond"])},
                {"then", Branch(value["then"])},
                {"else", Branch(value["else"])}}}};
    }
    static const std::vector<std::string> known = {"inputValue", "inputPath", "outputPath",
                                                   "concat",     "if",        "isPresent"};
    std::string hint = DidYouMean(placeholder, known);
    if (hint.empty())
      hint = " (ctp supports inputValue, inputPath, outputPath, concat, if, isPresent)";
    ComponentError(path_, node, fmt::format("unknown placeholder '{}'{}", placeholder, hint));
  }

  const YAML::Node& root_;
  const std::string& path_;
  json spec_;
  std::map<std::string, std::string> inputs_;   // name → key
  std::map<std::string, std::string> outputs_;  // name → key
  std::set<std::string> file_inputs_;           // keys of inputs used with {inputPath}
};

}  // namespace

json ReadComponentV1(const YAML::Node& root, const std::string& path) {
  return V1Reader(root, path).Read();
}

}  // namespace ctp::interpreter
