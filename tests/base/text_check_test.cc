// Text for a pipeline: UTF-8 as RFC 3629 defines it, without NUL bytes.
#include "ctp/base/text_check.h"

#include <doctest/doctest.h>

#include <string>

using ctp::base::TextProblem;

TEST_CASE("UTF-8 text without NUL bytes passes") {
  CHECK_FALSE(TextProblem(""));
  CHECK_FALSE(TextProblem("plain ASCII"));
  CHECK_FALSE(TextProblem("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));  // é € 😀
  CHECK_FALSE(TextProblem("\xf4\x8f\xbf\xbf"));                           // U+10FFFF
}

TEST_CASE("a NUL byte or bytes that are not UTF-8 are named with their position") {
  CHECK(TextProblem(std::string("echo safe\0; rm", 14)) == "contains a NUL byte (at byte 10)");
  CHECK(TextProblem("caf\xe9") == "is not valid UTF-8 (at byte 4)");           // Latin-1
  CHECK(TextProblem("\xc0\xaf") == "is not valid UTF-8 (at byte 1)");          // overlong '/'
  CHECK(TextProblem("\xed\xa0\x80") == "is not valid UTF-8 (at byte 1)");      // a surrogate
  CHECK(TextProblem("\xf4\x90\x80\x80") == "is not valid UTF-8 (at byte 1)");  // above U+10FFFF
  CHECK(TextProblem("ab\xe2\x82") == "is not valid UTF-8 (at byte 3)");        // cut short
  CHECK(TextProblem("\x80") == "is not valid UTF-8 (at byte 1)");  // a lone continuation
}

TEST_CASE("PrintableText shows NUL bytes and bytes outside UTF-8 as escapes, keeps the rest") {
  using ctp::base::PrintableText;
  CHECK(PrintableText("plain é ✓") == "plain é ✓");
  CHECK(PrintableText(std::string("a\0b", 3)) == "a\\0b");
  CHECK(PrintableText("caf\xe9!") == "caf\\xE9!");
  CHECK(PrintableText("\xed\xa0\x80") == "\\xED\\xA0\\x80");  // a surrogate: three bad bytes
  CHECK(PrintableText("") == "");
}

TEST_CASE("TextProblemOffset is the byte TextProblem reports, from 0") {
  using ctp::base::TextProblemOffset;
  CHECK_FALSE(TextProblemOffset("fine").has_value());
  CHECK(TextProblemOffset(std::string("ab\0", 3)) == 2u);
  CHECK(TextProblemOffset("x\xc3") == 1u);
}
