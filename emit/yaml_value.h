// The document tree the emitters build: YAML values owned by value (no shared nodes, cheap moves),
// written through yaml-cpp's emitter by yaml_writer.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ctp::emit {

/// One YAML value: null, a scalar, an insertion-ordered map or a sequence. Unlike YAML::Node it
/// is a value: assigning one moves it into place, and a copy (Copy) is never shared.
class YamlValue {
 public:
  /// What a value is, and for a scalar how it is written.
  enum class Kind : std::uint8_t {
    kNull,      ///< `~`
    kString,    ///< a string, quoted where a reader would take it for a number, bool or null
    kPlain,     ///< a number or bool, written as it is
    kMap,       ///< key/value entries in insertion order
    kSequence,  ///< items
  };
  /// One key/value pair of a map.
  struct Entry;

  /// A null value (it becomes a map or sequence when used as one, like YAML::Node).
  YamlValue() = default;
  /// A string scalar.
  YamlValue(std::string text);  // NOLINT(google-explicit-constructor): assigns like YAML::Node
  /// A string scalar.
  YamlValue(const char* text);  // NOLINT(google-explicit-constructor)
  /// A scalar written unquoted (a number or bool).
  static YamlValue Plain(std::string text);
  /// An empty map (written `{}`).
  static YamlValue EmptyMap();
  /// An empty sequence (written `[]`).
  static YamlValue EmptySequence();

  /// Moves only; Copy says where a value is duplicated.
  YamlValue(YamlValue&& other) noexcept;
  /// Moves only.
  YamlValue& operator=(YamlValue&& other) noexcept;
  YamlValue(const YamlValue&) = delete;
  YamlValue& operator=(const YamlValue&) = delete;
  ~YamlValue();

  /// A deep copy.
  YamlValue Copy() const;

  /// What this value is.
  Kind kind() const { return kind_; }
  /// The text of a scalar (empty otherwise).
  const std::string& text() const { return text_; }
  /// The entries of a map or items of a sequence; 0 for null and scalars.
  std::size_t size() const;
  /// The entries of a map, in insertion order (empty otherwise).
  const std::vector<Entry>& entries() const { return entries_; }
  /// The items of a sequence (empty otherwise).
  const std::vector<YamlValue>& items() const { return items_; }

  /// The value of `key` in this map, appended as null when missing (a null value becomes a map).
  /// The reference is valid until the next entry is added to this map.
  YamlValue& operator[](std::string_view key);
  /// The value of `key` in this map, or nullptr.
  const YamlValue* Find(std::string_view key) const;
  /// Appends `key: value` to this map without looking for `key` (the caller knows it is new).
  void Append(std::string key, YamlValue value);
  /// Appends every entry of `map` to this map, in order, like Append.
  void AppendEntries(YamlValue map);
  /// Appends an item to this sequence (a null value becomes a sequence).
  void PushBack(YamlValue item);

 private:
  // Maps with more entries than this are looked up through `index_`, built on first lookup.
  static constexpr std::size_t kLinearLookupLimit = 16;

  void BecomeMap();
  std::size_t IndexOf(std::string_view key) const;  // entries_.size() when missing

  Kind kind_ = Kind::kNull;
  std::string text_;
  std::vector<Entry> entries_;
  std::vector<YamlValue> items_;
  mutable std::unique_ptr<std::unordered_map<std::string, std::size_t>> index_;
};

struct YamlValue::Entry {
  std::string key;  ///< written as a string scalar
  YamlValue value;  ///< the value
};

}  // namespace ctp::emit
