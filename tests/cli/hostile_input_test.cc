// Hostile and careless inputs to `ctp check`: devices, FIFOs, huge values, megabyte messages,
// NUL bytes. Each is a clear message naming the file, exit code 1, and no crash or hang.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "run_ctp.h"

using namespace ctp::testing;

namespace {

std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("hostile input: a script or parameter file that is a device or a FIFO is refused") {
  CommandResult zero = RunCtp("check /dev/zero");
  CHECK(zero.exit_code == 1);
  CHECK(zero.err == "/dev/zero: error: cannot read script: it is not a regular file\n");

  TempDir dir("hostile_fifo");
  const std::filesystem::path fifo = dir.path / "script.lua";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CommandResult named_pipe = RunCtp("check " + Quoted(fifo));
  CHECK(named_pipe.exit_code == 1);
  CHECK(named_pipe.err == fifo.string() + ": error: cannot read script: it is not a regular file\n");

  CommandResult params = RunCtp("check scripts/hello.lua --params /dev/zero");
  CHECK(params.exit_code == 1);
  CHECK(params.err ==
        "/dev/zero: error: cannot read the parameter file: it is not a regular file\n");
}

TEST_CASE("hostile input: a parameter file whose name is a list or a map names the line") {
  TempDir dir("hostile_param_key");
  const std::filesystem::path params = dir.path / "params.yaml";
  WriteFile(params, "who: me\n{{x}}: [1, 2]\n");
  CommandResult result = RunCtp("check scripts/hello.lua --params " + Quoted(params));
  CHECK(result.exit_code == 1);
  CHECK(result.err.rfind(
            params.string() + ":2: error: a parameter name must be text, not a list or a map\n",
            0) == 0);
}

TEST_CASE("hostile input: a 100,000-digit int parameter is refused, the value abbreviated") {
  const std::string digits(100000, '1');
  const std::string shown = std::string(60, '1') + "... (100000 bytes)";
  CommandResult result = RunCtp("check scripts/hello.lua -p repeats=" + digits);
  CHECK(result.exit_code == 1);
  CHECK(result.err == "error: parameter 'repeats' is an int: cannot use '" + shown +
                          "' (from -p repeats=" + shown + ")\n");
}

TEST_CASE("hostile input: megabyte error messages and string literals are reported") {
  TempDir dir("hostile_long");
  const std::string long_text(60000, 'x');
  const std::filesystem::path raised = dir.path / "raised.lua";
  WriteFile(raised, "local ctp = require \"ctp\"\nerror(\"" + long_text + "\")\n");
  CommandResult error = RunCtp("check " + Quoted(raised));
  CHECK(error.exit_code == 1);
  CHECK(error.err.rfind(raised.string() + ":2: error: " + long_text + "\n", 0) == 0);

  const std::filesystem::path literal = dir.path / "literal.lua";
  WriteFile(literal, "local ctp = require \"ctp\"\nlocal a = ctp.container { name = \"a\", "
                     "image = \"alpine\", args = { \"" + long_text + "\" }, imgae = 1 }\n"
                     "return ctp.pipeline { name = \"p\", steps = { a } }\n");
  CommandResult field = RunCtp("check " + Quoted(literal));
  CHECK(field.exit_code == 1);
  CHECK(field.err.rfind(literal.string() +
                            ":2: error: ctp.container: unknown field 'imgae' (did you mean "
                            "'image'?)\n",
                        0) == 0);
}

TEST_CASE("hostile input: require of a name with a NUL byte is an error at its line") {
  TempDir dir("hostile_nul");
  const std::filesystem::path script = dir.path / "nul.lua";
  WriteFile(script, std::string("local ctp = require \"\\0ctp\"\n"));
  CommandResult result = RunCtp("check " + Quoted(script));
  CHECK(result.exit_code == 1);
  CHECK(result.err == script.string() +
                          ":1: error: require: a module name cannot contain a NUL byte\n"
                          "  local ctp = require \"\\0ctp\"\n");
}

TEST_CASE("hostile input: a KFP component placeholder naming a 100,000-byte input") {
  TempDir dir("hostile_kfp");
  const std::string name(100000, 'a');
  WriteFile(dir.path / "c" / "component.yaml",
            "components:\n  comp-echo:\n    executorLabel: exec-echo\n    inputDefinitions:\n"
            "      parameters:\n        msg:\n          parameterType: STRING\n"
            "deploymentSpec:\n  executors:\n    exec-echo:\n      container:\n"
            "        image: alpine\n        command: [echo]\n"
            "        args: [\"{{$.inputs.parameters['" + name + "']}}\"]\n"
            "pipelineInfo:\n  name: echo\nroot:\n  dag:\n    tasks: {}\nschemaVersion: 2.1.0\n");
  const std::filesystem::path script = dir.path / "p.lua";
  WriteFile(script, "local ctp = require \"ctp\"\nlocal echo = ctp.load_component "
                    "\"c/component.yaml\"\nreturn ctp.pipeline { name = \"p\", steps = { echo "
                    "{ msg = \"hi\" } } }\n");
  CommandResult result = RunCtp("check " + Quoted(script));
  CHECK(result.exit_code == 1);
  CHECK(result.err.rfind(script.string() + ":2: error: ctp.load_component: " +
                             (dir.path / "c" / "component.yaml").string() +
                             ":14: the component has no input parameter '" + std::string(60, 'a') +
                             "... (100000 bytes)'",
                         0) == 0);
}

TEST_CASE("hostile input: text that is not UTF-8 or holds a NUL byte is refused, nothing written") {
  TempDir dir("hostile_text");
  const std::filesystem::path out = dir.path / "out.yaml";
  CommandResult latin1 = RunCtp("emit scripts/hello.lua -p \"$(printf 'who=caf\\351')\" -o " +
                                 Quoted(out));
  CHECK(latin1.exit_code == 2);
  CHECK(latin1.err == "ctp emit: -p who: the assignment is not valid UTF-8 (at byte 8)\n");
  const std::filesystem::path params = dir.path / "params.yaml";
  WriteFile(params, "who: \"caf\xe9\"\n");
  CommandResult file = RunCtp("emit scripts/hello.lua --params " + Quoted(params) + " -o " +
                              Quoted(out));
  CHECK(file.exit_code == 1);
  CHECK(file.err == params.string() + ": error: the parameter file is not valid UTF-8 (at byte 10)\n");
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("hostile input: a volume claim that leads outside <workdir>/volumes is refused, nothing made") {
  TempDir dir("hostile_claim");
  const std::filesystem::path workdir = dir.path / "a" / "b" / "work";
  const std::filesystem::path script = dir.path / "claim.lua";
  WriteFile(script,
            "local ctp = require \"ctp\"\n"
            "local data = ctp.volume { name = \"data\", claim = \"../../outside\" }\n"
            "local a = ctp.container { name = \"a\", command = { \"sh\", \"-c\", \"touch /data/x\" },\n"
            "                          mounts = { data:mount(\"/data\") } }\n"
            "return ctp.pipeline { name = \"p\", steps = { a } }\n");
  CommandResult result = RunCtp("run " + Quoted(script) + " --workdir " + Quoted(workdir));
  CHECK(result.exit_code == 1);
  CHECK(result.err.rfind(script.string() +
                             ":2: error: volume 'data': claim '../../outside' is not a valid "
                             "Kubernetes object name",
                         0) == 0);
  CHECK_FALSE(std::filesystem::exists(dir.path / "a" / "outside"));
  CHECK_FALSE(std::filesystem::exists(workdir));
}
