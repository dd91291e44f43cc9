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

TEST_CASE("the caret goes under the highlight as a whole word, not inside another word") {
  std::string path = "diagnostic_word_script.lua";
  std::ofstream(path) << "local b = ctp.container { name = \"b\", args = { a.outputs.x } }\n";
  Diagnostic d{{path, 1}, "m", "a"};  // not the 'a' of "local"
  CHECK(FormatDiagnostic(d) ==
        "diagnostic_word_script.lua:1: error: m\n"
        "  local b = ctp.container { name = \"b\", args = { a.outputs.x } }\n"
        "                                                 ^\n");
  // Not a word on the line: its first occurrence.
  d.highlight = "ontai";
  CHECK(FormatDiagnostic(d).find("\n                 ^\n") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("a warning reads 'warning:' where an error reads 'error:'") {
  Diagnostic d{{"a.lua", 3}, "step 'x' is not in any pipeline's steps", ""};
  d.severity = Diagnostic::Severity::kWarning;
  CHECK(FormatDiagnostic(d, false) ==
        "a.lua:3: warning: step 'x' is not in any pipeline's steps\n");
  d.location = {};
  CHECK(FormatDiagnostic(d) == "warning: step 'x' is not in any pipeline's steps\n");
}

TEST_CASE("did you mean picks the closest name within a third of its length") {
  CHECK(DidYouMean("imgae", {"image", "args", "command"}) == " (did you mean 'image'?)");
  CHECK(DidYouMean("xyz", {"image", "args"}).empty());
  CHECK(ClosestMatch("comand", {"command", "commands"}) == "command");
  // A typo wins over an abbreviation.
  CHECK(ClosestMatch("acurracy", {"accuracy", "accuracy_top5"}) == "accuracy");
  // The name itself is no suggestion.
  CHECK(ClosestMatch("model", {"model"}).empty());
}

TEST_CASE("did you mean reads an abbreviation: the first letter, then the others in order") {
  CHECK(DidYouMean("cnt", {"count", "model"}) == " (did you mean 'count'?)");
  CHECK(ClosestMatch("lr", {"epochs", "learning_rate", "batch_size"}) == "learning_rate");
  CHECK(ClosestMatch("out", {"inputs", "outputs"}) == "outputs");
  // Of several, the closest by edit distance.
  CHECK(ClosestMatch("mdl", {"model_dir", "model"}) == "model");
  // The first letter must match, the letters must be in order, and one letter is too little.
  CHECK(ClosestMatch("nt", {"count"}).empty());
  CHECK(ClosestMatch("ctn", {"count"}).empty());
  CHECK(ClosestMatch("c", {"count", "cache"}).empty());
}

TEST_CASE("an Error's what() is its first diagnostic") {
  Error e({{{"a.lua", 3}, "first", ""}, {{"a.lua", 4}, "second", ""}});
  CHECK(std::string(e.what()) == "a.lua:3: error: first");
  CHECK(FormatError(e, false) == "a.lua:3: error: first\na.lua:4: error: second\n");
}
