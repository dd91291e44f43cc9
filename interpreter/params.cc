#include "ctp/interpreter/params.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ctp/base/input_file.h"
#include "ctp/base/text_check.h"
#include "ctp/model/diagnostic.h"
#include "ctp/step/native_args.h"
#include "pipeline_reader.h"

namespace ctp {
namespace {

std::string Trim(const std::string& s) {
  std::size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// A scalar as JSON: integers and numbers stay numbers, true/false booleans, the rest strings.
nlohmann::json ScalarJson(const std::string& text) {
  if (auto i = CanonicalParamValue(ParamType::kInt, text)) return std::stoll(*i);
  if (auto f = CanonicalParamValue(ParamType::kFloat, text)) return std::stod(*f);
  if (text == "true" || text == "false") return text == "true";
  return text;
}

std::optional<std::string> CanonicalList(const std::string& text) {
  std::string trimmed = Trim(text);
  nlohmann::json list = nlohmann::json::array();
  if (!trimmed.empty() && trimmed.front() == '[') {
    nlohmann::json parsed = nlohmann::json::parse(trimmed, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_array()) return std::nullopt;
    for (const auto& item : parsed)
      if (item.is_object() || item.is_array() || item.is_null()) return std::nullopt;
    return parsed.dump();
  }
  if (trimmed.empty()) return list.dump();
  std::size_t start = 0;
  while (true) {
    std::size_t comma = trimmed.find(',', start);
    list.push_back(ScalarJson(Trim(trimmed.substr(start, comma - start))));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return list.dump();
}

const char* Article(ParamType type) { return type == ParamType::kInt ? "an" : "a"; }

}  // namespace

std::optional<std::string> CanonicalParamValue(ParamType type, const std::string& text) {
  switch (type) {
    case ParamType::kString:
      return text;
    case ParamType::kInt:
      if (auto value = ParseIntText(text)) return std::to_string(*value);
      return std::nullopt;
    case ParamType::kFloat:
      if (auto value = ParseFloatText(text)) return interpreter::CanonicalFloat(*value);
      return std::nullopt;
    case ParamType::kBool:
      if (auto value = ParseBoolText(text)) return *value ? "true" : "false";
      return std::nullopt;
    case ParamType::kList:
      return CanonicalList(text);
  }
  return std::nullopt;
}

void AddParamAssignment(ParamValues& params, const std::string& assignment) {
  std::size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    throw std::invalid_argument(fmt::format("-p expects name=value, got '{}'", assignment));
  const std::string name = assignment.substr(0, equals), value = assignment.substr(equals + 1);
  if (std::optional<std::string> problem = base::TextProblem(assignment))
    throw std::invalid_argument(fmt::format("-p{}: the assignment {}",
                                            base::TextProblem(name) ? "" : " " + name, *problem));
  params.values[name] = {value, {"-p", 0}, false};
}

void AddParamFile(ParamValues& params, const std::string& path) {
  std::string text;
  try {
    text = base::ReadInputFile(path);
  } catch (const base::InputFileError& e) {
    throw Error(SourceLocation{path, 0}, std::string("cannot read the parameter file: ") + e.what());
  }
  if (std::optional<std::string> problem = base::TextProblem(text))
    throw Error(SourceLocation{path, 0}, "the parameter file " + *problem);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(SourceLocation{path, e.mark.line + 1}, "not valid YAML: " + e.msg);
  }
  if (root.IsNull()) return;
  if (!root.IsMap())
    throw Error(SourceLocation{path, root.Mark().line + 1},
                "a parameter file must be a map of name: value");
  for (const auto& entry : root) {
    SourceLocation origin{path, entry.first.Mark().line + 1};
    if (!entry.first.IsScalar())
      throw Error(origin, "a parameter name must be text, not a list or a map");
    std::string name = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    if (value.IsScalar()) {
      params.values[name] = {value.as<std::string>(), origin, false};
    } else if (value.IsSequence()) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& item : value) {
        if (!item.IsScalar())
          throw Error(origin, fmt::format("parameter '{}': list items must be plain values", name),
                      name);
        list.push_back(ScalarJson(item.as<std::string>()));
      }
      params.values[name] = {list.dump(), origin, true};
    } else {
      throw Error(origin, fmt::format("parameter '{}' must be a value or a list", name), name);
    }
  }
}

void ApplyParams(Pipeline& pipeline, const ParamValues& params) {
  std::vector<std::string> names;
  for (const Param& param : pipeline.params) names.push_back(param.name);
  std::vector<Diagnostic> problems;
  for (const auto& entry : params.values) {
    const std::string& name = entry.first;  // not a structured binding: Clang 14 cannot capture one
    const ParamValues::Value& value = entry.second;
    auto param = std::find_if(pipeline.params.begin(), pipeline.params.end(),
                              [&](const Param& p) { return p.name == name; });
    std::string from = value.origin.file == "-p" ? fmt::format(" (from -p {}={})", name, Abbreviated(value.text))
                                                 : std::string();
    SourceLocation at = value.origin.file == "-p" ? SourceLocation{} : value.origin;
    if (param == pipeline.params.end()) {
      problems.push_back({at,
                          fmt::format("pipeline '{}' has no parameter '{}'{}{}", pipeline.name,
                                      name, DidYouMean(name, names), from),
                          name});
      continue;
    }
    std::optional<std::string> canonical;
    if (!value.is_list || param->type == ParamType::kList)
      canonical = CanonicalParamValue(param->type, value.text);
    if (!canonical) {
      problems.push_back({at,
                          fmt::format("parameter '{}' is {} {}: cannot use '{}'{}", name,
                                      Article(param->type), ParamTypeName(param->type),
                                      Abbreviated(value.text), from),
                          name});
      continue;
    }
    param->default_value = *canonical;
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

}  // namespace ctp
