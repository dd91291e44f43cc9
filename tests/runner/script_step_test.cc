// `ctp run` of script steps (ctp.script: the host's interpreter runs the source from a file) and
// of a step's result (what it prints, kept as Argo keeps outputs.result).
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "ctp/runner/process_launcher.h"
#include "run_ctp.h"
#include "runner_support.h"

namespace ctp::testing {
namespace {

std::string Quote(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::filesystem::path WriteScript(const ScratchDir& dir, const std::string& text) {
  const std::filesystem::path path = dir.path() / "pipeline.lua";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string OnlyRunDir(const std::filesystem::path& workdir) {
  std::vector<std::filesystem::path> runs;
  for (const auto& entry : std::filesystem::directory_iterator(workdir / "runs"))
    runs.push_back(entry.path());
  REQUIRE(runs.size() == 1);
  return runs[0].string();
}

constexpr const char* kScriptPipeline = R"lua(local ctp = require "ctp"
local params = ctp.params { n = ctp.int { default = 3 } }
local count = ctp.script {
  name = "count", image = "alpine:3.19", command = { "sh" },
  env = { N = params.n },
  source = "i=1\nwhile [ $i -le $N ]; do echo line $i; i=$((i + 1)); done\necho " .. params.n .. " > " ..
           ctp.output_path("n") .. "\n",
  outputs = { "n" },
}
local tail = ctp.script {
  name = "tail", image = "alpine:3.19", command = { "sh", "-e" },
  source = "printf 'got %s lines, n=%s\\n\\n' \"$(echo '" .. count.result .. "' | wc -l)\" " ..
           count.outputs.n .. "\n",
}
local show = ctp.container { name = "show", image = "alpine:3.19",
  command = { "sh", "-c", "printf '%s' \"$0\" > \"$1\"", tail.result, ctp.output_path("seen") },
  outputs = { "seen" } }
return ctp.pipeline { name = "scripts", params = params, steps = { count, tail, show } }
)lua";

TEST_CASE("ctp run runs a script step's source with the host's interpreter and passes its result") {
  ScratchDir dir;
  const std::filesystem::path script = WriteScript(dir, kScriptPipeline);
  const std::string workdir = " --plain --workdir " + Quote(dir.path() / "work");
  CommandResult run = RunCtp("run " + Quote(script) + workdir);
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  const std::filesystem::path run_dir = OnlyRunDir(dir.path() / "work");
  // One final newline dropped, as Argo drops it; the text before it kept as printed.
  CHECK(FileText(run_dir / "count/outputs/result") == "line 1\nline 2\nline 3\n");
  CHECK(FileText(run_dir / "count/outputs/n") == "3\n");
  CHECK(FileText(run_dir / "show/outputs/seen") == "got 3 lines, n=3\n");
  // The source as the interpreter read it, and what the step printed in its log.
  CHECK(FileText(run_dir / "count/script") ==
        "i=1\nwhile [ $i -le $N ]; do echo line $i; i=$((i + 1)); done\necho 3 > " +
            (run_dir / "count/outputs.partial/n").string() + "\n");
  CHECK(FileText(run_dir / "count/log.txt") == "line 1\nline 2\nline 3\n");

  // Unchanged inputs: every step is served from the cache, results included.
  CommandResult again = RunCtp("run " + Quote(script) + workdir);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("tail succeeded (cached)") != std::string::npos);
  CHECK(again.out.find("count succeeded (cached)") != std::string::npos);
}

TEST_CASE("a step's result keeps Argo's last 256 KiB of what it printed") {
  ScratchDir dir;
  // Reading big.result declares the result; no step needs to use it (a command line could not
  // take 256 KiB in one argument).
  const std::filesystem::path script = WriteScript(dir, R"lua(local ctp = require "ctp"
local big = ctp.script { name = "big", image = "alpine:3.19", command = { "sh" },
  source = "head -c 300000 /dev/zero | tr '\\0' a; echo b; echo" }
local _ = big.result
return ctp.pipeline { name = "big", steps = { big } }
)lua");
  CommandResult run = RunCtp("run " + Quote(script) + " --plain --workdir " + Quote(dir.path() / "w"));
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  const std::filesystem::path run_dir = OnlyRunDir(dir.path() / "w");
  // Printed: 300000 x 'a', "b\n", "\n"; Argo drops the last newline and keeps the last 256 KiB,
  // "...ab\n"; the file holds that and the newline ctp drops again when it reads the value.
  const std::string result = FileText(run_dir / "big/outputs/result");
  CHECK(result.size() == 256 * 1024 + 1);
  CHECK(result.substr(result.size() - 5) == "aab\n\n");
  const std::string log = FileText(run_dir / "big/log.txt");
  CHECK(log.size() == 300003 + 84);
  CHECK(log.substr(300003) ==
        "ctp: step big printed 300003 bytes: its result keeps the last 262144 (Argo's limit)\n");
}

TEST_CASE("a script step runs Python source with the host's python3") {
  if (FindProgram("python3").empty()) {
    MESSAGE("skipped: python3 is not on PATH");
    return;
  }
  ScratchDir dir;
  const std::filesystem::path script = WriteScript(dir, R"lua(local ctp = require "ctp"
local params = ctp.params { n = ctp.int { default = 4 } }
local square = ctp.script { name = "square", image = "python:3.12", command = { "python3" },
  source = [[
import json, sys
n = int("]] .. params.n .. [[")
print(json.dumps([i * i for i in range(n)]))
]] }
return ctp.pipeline { name = "py", params = params, steps = { square } }
)lua");
  CommandResult run =
      RunCtp("run " + Quote(script) + " -p n=5 --plain --workdir " + Quote(dir.path() / "w"));
  INFO(run.out, run.err);
  REQUIRE(run.exit_code == 0);
  // No step reads square.result, so nothing is kept: what it printed is in its log.
  CHECK(FileText(OnlyRunDir(dir.path() / "w") + "/square/log.txt") == "[0, 1, 4, 9, 16]\n");
}

TEST_CASE("ctp run refuses a script step whose interpreter is not installed, at its line") {
  ScratchDir dir;
  const std::filesystem::path script = WriteScript(dir, R"lua(local ctp = require "ctp"
local s = ctp.script { name = "s", image = "x", command = { "no-such-interpreter-ctp" },
  source = "print(1)" }
return ctp.pipeline { name = "missing", steps = { s } }
)lua");
  CommandResult run = RunCtp("run " + Quote(script) + " --plain --workdir " + Quote(dir.path() / "w"));
  CHECK(run.exit_code == 1);
  CHECK(run.err == script.string() +
                       ":2: error: script step 's': its interpreter 'no-such-interpreter-ctp' is "
                       "not on PATH (ctp run runs the source with this machine's interpreter; "
                       "install it, or run the step in its image with --runtime docker)\n"
                       "  local s = ctp.script { name = \"s\", image = \"x\", command = { "
                       "\"no-such-interpreter-ctp\" },\n");
  CHECK(!std::filesystem::exists(dir.path() / "w" / "runs"));
}

}  // namespace
}  // namespace ctp::testing
