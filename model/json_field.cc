#include "ctp/model/json_field.h"

namespace ctp {
namespace {

using Json = nlohmann::json;

// "name" for a key that reads as one; else the key as a JSON string in brackets, so that keys
// holding dots or slashes ("layers.0.weight", "slide/train/a.svs") stay one step of the path.
std::string PathStep(std::string_view key) {
  const bool plain = !key.empty() && !(key[0] >= '0' && key[0] <= '9') &&
                     key.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789_") == std::string_view::npos;
  return plain ? std::string(key) : "[" + Json(std::string(key)).dump() + "]";
}

// " from LEAST to MOST", " of at least LEAST", " up to MOST" or "", by the bounds shown.
std::string RangeText(const std::string& least, bool show_least, const std::string& most,
                      bool show_most) {
  if (show_least && show_most) return " from " + least + " to " + most;
  if (show_least) return " of at least " + least;
  if (show_most) return " up to " + most;
  return "";
}

}  // namespace

JsonField::JsonField(const Json& root, std::string source, std::string path)
    : value_(&root),
      source_(std::make_shared<const std::string>(std::move(source))),
      path_(std::move(path)) {}

std::string JsonField::Shown() const {
  if (value_->is_array()) return "an array";
  if (value_->is_object()) return "an object";
  if (value_->is_string() && value_->get_ref<const std::string&>().size() > 60)
    return "a string of " + std::to_string(value_->get_ref<const std::string&>().size()) +
           " characters";
  return value_->dump();
}

void JsonField::Fail(const std::string& what) const {
  throw std::runtime_error(*source_ + ": " +
                           (path_.empty() ? "the document" : "field '" + path_ + "'") + " " + what);
}

void JsonField::Require(bool (Json::*is)() const noexcept, const char* expected) const {
  if (!(value_->*is)()) Fail(std::string("must be ") + expected + ", got " + Shown());
}

JsonField JsonField::operator[](std::string_view key) const {
  Require(&Json::is_object, "an object");
  const auto found = value_->find(key);
  const std::string path = path_.empty() || PathStep(key)[0] == '[' ? path_ + PathStep(key)
                                                                    : path_ + "." + PathStep(key);
  if (found == value_->end()) JsonField(value_, source_, path).Fail("is missing");
  return JsonField(&*found, source_, path);
}

JsonField JsonField::operator[](std::size_t index) const {
  Require(&Json::is_array, "an array");
  const std::string path = path_ + "[" + std::to_string(index) + "]";
  if (index >= value_->size()) JsonField(value_, source_, path).Fail("is missing");
  return JsonField(&(*value_)[index], source_, path);
}

std::optional<JsonField> JsonField::Find(std::string_view key) const {
  Require(&Json::is_object, "an object");
  if (value_->find(key) == value_->end()) return std::nullopt;
  return (*this)[key];
}

std::vector<JsonField> JsonField::Elements() const {
  Require(&Json::is_array, "an array");
  std::vector<JsonField> elements;
  for (std::size_t i = 0; i < value_->size(); ++i) elements.push_back((*this)[i]);
  return elements;
}

std::vector<std::pair<std::string, JsonField>> JsonField::Members() const {
  Require(&Json::is_object, "an object");
  std::vector<std::pair<std::string, JsonField>> members;
  for (const auto& [key, value] : value_->items()) members.emplace_back(key, (*this)[key]);
  return members;
}

bool JsonField::Bool() const {
  Require(&Json::is_boolean, "true or false");
  return value_->get<bool>();
}

std::string JsonField::String() const {
  Require(&Json::is_string, "a string");
  return value_->get<std::string>();
}

double JsonField::Number(double least, double most) const {
  const bool number = value_->is_number();
  const double value = number ? value_->get<double>() : 0;
  if (!number || !(value >= least && value <= most))
    Fail("must be a number" +
         RangeText(Json(least).dump(), least != std::numeric_limits<double>::lowest(),
                   Json(most).dump(), most != std::numeric_limits<double>::max()) +
         ", got " + Shown());
  return value;
}

// A bound is shown when it is not the type's own or the value passes it.
std::int64_t JsonField::Signed(std::int64_t least, std::int64_t most) const {
  bool below = false, above = false;
  std::int64_t value = 0;
  if (value_->is_number_unsigned()) {
    const auto unsigned_value = value_->get<std::uint64_t>();
    above = most < 0 || unsigned_value > static_cast<std::uint64_t>(most);
    value = static_cast<std::int64_t>(unsigned_value);
    below = !above && value < least;
  } else if (value_->is_number_integer()) {
    value = value_->get<std::int64_t>();
    below = value < least;
    above = value > most;
  }
  if (!value_->is_number_integer() || below || above)
    Fail("must be a whole number" +
         RangeText(
             std::to_string(least), below || least != std::numeric_limits<std::int64_t>::lowest(),
             std::to_string(most), above || most != std::numeric_limits<std::int64_t>::max()) +
         ", got " + Shown());
  return value;
}

std::uint64_t JsonField::Unsigned(std::uint64_t least, std::uint64_t most) const {
  bool inside = false;
  std::uint64_t value = 0;
  if (value_->is_number_unsigned() ||
      (value_->is_number_integer() && value_->get<std::int64_t>() >= 0)) {
    value = value_->get<std::uint64_t>();
    inside = value >= least && value <= most;
  }
  if (!inside)
    Fail("must be a whole number" +
         RangeText(std::to_string(least), true, std::to_string(most),
                   most != std::numeric_limits<std::uint64_t>::max()) +
         ", got " + Shown());
  return value;
}

}  // namespace ctp
