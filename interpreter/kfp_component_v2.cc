// KFP v2 IR YAML for one component, as kfp.compiler writes it: `components.comp-NAME` (input and
// output definitions) and `deploymentSpec.executors.exec-NAME.container`, whose command and args
// hold `{{$.inputs.parameters['x']}}`-style placeholders and JSON `{"Concat": [...]}` and
// `{"IfPresent": {...}}` placeholders.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>

#include "ctp/model/diagnostic.h"
#include "kfp_component_spec.h"

namespace ctp::interpreter {
namespace {

using nlohmann::json;

std::string Scalar(const YAML::Node& node) { return node && node.IsScalar() ? node.Scalar() : ""; }

// node[key] when `node` is a map, else an undefined node: yaml-cpp throws when a key is looked up
// under a key that is missing, so optional fields two levels down go through this.
YAML::Node Child(const YAML::Node& node, const char* key) {
  return node && node.IsMap() ? node[key] : YAML::Node(YAML::NodeType::Undefined);
}

// A YAML value as JSON: scalars that read as JSON (numbers, booleans) keep their type.
json ToJson(const YAML::Node& node) {
  if (node.IsSequence()) {
    json list = json::array();
    for (const YAML::Node& item : node) list.push_back(ToJson(item));
    return list;
  }
  if (node.IsMap()) {
    json map = json::object();
    for (const auto& pair : node) map[pair.first.Scalar()] = ToJson(pair.second);
    return map;
  }
  if (!node.IsScalar()) return nullptr;
  if (node.Tag() != "!") {  // not quoted in the YAML
    json parsed = json::parse(node.Scalar(), nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded() && (parsed.is_number() || parsed.is_boolean())) return parsed;
  }
  return node.Scalar();
}

std::string ParameterTypeName(const std::string& type) {
  static const std::map<std::string, std::string> names = {
      {"STRING", "String"},   {"NUMBER_INTEGER", "Integer"}, {"NUMBER_DOUBLE", "Float"},
      {"BOOLEAN", "Boolean"}, {"LIST", "JsonArray"},         {"STRUCT", "JsonObject"}};
  auto found = names.find(type);
  return found == names.end() ? type : found->second;
}

// ".inputs.parameters['name']", ".outputs.artifacts[\"name\"].path", ...: what a KFP v2
// placeholder names.
struct NamedPlaceholder {
  bool input = false;     ///< .inputs (else .outputs)
  bool artifact = false;  ///< .artifacts (else .parameters)
  std::string name;
  std::string field;  ///< ".path", ".uri", ".output_file", ... or empty
};

// Takes `prefix` off the front of `text` when it is there.
bool Consume(std::string_view& text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  return true;
}

std::optional<NamedPlaceholder> ParseNamedPlaceholder(std::string_view text) {
  NamedPlaceholder named;
  if (Consume(text, ".inputs.")) {
    named.input = true;
  } else if (!Consume(text, ".outputs.")) {
    return std::nullopt;
  }
  if (Consume(text, "artifacts[")) {
    named.artifact = true;
  } else if (!Consume(text, "parameters[")) {
    return std::nullopt;
  }
  if (text.empty() || (text[0] != '\'' && text[0] != '"')) return std::nullopt;
  const std::size_t end = text.find_first_of("'\"", 1);
  if (end == std::string_view::npos || end == 1 || text.substr(end + 1, 1) != "]")
    return std::nullopt;
  named.name = std::string(text.substr(1, end - 1));
  text.remove_prefix(end + 2);
  if (!text.empty()) {
    const bool word = text.size() > 1 && text[0] == '.' &&
                      std::all_of(text.begin() + 1, text.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                      });
    if (!word) return std::nullopt;
    named.field = std::string(text);
  }
  return named;
}

class V2Reader {
 public:
  V2Reader(const YAML::Node& root, const std::string& path) : root_(root), path_(path) {}

  json Read() {
    const YAML::Node components = root_["components"];
    if (!components || !components.IsMap() || components.size() != 1)
      ComponentError(path_, components ? components : root_,
                     fmt::format("a v2 component spec must hold exactly one component in "
                                 "'components' (found {}): ctp loads single components",
                                 components && components.IsMap() ? components.size() : 0));
    const std::string component_key = components.begin()->first.Scalar();
    const YAML::Node component = components.begin()->second;
    std::string name = Scalar(Child(root_["pipelineInfo"], "name"));
    if (name.empty()) name = component_key.substr(component_key.rfind("comp-", 0) == 0 ? 5 : 0);
    spec_ = {{"format", "v2"},
             {"name", name},
             {"step_name", ComponentStepName(name)},
             {"description", Scalar(Child(root_["pipelineInfo"], "description"))},
             {"env", json::object()},
             {"inputs", json::array()},
             {"outputs", json::array()}};
    ReadDefinitions(component["inputDefinitions"], "inputs");
    ReadDefinitions(component["outputDefinitions"], "outputs");
    CheckUniqueKeys(spec_, path_, component);
    ReadExecutor(component);
    return spec_;
  }

 private:
  void ReadDefinitions(const YAML::Node& definitions, const char* list) {
    if (!definitions) return;
    const bool inputs = std::string(list) == "inputs";
    for (const char* group : {"parameters", "artifacts"}) {
      const YAML::Node entries = definitions[group];
      if (!entries) continue;
      if (!entries.IsMap())
        ComponentError(path_, entries, fmt::format("'{}' must be a map", group));
      for (const auto& pair : entries) {
        const std::string name = pair.first.Scalar();
        const YAML::Node& def = pair.second;
        const bool artifact = std::string(group) == "artifacts";
        const std::string type = artifact ? Scalar(Child(def["artifactType"], "schemaTitle"))
                                          : ParameterTypeName(Scalar(def["parameterType"]));
        json entry = {{"name", name},
                      {"key", ComponentKey(name)},
                      {"description", Scalar(def["description"])}};
        if (inputs) {
          entry["kind"] = artifact ? "artifact" : "parameter";
          entry["type"] = type;
          entry["optional"] = Scalar(def["isOptional"]) == "true";
          if (def["defaultValue"]) {
            json value = ToJson(def["defaultValue"]);
            entry["default"] = value.is_string() ? value.get<std::string>() : value.dump();
          }
          (artifact ? artifact_inputs_ : parameter_inputs_)[name] = entry["key"].get<std::string>();
        } else {
          entry["kind"] = !artifact                  ? "parameter"
                          : type == "system.Metrics" ? "metrics"
                                                     : "artifact";
          entry["path"] = "";
          (artifact ? artifact_outputs_ : parameter_outputs_)[name] =
              entry["key"].get<std::string>();
        }
        spec_[list].push_back(entry);
      }
    }
  }

  void ReadExecutor(const YAML::Node& component) {
    const std::string label = Scalar(component["executorLabel"]);
    const YAML::Node executor = Child(Child(root_["deploymentSpec"], "executors"), label.c_str());
    if (label.empty() || !executor)
      ComponentError(path_, component,
                     fmt::format("no executor '{}' in deploymentSpec.executors", label));
    const YAML::Node container = executor["container"];
    if (!container || !container.IsMap())
      ComponentError(path_, executor,
                     fmt::format("executor '{}' is not a container (importers and resolvers are "
                                 "not supported)",
                                 label));
    spec_["image"] = Scalar(container["image"]);
    if (spec_["image"] == "") ComponentError(path_, container, "the container needs an 'image'");
    spec_["command"] = ArgList(container["command"]);
    spec_["args"] = ArgList(container["args"]);
    for (const YAML::Node& var : container["env"])
      spec_["env"][Scalar(var["name"])] = Scalar(var["value"]);
  }

  json ArgList(const YAML::Node& node) {
    json list = json::array();
    if (!node || node.IsNull()) return list;
    if (!node.IsSequence()) ComponentError(path_, node, "'command' and 'args' must be lists");
    for (const YAML::Node& item : node) {
      at_ = item;
      list.push_back(Arg(Scalar(item)));
    }
    return list;
  }

  // One argument: a JSON placeholder ({"Concat": ...}, {"IfPresent": ...}) or text with
  // {{$...}} placeholders in it.
  json Arg(const std::string& text) {
    if (text.rfind("{\"Concat\"", 0) == 0 || text.rfind("{\"IfPresent\"", 0) == 0) {
      json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded())
        ComponentError(path_, at_, "a placeholder is not valid JSON: " + text);
      return JsonPlaceholder(parsed);
    }
    // Each "{{$...}}" (no '}' inside) is a placeholder; the text around it stays as it is.
    json parts = json::array();
    std::size_t last = 0;
    for (std::size_t at = text.find("{{$"); at != std::string::npos; at = text.find("{{$", at + 1)) {
      const std::size_t close = text.find('}', at + 3);
      if (close == std::string::npos) break;
      if (close + 1 >= text.size() || text[close + 1] != '}') continue;
      if (at > last) parts.push_back(text.substr(last, at - last));
      parts.push_back(Placeholder(text.substr(at + 3, close - at - 3)));
      last = close + 2;
      at = last - 1;
    }
    if (last < text.size()) parts.push_back(text.substr(last));
    if (parts.size() == 1) return parts[0];
    if (parts.empty()) return "";
    return {{"concat", parts}};
  }

  json JsonPlaceholder(const json& value) {
    if (value.is_string()) return Arg(value.get<std::string>());
    if (value.is_object() && value.contains("Concat") && value["Concat"].is_array()) {
      json items = json::array();
      for (const json& item : value["Concat"]) items.push_back(JsonPlaceholder(item));
      return {{"concat", items}};
    }
    if (value.is_object() && value.contains("IfPresent") && value["IfPresent"].is_object()) {
      const json& spec = value["IfPresent"];
      const std::string name = spec.value("InputName", "");
      return {{"if",
               {{"cond", {{"is_present", InputKey(name, true)}}},
                {"then", Branch(spec.value("Then", json::array()))},
                {"else", Branch(spec.value("Else", json::array()))}}}};
    }
    ComponentError(
        path_, at_,
        "unknown JSON placeholder " + value.dump() + " (ctp supports Concat and IfPresent)");
  }

  json Branch(const json& value) {
    json list = json::array();
    if (value.is_array()) {
      for (const json& item : value) list.push_back(JsonPlaceholder(item));
    } else if (!value.is_null()) {
      list.push_back(JsonPlaceholder(value));
    }
    return list;
  }

  // The text between "{{$" and "}}".
  json Placeholder(const std::string& text) {
    if (text.empty())
      ComponentError(path_, at_,
                     "the placeholder '{{$}}' (the KFP executor input of lightweight "
                     "Python components) is not supported: ctp runs container "
                     "components, which take values and paths");
    if (text == ".pipeline_job_name") return {{"workflow_name", true}};
    if (std::optional<NamedPlaceholder> m = ParseNamedPlaceholder(text)) {
      const bool input = m->input, artifact = m->artifact;
      const std::string& name = m->name;
      const std::string& field = m->field;
      if (input && !artifact && field.empty()) return {{"input_value", InputKey(name, false)}};
      if (input && artifact && (field == ".path" || field == ".uri"))
        return {{"input_path", InputKey(name, true)}};
      if (!input && !artifact && field == ".output_file")
        return {{"output_path", OutputKey(name, false)}};
      if (!input && artifact && (field == ".path" || field == ".uri"))
        return {{"output_path", OutputKey(name, true)}};
    }
    ComponentError(path_, at_,
                   fmt::format("unknown placeholder '{{{{${}}}}}' (ctp supports "
                               "$.inputs.parameters['x'], $.inputs.artifacts['x'].path, "
                               "$.outputs.parameters['x'].output_file, "
                               "$.outputs.artifacts['x'].path and $.pipeline_job_name)",
                               Abbreviated(text)));
  }

  std::string InputKey(const std::string& name, bool any_kind) {
    if (auto found = parameter_inputs_.find(name); found != parameter_inputs_.end())
      return found->second;
    if (auto found = artifact_inputs_.find(name); found != artifact_inputs_.end() && any_kind)
      return found->second;
    ComponentError(
        path_, at_,
        fmt::format("the component has no {} '{}'{}", any_kind ? "input" : "input parameter",
                    Abbreviated(name), KeySuggestion(ComponentKey(name), spec_["inputs"])));
  }

  std::string OutputKey(const std::string& name, bool artifact) {
    const auto& outputs = artifact ? artifact_outputs_ : parameter_outputs_;
    if (auto found = outputs.find(name); found != outputs.end()) return found->second;
    ComponentError(
        path_, at_,
        fmt::format("the component has no output {} '{}'{}", artifact ? "artifact" : "parameter",
                    Abbreviated(name), KeySuggestion(ComponentKey(name), spec_["outputs"])));
  }

  const YAML::Node& root_;
  const std::string& path_;
  YAML::Node at_;  // the argument being read, for error lines
  json spec_;
  std::map<std::string, std::string> parameter_inputs_, artifact_inputs_;    // name → key
  std::map<std::string, std::string> parameter_outputs_, artifact_outputs_;  // name → key
};

}  // namespace

json ReadComponentV2(const YAML::Node& root, const std::string& path) {
  return V2Reader(root, path).Read();
}

}  // namespace ctp::interpreter
