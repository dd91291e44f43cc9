// The arguments of native steps: each argument's type, default and doc written once, the one
// parser of a value's text, and the typed values a step run reads. `ctp step`, the runner, the
// script checks and the LuaLS annotations all use these.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace ctp {

/// The type of a native step's argument.
enum class ArgType { kString, kInt, kFloat, kBool, kList, kPath, kChoice };

/// The type's name in `ctp step NAME --help`: string, int, float, bool, list, path, choice.
const char* ArgTypeName(ArgType type);

/// One argument of a native step.
struct NativeArg {
  std::string name;
  ArgType type = ArgType::kString;
  bool required = false;
  std::optional<std::string> default_value;  ///< text of a value of `type`
  std::string doc;
  std::vector<std::string> choices = {};  ///< the allowed values of a kChoice argument
};

/// An integer: [+-]digits that fit in 64 bits.
std::optional<long long> ParseIntText(const std::string& text);
/// A finite decimal number: 1, -0.5, .5, 1e-3 (no inf, nan or hex).
std::optional<double> ParseFloatText(const std::string& text);
/// A boolean: exactly `true` or `false` (the one vocabulary of ctp; not yes/no/1/0).
std::optional<bool> ParseBoolText(const std::string& text);
/// A list: a JSON array of plain values (`["a", 1]`) or comma-separated items (`a,b`; empty items
/// are dropped), each item as text.
std::optional<std::vector<std::string>> ParseListText(const std::string& text);

/// What a value of `arg` must be, for messages: "an integer", "one of auto, cpu, cuda", ...
std::string ArgExpectation(const NativeArg& arg);
/// Whether `text` is a value of `arg`.
bool IsArgValue(const NativeArg& arg, const std::string& text);
/// " (did you mean 'cpu'?)" when `text` is close to one of a kChoice argument's values, else "".
std::string ArgValueHint(const NativeArg& arg, const std::string& text);
/// Throws std::invalid_argument unless `arg` is well formed (its default a value of its type, a
/// choice with values, no default on a required argument); `step` names the step.
void CheckArgDeclaration(const std::string& step, const NativeArg& arg);

/// A bad argument of a step run; the message names the step and the argument
/// ("echo: argument --times: expected an integer, got 'two'").
class ArgError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The argument values of one step run: checked, typed, defaults filled in.
class ArgValues {
 public:
  /// Checks `given` (name -> text) against the `args` of step `step`: known names, values of
  /// their types, required ones present; fills in defaults. Empty text of an optional argument
  /// counts as not given. Throws ArgError.
  static ArgValues Resolve(const std::string& step, const std::vector<NativeArg>& args,
                           const std::map<std::string, std::string>& given);

  /// Whether the argument has a value (given or its default).
  bool Has(const std::string& name) const;
  /// A string argument's value ("" when absent).
  const std::string& String(const std::string& name) const;
  /// A path argument's value (empty when absent).
  std::filesystem::path Path(const std::string& name) const;
  /// A choice argument's value.
  const std::string& Choice(const std::string& name) const;
  /// An int argument's value.
  long long Int(const std::string& name) const;
  /// A float argument's value.
  double Float(const std::string& name) const;
  /// A bool argument's value.
  bool Bool(const std::string& name) const;
  /// A list argument's items (none when absent).
  const std::vector<std::string>& List(const std::string& name) const;
  /// The text of every value present, given or default, by name.
  const std::map<std::string, std::string>& texts() const { return texts_; }

 private:
  using Value = std::variant<std::string, long long, double, bool, std::vector<std::string>>;

  /// The value of `name`, which must be declared with `type`; throws std::logic_error otherwise.
  const Value* Find(const std::string& name, ArgType type) const;
  /// As Find, and throws std::logic_error when the argument has no value.
  const Value& Get(const std::string& name, ArgType type) const;

  std::string step_;
  std::map<std::string, ArgType> types_;
  std::map<std::string, Value> values_;
  std::map<std::string, std::string> texts_;
};

}  // namespace ctp
