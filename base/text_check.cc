#include "ctp/base/text_check.h"

#include <cstdint>

namespace ctp::base {
namespace {

// The length of the UTF-8 sequence at `at`, or 0 when it is not one.
std::size_t SequenceLength(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  std::uint8_t low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  return length;
}

}  // namespace

std::optional<std::size_t> TextProblemOffset(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = text[at] == '\0' ? 0 : SequenceLength(text, at);
    if (length == 0) return at;
    at += length;
  }
  return std::nullopt;
}

std::optional<std::string> TextProblem(std::string_view text) {
  const std::optional<std::size_t> at = TextProblemOffset(text);
  if (!at) return std::nullopt;
  const std::string where = " (at byte " + std::to_string(*at + 1) + ")";
  return text[*at] == '\0' ? "contains a NUL byte" + where : "is not valid UTF-8" + where;
}

std::string PrintableText(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string printable;
  printable.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = text[at] == '\0' ? 0 : SequenceLength(text, at);
    if (length > 0) {
      printable.append(text, at, length);
      at += length;
      continue;
    }
    const auto byte = static_cast<std::uint8_t>(text[at++]);
    printable +=
        byte == 0 ? std::string("\\0") : std::string{'\\', 'x', kHex[byte >> 4], kHex[byte & 15]};
  }
  return printable;
}

}  // namespace ctp::base
