#include "yaml_value.h"

#include <stdexcept>
#include <utility>

namespace ctp::emit {

YamlValue::YamlValue(std::string text) : kind_(Kind::kString), text_(std::move(text)) {}

YamlValue::YamlValue(const char* text) : kind_(Kind::kString), text_(text) {}

YamlValue YamlValue::Plain(std::string text) {
  YamlValue value(std::move(text));
  value.kind_ = Kind::kPlain;
  return value;
}

YamlValue YamlValue::EmptyMap() {
  YamlValue value;
  value.kind_ = Kind::kMap;
  return value;
}

YamlValue YamlValue::EmptySequence() {
  YamlValue value;
  value.kind_ = Kind::kSequence;
  return value;
}

YamlValue::YamlValue(YamlValue&& other) noexcept = default;
YamlValue& YamlValue::operator=(YamlValue&& other) noexcept = default;
YamlValue::~YamlValue() = default;

YamlValue YamlValue::Copy() const {
  YamlValue copy;
  copy.kind_ = kind_;
  copy.text_ = text_;
  copy.entries_.reserve(entries_.size());
  for (const Entry& entry : entries_) copy.entries_.push_back({entry.key, entry.value.Copy()});
  copy.items_.reserve(items_.size());
  for (const YamlValue& item : items_) copy.items_.push_back(item.Copy());
  return copy;
}

std::size_t YamlValue::size() const {
  switch (kind_) {
    case Kind::kMap:
      return entries_.size();
    case Kind::kSequence:
      return items_.size();
    default:
      return 0;
  }
}

void YamlValue::BecomeMap() {
  if (kind_ == Kind::kNull) kind_ = Kind::kMap;
  if (kind_ != Kind::kMap) throw std::logic_error("YAML value used as a map is not one");
}

std::size_t YamlValue::IndexOf(std::string_view key) const {
  if (entries_.size() <= kLinearLookupLimit) {
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].key == key) return i;
    return entries_.size();
  }
  if (!index_) {
    index_ = std::make_unique<std::unordered_map<std::string, std::size_t>>();
    index_->reserve(entries_.size() * 2);
    // First entry wins, as in a linear search.
    for (std::size_t i = 0; i < entries_.size(); ++i) index_->emplace(entries_[i].key, i);
  }
  auto found = index_->find(std::string(key));
  return found == index_->end() ? entries_.size() : found->second;
}

YamlValue& YamlValue::operator[](std::string_view key) {
  BecomeMap();
  const std::size_t position = IndexOf(key);
  if (position < entries_.size()) return entries_[position].value;
  Append(std::string(key), YamlValue());
  return entries_.back().value;
}

const YamlValue* YamlValue::Find(std::string_view key) const {
  if (kind_ != Kind::kMap) return nullptr;
  const std::size_t position = IndexOf(key);
  return position < entries_.size() ? &entries_[position].value : nullptr;
}

void YamlValue::Append(std::string key, YamlValue value) {
  BecomeMap();
  if (index_) index_->emplace(key, entries_.size());
  entries_.push_back({std::move(key), std::move(value)});
}

void YamlValue::AppendEntries(YamlValue map) {
  for (Entry& entry : map.entries_) Append(std::move(entry.key), std::move(entry.value));
}

void YamlValue::PushBack(YamlValue item) {
  if (kind_ == Kind::kNull) kind_ = Kind::kSequence;
  if (kind_ != Kind::kSequence) throw std::logic_error("YAML value used as a sequence is not one");
  items_.push_back(std::move(item));
}

}  // namespace ctp::emit
