// Reading a JSON document field by field, with errors that name the file and the field
// ("model.json: field 'input.height' must be a whole number from 1 to 8192, got \"28\"") instead
// of nlohmann's bare "[json.exception.type_error.302] type must be number, but is string".
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctp {

/// A field of a JSON document, or the document itself: its value, the file it came from and
/// where in it ("input.height", "model.layers[2].out", "slides[\"slide/train/a.svs\"].size").
/// Holds a pointer to the document, which must outlive it. Every error is a std::runtime_error
/// "SOURCE: field 'PATH' WHAT" ("SOURCE: the document WHAT" for the document itself).
class JsonField {
 public:
  /// The document `root`, read from `source` (a file name, or what else names it in errors).
  /// `path` names the root's place when the document is part of something larger ("" if not).
  JsonField(const nlohmann::json& root, std::string source, std::string path = "");

  /// The member `key` of this object; an error when this is not an object or has no `key`.
  JsonField operator[](std::string_view key) const;
  /// The element `index` of this array; an error when this is not an array or is shorter.
  JsonField operator[](std::size_t index) const;
  /// The member `key` if present (null when absent); an error when this is not an object.
  std::optional<JsonField> Find(std::string_view key) const;
  /// The elements of this array; an error when this is not an array.
  std::vector<JsonField> Elements() const;
  /// The members of this object in key order; an error when this is not an object.
  std::vector<std::pair<std::string, JsonField>> Members() const;

  /// The value as T: bool, an integer type (a whole number T can hold), a floating-point type
  /// (any number), std::string, std::vector<U> of these, or nlohmann::json (any value).
  template <class T>
  T Get() const;
  /// A whole or floating-point number from `least` to `most`.
  template <class T>
  T Get(T least, T most) const;
  /// The member `key` as T, or `fallback` when it is absent (nlohmann's value(), checked).
  template <class T>
  T Value(std::string_view key, T fallback) const {
    const std::optional<JsonField> field = Find(key);
    return field ? field->Get<T>() : fallback;
  }

  /// The JSON value.
  const nlohmann::json& Raw() const { return *value_; }
  /// Where the value is ("" for the document).
  const std::string& Path() const { return path_; }
  /// The value as an error shows it: scalars as JSON ("\"28\"", 7, null), else "an array" or
  /// "an object".
  std::string Shown() const;
  /// Throws std::runtime_error "SOURCE: field 'PATH' WHAT".
  [[noreturn]] void Fail(const std::string& what) const;

 private:
  JsonField(const nlohmann::json* value, std::shared_ptr<const std::string> source,
            std::string path)
      : value_(value), source_(std::move(source)), path_(std::move(path)) {}
  void Require(bool (nlohmann::json::*is)() const noexcept, const char* expected) const;
  bool Bool() const;
  std::string String() const;
  double Number(double least, double most) const;
  std::int64_t Signed(std::int64_t least, std::int64_t most) const;
  std::uint64_t Unsigned(std::uint64_t least, std::uint64_t most) const;

  const nlohmann::json* value_;
  std::shared_ptr<const std::string> source_;
  std::string path_;
};

namespace json_field_detail {
template <class T>
struct IsVector : std::false_type {};
template <class U>
struct IsVector<std::vector<U>> : std::true_type {};
}  // namespace json_field_detail

template <class T>
T JsonField::Get(T least, T most) const {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>, "a number type");
  if constexpr (std::is_floating_point_v<T>)
    return static_cast<T>(Number(static_cast<double>(least), static_cast<double>(most)));
  else if constexpr (std::is_signed_v<T>)
    return static_cast<T>(Signed(least, most));
  else
    return static_cast<T>(Unsigned(least, most));
}

template <class T>
T JsonField::Get() const {
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    return *value_;
  } else if constexpr (std::is_same_v<T, bool>) {
    return Bool();
  } else if constexpr (std::is_floating_point_v<T>) {
    Number(std::numeric_limits<double>::lowest(), std::numeric_limits<double>::max());  // a number
    return Get<T>(std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max());     // fits T
  } else if constexpr (std::is_arithmetic_v<T>) {
    return Get<T>(std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max());
  } else if constexpr (std::is_same_v<T, std::string>) {
    return String();
  } else {
    static_assert(json_field_detail::IsVector<T>::value, "an unsupported type");
    T values;
    for (const JsonField& element : Elements())
      values.push_back(element.Get<typename T::value_type>());
    return values;
  }
}

}  // namespace ctp
