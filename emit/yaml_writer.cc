#include "yaml_writer.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace ctp::emit {
namespace {

// True when `text` equals `word` (lower case) ignoring ASCII case; no allocation.
bool EqualsIgnoringCase(const std::string& text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
  return true;
}

// True when a YAML 1.1 reader (PyYAML, the validators) would not read `text` as a string.
bool LooksLikeNonString(const std::string& text) {
  if (text.empty()) return true;
  static constexpr std::string_view kWords[] = {"y",    "n",     "yes",   "no",   "on",
                                                "off",  "true",  "false", "null", "~",
                                                ".inf", "-.inf", "+.inf", ".nan"};
  if (text.size() <= 5)
    for (std::string_view word : kWords)
      if (EqualsIgnoringCase(text, word)) return true;
  if (std::none_of(text.begin(), text.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return false;
  const char first = text[0];
  if (!std::isdigit(static_cast<unsigned char>(first)) && first != '-' && first != '+' &&
      first != '.')
    return false;
  // Numbers in any YAML 1.1 spelling (ints, floats, hex, octal, sexagesimal) and dates use only
  // these characters; quoting a few more strings than needed is harmless.
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
           c == ':' || c == '_' || c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'T' ||
           c == 't' || c == ' ';
  });
}

// A string that yaml-cpp writes as a plain scalar (IsPlainForYamlCpp), passed to the
// specialisation of YAML::Emitter::WriteIntegralType below.
struct VerbatimText {
  const std::string& text;
};

}  // namespace
}  // namespace ctp::emit

// yaml-cpp's own steps for a plain scalar (Emitter::Write(const std::string&), case
// StringFormat::Plain): prepare the node, copy the text, finish the scalar. The emitter's generic
// WriteIntegralType would format the text through a std::stringstream, which costs more than the
// scalar check it replaces; a member specialisation can take yaml-cpp's path without it.
template <>
inline YAML::Emitter& YAML::Emitter::WriteIntegralType<ctp::emit::VerbatimText>(
    ctp::emit::VerbatimText value) {
  if (!good()) return *this;
  PrepareNode(EmitterNodeType::Scalar);
  m_stream << value.text;
  StartedScalar();
  return *this;
}

namespace ctp::emit {
namespace {

// Writes a string scalar (or key) in the emitter's default style. yaml-cpp decides that style by
// running a regular expression over every character, half of an emit's instructions; strings for
// which it provably chooses plain style are copied as they are (the same bytes), the rest go
// through yaml-cpp.
void WriteString(YAML::Emitter& out, const std::string& text) {
  if (IsPlainForYamlCpp(text))
    out.WriteIntegralType(VerbatimText{text});
  else
    out << text;
}

void Write(YAML::Emitter& out, const YamlValue& value, bool sort_keys) {
  switch (value.kind()) {
    case YamlValue::Kind::kMap: {
      const std::vector<YamlValue::Entry>& entries = value.entries();
      if (entries.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      auto write_entry = [&](const YamlValue::Entry& entry) {
        out << YAML::Key;
        WriteString(out, entry.key);
        out << YAML::Value;
        Write(out, entry.value, sort_keys);
      };
      out << YAML::BeginMap;
      if (!sort_keys) {
        for (const YamlValue::Entry& entry : entries) write_entry(entry);
      } else {
        std::vector<const YamlValue::Entry*> sorted;
        sorted.reserve(entries.size());
        for (const YamlValue::Entry& entry : entries) sorted.push_back(&entry);
        std::stable_sort(
            sorted.begin(), sorted.end(),
            [](const YamlValue::Entry* a, const YamlValue::Entry* b) { return a->key < b->key; });
        for (const YamlValue::Entry* entry : sorted) write_entry(*entry);
      }
      out << YAML::EndMap;
      return;
    }
    case YamlValue::Kind::kSequence:
      if (value.items().empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const YamlValue& item : value.items()) Write(out, item, sort_keys);
      out << YAML::EndSeq;
      return;
    case YamlValue::Kind::kString:
      if (LooksLikeNonString(value.text()))
        out << YAML::SingleQuoted << value.text();
      else
        WriteString(out, value.text());
      return;
    case YamlValue::Kind::kPlain:
      WriteString(out, value.text());
      return;
    case YamlValue::Kind::kNull:
      out << YAML::Null;
      return;
  }
}

}  // namespace

bool IsPlainForYamlCpp(std::string_view text) {
  // yaml-cpp 0.7 (src/emitterutils.cpp, IsValidPlainScalar; src/emitter.cpp, Emitter::Write):
  // null spellings and strings over 1,024 bytes (written as long keys) are excluded, and so is
  // everything outside printable ASCII; within printable ASCII these are its block-context rules.
  if (text.empty() || text.size() > 1024) return false;
  if (text == "~" || text == "null" || text == "Null" || text == "NULL") return false;
  for (char c : text)
    if (c < 0x20 || c > 0x7e) return false;
  const char first = text.front();
  if (std::string_view(" ,[]{}#&*!|>'\"%@`").find(first) != std::string_view::npos) return false;
  if ((first == '-' || first == '?' || first == ':') && (text.size() == 1 || text[1] == ' '))
    return false;
  if (text.back() == ' ') return false;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == ':' && text[i + 1] == ' ') return false;  // ": " ends a plain scalar
    if (text[i] == ' ' && text[i + 1] == '#') return false;  // " #" starts a comment
  }
  return text.back() != ':';
}

YamlValue PlainScalar(const std::string& text) { return YamlValue::Plain(text); }

YamlValue IntScalar(int64_t value) { return YamlValue::Plain(std::to_string(value)); }

YamlValue BoolScalar(bool value) { return YamlValue::Plain(value ? "true" : "false"); }

YamlValue JsonToYaml(const nlohmann::json& value) {
  if (value.is_object()) {
    YamlValue map = YamlValue::EmptyMap();
    // Object keys are distinct.
    for (const auto& [key, item] : value.items()) map.Append(key, JsonToYaml(item));
    return map;
  }
  if (value.is_array()) {
    YamlValue list = YamlValue::EmptySequence();
    for (const auto& item : value) list.PushBack(JsonToYaml(item));
    return list;
  }
  if (value.is_string()) return YamlValue(value.get<std::string>());
  if (value.is_null()) return YamlValue();
  return YamlValue::Plain(value.dump());
}

YamlValue StringList(const std::vector<std::string>& items) {
  YamlValue list = YamlValue::EmptySequence();
  for (const std::string& item : items) list.PushBack(item);
  return list;
}

std::string WriteYaml(const YamlValue& value, bool sort_keys) {
  YAML::Emitter out;
  Write(out, value, sort_keys);
  return std::string(out.c_str()) + "\n";
}

std::string WriteYamlDocuments(const std::vector<YamlValue>& documents, bool sort_keys) {
  std::string text;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) text += "---\n";
    text += WriteYaml(documents[i], sort_keys);
  }
  return text;
}

}  // namespace ctp::emit
