#include "located_message.h"

#include <cctype>

namespace ctp::interpreter {
namespace {

bool Digit(char c) { return c >= '0' && c <= '9'; }
bool WordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::optional<LocatedMessage> SplitLocatedMessage(std::string_view message,
                                                  bool file_may_be_empty) {
  const std::size_t first_line_end = message.find('\n');
  for (std::size_t colon = message.find(':'); colon != std::string_view::npos &&
                                              colon < first_line_end;
       colon = message.find(':', colon + 1)) {
    if (colon == 0 && !file_may_be_empty) continue;
    std::size_t end = colon + 1;
    while (end < message.size() && Digit(message[end])) ++end;
    const std::size_t digits = end - colon - 1;
    if (digits == 0 || digits > 9 || message.substr(end, 2) != ": ") continue;
    LocatedMessage located;
    located.file = std::string(message.substr(0, colon));
    located.line = std::stoi(std::string(message.substr(colon + 1, digits)));
    located.text = std::string(message.substr(end + 2));
    return located;
  }
  return std::nullopt;
}

int LineOfAssignment(std::string_view text, int line, std::string_view field) {
  std::string word;
  for (char c : field)
    if (WordChar(c)) word += c;
  if (word.empty()) return line;
  int number = 1;
  for (std::size_t start = 0; start <= text.size() && number <= line + 200; ++number) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view current = text.substr(start, end - start);
    if (number >= line) {
      for (std::size_t at = current.find(word); at != std::string_view::npos;
           at = current.find(word, at + 1)) {
        if (at > 0 && WordChar(current[at - 1])) continue;
        std::size_t after = at + word.size();
        while (after < current.size() && (current[after] == ' ' || current[after] == '\t'))
          ++after;
        if (after + 1 < current.size() && current[after] == '=' && current[after + 1] != '=')
          return number;
      }
    }
    start = end + 1;
  }
  return line;
}

}  // namespace ctp::interpreter
