#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "ctp/model/diagnostic.h"

using namespace ctp;

TEST_CASE("a diagnostic shows its line and a caret under the highlighted text") {
  std::string path = "diagnostic_test_script.lua";
  std::ofstream(path) << "local p = 1\n\tlocal s = c.container { imgae = 'x' }\n";
  Diagnostic d{{path, 2}, "unknown field 'imgae'", "imgae"};
  CHECK(FormatDiagnostic(d) ==
        "diagnostic_test_script.lua:2: error: unknown field 'imgae'\n"
        "   local s = c.container { imgae = 'x' }\n"
        "                           ^\n");
  CHECK(FormatDiagnostic(d, false) == "diagnostic_test_script.lua:2: error: unknown field 'imgae'\n");
  std::remove(path.c_str());
  // The file is gone: only the headline.
  CHECK(FormatDiagnostic(d) == "diagnostic_test_script.lua:2: error: unknown field 'imgae'\n");
}

TEST_CASE("did you mean picks the closest name within a third of its length") {
  CHECK(DidYouMean("imgae", {"image", "args", "command"}) == " (did you mean 'image'?)");
  CHECK(DidYouMean("xyz", {"image", "args"}).empty());
  CHECK(ClosestMatch("comand", {"command", "commands"}) == "command");
}

TEST_CASE("an Error's what() is its first diagnostic") {
  Error e({{{"a.lua", 3}, "first", ""}, {{"a.lua", 4}, "second", ""}});
  CHECK(std::string(e.what()) == "a.lua:3: error: first");
  CHECK(FormatError(e, false) == "a.lua:3: error: first\na.lua:4: error: second\n");
}
