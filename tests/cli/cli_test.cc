// The `ctp` command line: exit codes (0 ok, 1 bad pipeline or failure, 2 bad usage) and messages.
#include <doctest/doctest.h>

#include "run_ctp.h"

using namespace ctp::testing;

TEST_CASE("version, help and usage errors") {
  CommandResult version = RunCtp("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out == "ctp 0.1.0\n");

  CommandResult help = RunCtp("help check");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("validate a pipeline script") != std::string::npos);

  CHECK(RunCtp("").exit_code == 2);
  CHECK(RunCtp("frobnicate").exit_code == 2);
  CommandResult format = RunCtp("emit scripts/hello.lua --format xml");
  CHECK(format.exit_code == 2);
  CHECK(format.err.find("--format: xml not in {argo,kfp}") != std::string::npos);
}

TEST_CASE("a missing script and bad parameters are reported with exit code 1 or 2") {
  CommandResult missing = RunCtp("check no/such/script.lua");
  CHECK(missing.exit_code == 1);
  CHECK(missing.err ==
        "no/such/script.lua: error: cannot read script: No such file or directory\n");

  CommandResult unknown = RunCtp("check scripts/hello.lua -p whom=you");
  CHECK(unknown.exit_code == 1);
  CHECK(
      unknown.err ==
      "error: pipeline 'hello' has no parameter 'whom' (did you mean 'who'?) (from -p whom=you)\n");

  CommandResult typed = RunCtp("check scripts/hello.lua -p repeats=three");
  CHECK(typed.exit_code == 1);
  CHECK(typed.err ==
        "error: parameter 'repeats' is an int: cannot use 'three' (from -p repeats=three)\n");

  CommandResult malformed = RunCtp("check scripts/hello.lua -p who");
  CHECK(malformed.exit_code == 2);
  CHECK(malformed.err == "ctp check: -p expects name=value, got 'who'\n");

  CommandResult from_file = RunCtp("check scripts/hello.lua --params scripts/settings.yaml");
  CHECK(from_file.exit_code == 0);
}

TEST_CASE("emit -o writes nothing when the script is bad") {
  TempDir dir("cli_emit");
  const std::string out = (dir.path / "workflow.yaml").string();
  CommandResult bad = RunCtp("emit tests/interpreter/bad_scripts/cycle.lua -o '" + out + "'");
  CHECK(bad.exit_code == 1);
  CHECK_FALSE(std::filesystem::exists(out));
  CommandResult good = RunCtp("emit scripts/hello.lua -o '" + out + "'");
  CHECK(good.exit_code == 0);
  CHECK(good.out == "");
  CHECK(ReadText(out).rfind("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n", 0) == 0);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                      std::filesystem::directory_iterator()) == 1);  // no temporary file left
}

TEST_CASE("--trace adds the Lua traceback to a script error") {
  CommandResult plain = RunCtp("check tests/interpreter/bad_scripts/runtime_error.lua");
  CHECK(plain.err.find("stack traceback") == std::string::npos);
  CommandResult traced = RunCtp("check tests/interpreter/bad_scripts/runtime_error.lua --trace");
  CHECK(traced.exit_code == 1);
  CHECK(traced.err.find("stack traceback") != std::string::npos);
}

TEST_CASE("ctp step and ctp exec run one step and write its outputs") {
  TempDir dir("cli_step");
  const std::string message = (dir.path / "message").string();
  CommandResult step =
      RunCtp("step echo --message hi --times 2 --output message='" + message + "'");
  CHECK(step.exit_code == 0);
  CHECK(step.out == "hi\nhi\n");
  CHECK(ReadText(message) == "hi");

  CommandResult unknown = RunCtp("step echo --mesage hi");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err ==
        "ctp step echo: unknown argument --mesage (did you mean 'message'?); see ctp step echo "
        "--help\n");

  const std::string doubled = (dir.path / "n").string();
  CommandResult exec = RunCtp(
      "exec --source 'return function(inputs) return { n = tonumber(inputs.x) * 2 } end' "
      "--input x=21 --output n='" +
      doubled + "'");
  CHECK(exec.exit_code == 0);
  CHECK(ReadText(doubled) == "42");

  CommandResult failing =
      RunCtp("exec --name count --source 'return function(inputs) return inputs.a.b end'");
  CHECK(failing.exit_code == 1);
  CHECK(failing.err == "<count>:1: error: attempt to index a nil value (field 'a')\n");
}

TEST_CASE("ctp step checks every argument before the step runs: exit code 2, exact messages") {
  const std::pair<const char*, const char*> cases[] = {
      {"step echo --message hi --times two",
       "ctp step echo: argument --times: expected an integer, got 'two'\n"},
      {"step echo --times 2", "ctp step echo: argument --message is required\n"},
      {"step echo --message hi --output mesage=/tmp/x",
       "ctp step echo: --output mesage=/tmp/x: the step has no output 'mesage' (did you mean "
       "'message'?)\n"},
      {"step echo --message hi --output message", "ctp step echo: --output expects NAME=PATH, "
                                                   "got 'message'\n"},
      {"step echo --message", "ctp step echo: argument --message needs a value\n"},
      {"step echo hi", "ctp step echo: expected --ARG VALUE, got 'hi'\n"},
      {"step tile --data . --images yes",
       "ctp step tile: argument --images: expected true or false, got 'yes'\n"},
      {"step tile --data . --min-tissue half",
       "ctp step tile: argument --min_tissue: expected a number, got 'half'\n"},
      {"step train --data . --device gpu",
       "ctp step train: argument --device: expected one of auto, cpu, cuda, got 'gpu' (did you "
       "mean 'cpu'?)\n"},
  };
  for (const auto& entry : cases) {
    // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
    const char* command = entry.first;
    const char* message = entry.second;
    CAPTURE(command);
    CommandResult result = RunCtp(command);
    CHECK(result.exit_code == 2);
    CHECK(result.out == "");
    CHECK(result.err == message);
  }
}

TEST_CASE("ctp step NAME --help lists the arguments (type, default or required, doc) and outputs") {
  CommandResult help = RunCtp("step tile --help");
  CHECK(help.exit_code == 0);
  CheckGolden(help.out, SourcePath("tests/cli/step_tile_help.txt"));
  CommandResult echo = RunCtp("step echo --help");
  CHECK(echo.exit_code == 0);
  CHECK(echo.out ==
        "Writes its message to the log and to the output 'message'.\n"
        "Usage: ctp step echo [--ARG VALUE ...] [--output-dir DIR] [--output NAME=PATH ...]\n"
        "\n"
        "Arguments:\n"
        "  --message string (required)\n"
        "      the text to echo\n"
        "  --times int (default 1)\n"
        "      how many lines to log\n"
        "\n"
        "Outputs:\n"
        "  message (parameter)\n"
        "      the message, unchanged\n");
}

TEST_CASE("ctp report names the run it cannot find") {
  TempDir workdir("cli_report");
  CommandResult report = RunCtp("report no-such-run --workdir " + workdir.path.string());
  CHECK(report.exit_code == 2);
  CHECK(report.err ==
        "ctp report: no run 'no-such-run' in " + (workdir.path / "ctp.db").string() + "\n");
  CHECK(!std::filesystem::exists(workdir.path / "ctp.db"));
}

TEST_CASE("a warning goes to standard error with its line, and ctp check still succeeds") {
  CommandResult r = RunCtp("check tests/interpreter/bad_scripts/step_not_in_pipeline.lua");
  CHECK(r.exit_code == 0);
  CHECK(r.err == ReadText(SourcePath("tests/interpreter/bad_scripts/step_not_in_pipeline.err")));
  CHECK(r.err.rfind("tests/interpreter/bad_scripts/step_not_in_pipeline.lua:2: warning: ", 0) == 0);
  CHECK(r.out ==
        "tests/interpreter/bad_scripts/step_not_in_pipeline.lua: pipeline 'p': 1 step, 0 "
        "parameters\n"
        "  train                container alpine\n");
}

TEST_CASE("check, run and emit refuse a Lua step that captures a local, with one message") {
  const std::string script = "tests/interpreter/bad_scripts/lua_step_upvalue.lua";
  const std::string expected =
      ReadText(SourcePath("tests/interpreter/bad_scripts/lua_step_upvalue.err"));
  TempDir dir("cli_upvalue");
  for (const std::string& command : {"check " + script, "emit " + script,
                                    "run " + script + " --workdir '" + dir.path.string() + "'"}) {
    CAPTURE(command);
    CommandResult r = RunCtp(command);
    CHECK(r.exit_code == 1);
    CHECK(r.err == expected);
    CHECK(r.out.empty());
  }
  CHECK_FALSE(std::filesystem::exists(dir.path / "runs"));
}
