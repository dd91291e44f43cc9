// Lua messages that carry their own location, split without regular expressions.
#include "located_message.h"

#include <doctest/doctest.h>

#include <string>

using ctp::interpreter::LineOfAssignment;
using ctp::interpreter::SplitLocatedMessage;

TEST_CASE("located message: the shortest file before :LINE: on the first line") {
  auto located = SplitLocatedMessage("components/notify.lua:12: unexpected symbol near 'x'");
  REQUIRE(located);
  CHECK(located->file == "components/notify.lua");
  CHECK(located->line == 12);
  CHECK(located->text == "unexpected symbol near 'x'");

  located = SplitLocatedMessage("a:b.lua:3: x:4: y\nmore:5: z");
  REQUIRE(located);
  CHECK(located->file == "a:b.lua");
  CHECK(located->line == 3);
  CHECK(located->text == "x:4: y\nmore:5: z");

  CHECK_FALSE(SplitLocatedMessage("no location here"));
  CHECK_FALSE(SplitLocatedMessage(":3: no file"));
  CHECK(SplitLocatedMessage(":3: no file", true)->text == "no file");
  CHECK_FALSE(SplitLocatedMessage("first line\nfile.lua:3: not on the first line"));
  CHECK_FALSE(SplitLocatedMessage("file.lua:1234567890: too many digits"));
}

TEST_CASE("located message: megabyte messages are split in one pass") {
  const std::string huge(4 << 20, 'x');
  auto located = SplitLocatedMessage("script.lua:7: " + huge);
  REQUIRE(located);
  CHECK(located->line == 7);
  CHECK(located->text.size() == huge.size());
  CHECK_FALSE(SplitLocatedMessage(huge));
}

TEST_CASE("line of assignment: the field's line in a declaration spanning several lines") {
  const std::string text =
      "local a = ctp.container {\n"
      "  name = \"a\",\n"
      "  imgae == 1,\n"
      "  my_imgae = 2,\n"
      "  imgae = \"alpine\",\n"
      "}\n";
  CHECK(LineOfAssignment(text, 1, "imgae") == 5);
  CHECK(LineOfAssignment(text, 1, "name") == 2);
  CHECK(LineOfAssignment(text, 1, "missing") == 1);
  CHECK(LineOfAssignment(text, 3, "") == 3);
  const std::string long_line = "local t = {\n" + std::string(1 << 20, 'y') + " x = 1 }\n";
  CHECK(LineOfAssignment(long_line, 1, "x") == 2);
}
