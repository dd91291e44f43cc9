// Reading a KFP component spec file: the file itself, YAML errors, names, and which format it is.
#include "kfp_component_spec.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "ctp/base/input_file.h"
#include "ctp/model/diagnostic.h"

namespace ctp::interpreter {

void ComponentError(const std::string& path, const YAML::Node& node, const std::string& message) {
  const int line = node.Mark().is_null() ? 0 : node.Mark().line + 1;
  throw Error(SourceLocation{path, line}, message);
}

std::string ComponentKey(const std::string& name) {
  std::string key;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!key.empty() && key.back() != '_') {
      key += '_';
    }
  }
  while (!key.empty() && key.back() == '_') key.pop_back();
  if (!key.empty() && std::isdigit(static_cast<unsigned char>(key[0]))) key = "_" + key;
  return key;
}

std::string ComponentStepName(const std::string& name) {
  std::string step = ComponentKey(name);
  for (char& c : step)
    if (c == '_') c = '-';
  while (!step.empty() && step.front() == '-') step.erase(0, 1);
  return step.substr(0, 63);
}

void CheckUniqueKeys(const nlohmann::json& spec, const std::string& path, const YAML::Node& at) {
  std::map<std::string, std::string> seen;  // key → the name that took it
  for (const char* list : {"inputs", "outputs"}) {
    for (const nlohmann::json& entry : spec[list]) {
      const std::string key = entry["key"];
      const std::string name = entry["name"];
      if (key.empty())
        ComponentError(path, at, fmt::format("the name '{}' has no letters or digits", name));
      auto [it, inserted] = seen.emplace(key, name);
      if (!inserted)
        ComponentError(path, at,
                       fmt::format("'{}' and '{}' would both be called '{}' in Lua: rename one",
                                   it->second, name, key));
    }
  }
}

std::string KeySuggestion(const std::string& key, const nlohmann::json& entries) {
  std::vector<std::string> keys;
  for (const nlohmann::json& entry : entries) keys.push_back(entry["key"]);
  return DidYouMean(key, keys);
}

nlohmann::json ReadComponentSpec(const std::string& path) {
  std::string text;
  try {
    text = base::ReadInputFile(path);
  } catch (const base::InputFileError& e) {
    throw Error(SourceLocation{path, 0}, fmt::format("cannot read component spec: {}", e.what()));
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw Error(SourceLocation{path, e.mark.line + 1}, "YAML syntax error: " + e.msg);
  }
  if (!root.IsMap())
    throw Error(SourceLocation{path, 0},
                "a component spec must be a YAML map (a v1 component.yaml with 'implementation', "
                "or a v2 IR YAML with 'deploymentSpec')");
  try {
    if (root["deploymentSpec"] || root["components"]) return ReadComponentV2(root, path);
    if (root["implementation"]) return ReadComponentV1(root, path);
  } catch (const YAML::Exception& e) {
    // yaml-cpp's own errors for a spec of another shape: a key looked up under a missing key
    // (InvalidNode) or in a scalar (BadSubscript), a list where text was expected (BadConversion).
    throw Error(SourceLocation{path, e.mark.is_null() ? 0 : e.mark.line + 1},
                "the component spec does not have the shape of a KFP component: " + e.msg);
  }
  throw Error(SourceLocation{path, 0},
              "not a KFP component spec: it has neither 'implementation' (v1 component.yaml) nor "
              "'deploymentSpec' (v2 IR YAML)");
}

}  // namespace ctp::interpreter
