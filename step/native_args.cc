#include "ctp/step/native_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ctp/model/diagnostic.h"

namespace ctp {
namespace {

// Skips the digits of `text` from `at`; returns how many there were. (Numbers are checked by
// hand, not with std::regex, which recurses once per character on long input.)
std::size_t SkipDigits(const std::string& text, std::size_t& at) {
  const std::size_t start = at;
  while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  return at - start;
}

// [+-]?[0-9]+
bool IsDecimalInteger(const std::string& text) {
  std::size_t at = text.empty() || (text[0] != '+' && text[0] != '-') ? 0 : 1;
  return SkipDigits(text, at) > 0 && at == text.size();
}

// [+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?
bool IsDecimalNumber(const std::string& text) {
  std::size_t at = text.empty() || (text[0] != '+' && text[0] != '-') ? 0 : 1;
  std::size_t digits = SkipDigits(text, at);
  if (at < text.size() && text[at] == '.') {
    ++at;
    digits += SkipDigits(text, at);
  }
  if (digits == 0) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    if (SkipDigits(text, at) == 0) return false;
  }
  return at == text.size();
}

/// The value of `text` as `arg`'s type, or nullopt.
std::optional<std::variant<std::string, long long, double, bool, std::vector<std::string>>>
ParseValue(const NativeArg& arg, const std::string& text) {
  switch (arg.type) {
    case ArgType::kString:
    case ArgType::kPath:
      return text;
    case ArgType::kChoice:
      if (std::find(arg.choices.begin(), arg.choices.end(), text) == arg.choices.end())
        return std::nullopt;
      return text;
    case ArgType::kInt:
      if (auto value = ParseIntText(text)) return *value;
      return std::nullopt;
    case ArgType::kFloat:
      if (auto value = ParseFloatText(text)) return *value;
      return std::nullopt;
    case ArgType::kBool:
      if (auto value = ParseBoolText(text)) return *value;
      return std::nullopt;
    case ArgType::kList:
      if (auto value = ParseListText(text)) return *value;
      return std::nullopt;
  }
  return std::nullopt;
}

const NativeArg* FindArg(const std::vector<NativeArg>& args, const std::string& name) {
  auto found = std::find_if(args.begin(), args.end(),
                            [&](const NativeArg& arg) { return arg.name == name; });
  return found == args.end() ? nullptr : &*found;
}

std::vector<std::string> ArgNames(const std::vector<NativeArg>& args) {
  std::vector<std::string> names;
  for (const NativeArg& arg : args) names.push_back(arg.name);
  return names;
}

}  // namespace

const char* ArgTypeName(ArgType type) {
  switch (type) {
    case ArgType::kString:
      return "string";
    case ArgType::kInt:
      return "int";
    case ArgType::kFloat:
      return "float";
    case ArgType::kBool:
      return "bool";
    case ArgType::kList:
      return "list";
    case ArgType::kPath:
      return "path";
    case ArgType::kChoice:
      return "choice";
  }
  return "?";
}

std::optional<long long> ParseIntText(const std::string& text) {
  if (!IsDecimalInteger(text)) return std::nullopt;
  try {
    return std::stoll(text);
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

std::optional<double> ParseFloatText(const std::string& text) {
  if (!IsDecimalNumber(text)) return std::nullopt;
  const double value = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<bool> ParseBoolText(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

std::optional<std::vector<std::string>> ParseListText(const std::string& text) {
  std::vector<std::string> items;
  if (!text.empty() && text.front() == '[') {
    const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
    if (!parsed.is_array()) return std::nullopt;
    for (const nlohmann::json& item : parsed) {
      if (item.is_object() || item.is_array() || item.is_null()) return std::nullopt;
      items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    }
    return items;
  }
  std::stringstream stream(text);
  for (std::string item; std::getline(stream, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

std::string ArgExpectation(const NativeArg& arg) {
  switch (arg.type) {
    case ArgType::kString:
      return "a string";
    case ArgType::kPath:
      return "a path";
    case ArgType::kInt:
      return "an integer";
    case ArgType::kFloat:
      return "a number";
    case ArgType::kBool:
      return "true or false";
    case ArgType::kList:
      return "a list (a,b,c or a JSON array)";
    case ArgType::kChoice:
      return fmt::format("one of {}", fmt::join(arg.choices, ", "));
  }
  return "?";
}

bool IsArgValue(const NativeArg& arg, const std::string& text) {
  return ParseValue(arg, text).has_value();
}

std::string ArgValueHint(const NativeArg& arg, const std::string& text) {
  return arg.type == ArgType::kChoice ? DidYouMean(text, arg.choices) : std::string();
}

void CheckArgDeclaration(const std::string& step, const NativeArg& arg) {
  auto fail = [&](const std::string& problem) {
    throw std::invalid_argument(
        fmt::format("native step '{}': argument '{}' {}", step, arg.name, problem));
  };
  if ((arg.type == ArgType::kChoice) == arg.choices.empty())
    fail("needs allowed values exactly when it is a choice");
  if (arg.required && arg.default_value) fail("is required and has a default");
  if (arg.default_value && !IsArgValue(arg, *arg.default_value))
    fail(fmt::format("has the default '{}', not {}", *arg.default_value, ArgExpectation(arg)));
}

ArgValues ArgValues::Resolve(const std::string& step, const std::vector<NativeArg>& args,
                             const std::map<std::string, std::string>& given) {
  ArgValues values;
  values.step_ = step;
  for (const auto& [name, text] : given)
    if (!FindArg(args, name))
      throw ArgError(fmt::format("{}: unknown argument --{}{}; see ctp step {} --help", step, name,
                                 DidYouMean(name, ArgNames(args)), step));
  for (const NativeArg& arg : args) {
    values.types_[arg.name] = arg.type;
    auto found = given.find(arg.name);
    const bool absent = found == given.end() || (found->second.empty() && !arg.required);
    if (absent && arg.required)
      throw ArgError(fmt::format("{}: argument --{} is required", step, arg.name));
    if (absent && !arg.default_value) continue;
    const std::string& text = absent ? *arg.default_value : found->second;
    auto value = ParseValue(arg, text);
    if (!value)
      throw ArgError(fmt::format("{}: argument --{}: expected {}, got '{}'{}", step, arg.name,
                                 ArgExpectation(arg), text, ArgValueHint(arg, text)));
    values.values_[arg.name] = std::move(*value);
    values.texts_[arg.name] = text;
  }
  return values;
}

const ArgValues::Value* ArgValues::Find(const std::string& name, ArgType type) const {
  auto declared = types_.find(name);
  if (declared == types_.end())
    throw std::logic_error(fmt::format("{}: no argument '{}'", step_, name));
  if (declared->second != type)
    throw std::logic_error(fmt::format("{}: argument '{}' is declared {}, read as {}", step_, name,
                                       ArgTypeName(declared->second), ArgTypeName(type)));
  auto found = values_.find(name);
  return found == values_.end() ? nullptr : &found->second;
}

const ArgValues::Value& ArgValues::Get(const std::string& name, ArgType type) const {
  const Value* value = Find(name, type);
  if (!value) throw std::logic_error(fmt::format("{}: argument '{}' has no value", step_, name));
  return *value;
}

bool ArgValues::Has(const std::string& name) const { return values_.count(name) > 0; }

const std::string& ArgValues::String(const std::string& name) const {
  static const std::string kNone;
  const Value* value = Find(name, ArgType::kString);
  return value ? std::get<std::string>(*value) : kNone;
}

std::filesystem::path ArgValues::Path(const std::string& name) const {
  const Value* value = Find(name, ArgType::kPath);
  return value ? std::filesystem::path(std::get<std::string>(*value)) : std::filesystem::path();
}

const std::string& ArgValues::Choice(const std::string& name) const {
  return std::get<std::string>(Get(name, ArgType::kChoice));
}

long long ArgValues::Int(const std::string& name) const {
  return std::get<long long>(Get(name, ArgType::kInt));
}

double ArgValues::Float(const std::string& name) const {
  return std::get<double>(Get(name, ArgType::kFloat));
}

bool ArgValues::Bool(const std::string& name) const {
  return std::get<bool>(Get(name, ArgType::kBool));
}

const std::vector<std::string>& ArgValues::List(const std::string& name) const {
  static const std::vector<std::string> kNone;
  const Value* value = Find(name, ArgType::kList);
  return value ? std::get<std::vector<std::string>>(*value) : kNone;
}

}  // namespace ctp
