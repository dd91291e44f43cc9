#include "yaml_writer.h"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

using ctp::emit::IsPlainForYamlCpp;

namespace {

// True when yaml-cpp's emitter writes `text` unquoted and unchanged as a sequence item.
bool YamlCppWritesPlainItem(const std::string& text) {
  YAML::Emitter out;
  out << YAML::BeginSeq << text << YAML::EndSeq;
  return std::string(out.c_str()) == "- " + text;
}

// True when yaml-cpp's emitter writes `text` unquoted and unchanged as a map key.
bool YamlCppWritesPlainKey(const std::string& text) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << text << YAML::Value << "v" << YAML::EndMap;
  return std::string(out.c_str()) == text + ": v";
}

bool IsPrintableAscii(const std::string& text) {
  for (char c : text)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Every string over `alphabet` of length 0..max_length.
std::vector<std::string> AllStrings(const std::string& alphabet, std::size_t max_length) {
  std::vector<std::string> strings = {""};
  std::size_t begin = 0;
  for (std::size_t length = 1; length <= max_length; ++length) {
    const std::size_t end = strings.size();
    for (std::size_t i = begin; i < end; ++i)
      for (char c : alphabet) strings.push_back(strings[i] + c);
    begin = end;
  }
  return strings;
}

}  // namespace

TEST_CASE("the plain-scalar shortcut agrees with yaml-cpp's emitter on printable ASCII") {
  // Every character that matters to yaml-cpp's plain-scalar rule, and two that do not.
  std::vector<std::string> cases = AllStrings("a1 :#-?'\"{,~.\t", 4);
  for (const char* text : {"null",
                           "Null",
                           "NULL",
                           "nul",
                           "nulls",
                           "true",
                           "5",
                           "-5",
                           "- x",
                           "key: value",
                           "x #y",
                           "x#y",
                           "a:",
                           ":a",
                           "?a",
                           "? a",
                           "-a",
                           "@a",
                           "`a",
                           "%a",
                           "|a",
                           ">a",
                           "!a",
                           "*a",
                           "&a",
                           "[a",
                           "]a",
                           "}a",
                           "python:3.9",
                           "{{tasks.a.outputs.parameters.b}}",
                           "s3://bucket/key",
                           "é",
                           "a\nb",
                           "a\r",
                           "\x7f",
                           "a\xef\xbb\xbf"})
    cases.push_back(text);
  cases.push_back(std::string(1024, 'a'));
  cases.push_back(std::string(1025, 'a'));
  int plain = 0;
  for (const std::string& text : cases) {
    CAPTURE(text);
    const bool shortcut = IsPlainForYamlCpp(text);
    // Never plain where yaml-cpp would quote (the output would differ) ...
    if (shortcut) {
      CHECK(YamlCppWritesPlainItem(text));
      CHECK(YamlCppWritesPlainKey(text));
      ++plain;
    }
    // ... and plain wherever yaml-cpp is, within printable ASCII up to 1,024 bytes.
    if (IsPrintableAscii(text) && text.size() <= 1024 && YamlCppWritesPlainItem(text))
      CHECK(shortcut);
  }
  CHECK(plain > 10000);
  CHECK(IsPlainForYamlCpp(std::string(1024, 'a')));
  CHECK_FALSE(IsPlainForYamlCpp(std::string(1025, 'a')));
  CHECK_FALSE(IsPlainForYamlCpp("a\tb"));
  CHECK_FALSE(IsPlainForYamlCpp("é"));
}

TEST_CASE("WriteYaml quotes what a YAML reader would not read as a string") {
  ctp::emit::YamlValue node = ctp::emit::YamlValue::EmptyMap();
  node["name"] = "train-model";
  node["count"] = "5";
  node["flag"] = "yes";
  node["ref"] = "{{tasks.a.outputs.parameters.b}}";
  node["colon"] = "key: value";
  node["n"] = ctp::emit::IntScalar(3);
  node["b"] = ctp::emit::BoolScalar(true);
  CHECK(ctp::emit::WriteYaml(node, true) ==
        "b: true\n"
        "colon: \"key: value\"\n"
        "count: '5'\n"
        "flag: 'yes'\n"
        "n: 3\n"
        "name: train-model\n"
        "ref: \"{{tasks.a.outputs.parameters.b}}\"\n");
}

TEST_CASE("WriteYaml writes empty maps and sequences in flow style, null as ~, keys in order") {
  using ctp::emit::YamlValue;
  YamlValue node;
  node["zeta"] = YamlValue::EmptyMap();
  node["alpha"] = YamlValue::EmptySequence();
  node["nothing"] = YamlValue();
  node["list"].PushBack("x");
  node["list"].PushBack(ctp::emit::IntScalar(-2));
  node["list"].PushBack("");
  CHECK(ctp::emit::WriteYaml(node) ==
        "zeta: {}\n"
        "alpha: []\n"
        "nothing: ~\n"
        "list:\n"
        "  - x\n"
        "  - -2\n"
        "  - ''\n");
  CHECK(ctp::emit::WriteYaml(node, true) ==
        "alpha: []\n"
        "list:\n"
        "  - x\n"
        "  - -2\n"
        "  - ''\n"
        "nothing: ~\n"
        "zeta: {}\n");
}

TEST_CASE("sorted keys compare by bytes and keep the order of equal keys") {
  using ctp::emit::YamlValue;
  YamlValue node;
  node.Append("b", "first");
  node.Append("B", "upper");
  node.Append("a-2", "dash");
  node.Append("b", "second");
  node.Append("a", "plain");
  CHECK(ctp::emit::WriteYaml(node, true) ==
        "B: upper\n"
        "a: plain\n"
        "a-2: dash\n"
        "b: first\n"
        "b: second\n");
}

TEST_CASE("WriteYamlDocuments separates documents with ---") {
  using ctp::emit::YamlValue;
  std::vector<YamlValue> documents;
  documents.emplace_back();
  documents.back()["a"] = "1";
  documents.emplace_back();
  documents.back()["b"] = ctp::emit::BoolScalar(false);
  CHECK(ctp::emit::WriteYamlDocuments(documents) == "a: '1'\n---\nb: false\n");
}
