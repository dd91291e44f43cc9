// Writing a YamlValue tree through yaml-cpp's emitter: deterministic text, strings that stay
// strings, optional sorted keys.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "yaml_value.h"

namespace ctp::emit {

/// A scalar written as-is (a number or a bool): never quoted, read back as its YAML type.
YamlValue PlainScalar(const std::string& text);
/// An integer scalar.
YamlValue IntScalar(int64_t value);
/// A boolean scalar (`true` / `false`).
YamlValue BoolScalar(bool value);
/// A JSON value as a YAML value: numbers and bools plain, strings kept strings, arrays, objects.
YamlValue JsonToYaml(const nlohmann::json& value);
/// A sequence of strings.
YamlValue StringList(const std::vector<std::string>& items);

/// True when yaml-cpp's emitter writes `text` as a plain scalar, unchanged, in block context
/// (a subset of its rule: printable ASCII only, at most 1,024 bytes).
bool IsPlainForYamlCpp(std::string_view text);

/// YAML text of one document. Strings that a YAML reader would take for a number, bool or null
/// are single-quoted; with `sort_keys` every map's keys come out in byte order.
std::string WriteYaml(const YamlValue& value, bool sort_keys = false);
/// Several documents separated by `---`.
std::string WriteYamlDocuments(const std::vector<YamlValue>& documents, bool sort_keys = false);

}  // namespace ctp::emit
