// Safe reads of parsed YAML in tests: missing keys give an undefined node instead of throwing.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace ctp::testing {

/// The node at `keys` (map keys or sequence indexes), or an undefined node when any is missing.
inline YAML::Node Get(const YAML::Node& node) { return node; }
template <class Key, class... Rest>
YAML::Node Get(const YAML::Node& node, Key key, Rest... rest) {
  if (!node || !(node.IsMap() || node.IsSequence())) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node child = node[key];
  if (!child) return YAML::Node(YAML::NodeType::Undefined);
  return Get(child, rest...);
}

inline std::string Scalar(const YAML::Node& node) {
  return node && node.IsScalar() ? node.Scalar() : "";
}

/// The entry of `list` (a sequence of maps) whose `name` is `name`, or an undefined node.
inline YAML::Node Named(const YAML::Node& list, const std::string& name) {
  if (list && list.IsSequence())
    for (const YAML::Node& entry : list)
      if (Scalar(entry["name"]) == name) return entry;
  return YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace ctp::testing
