// The project's YAML validators (tests/conformance/validate_argo.py and validate_kfp.py) run from
// tests, and a temporary folder to put the files they read in.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "test_paths.h"

namespace ctp::testing {

/// A fresh temporary folder, removed at the end of the scope.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& label)
      : path(std::filesystem::temp_directory_path() /
             ("ctp_" + label + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }

  /// Writes `text` to `name` in the folder and returns the path quoted for a shell, with a
  /// leading space (ready to append to a command line).
  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path / name;
    std::ofstream(file) << text;
    return " '" + file.string() + "'";
  }
};

/// Runs a shell command and returns its exit status (-1 if it did not exit).
inline int RunCommand(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Checks that the validator `tool` (with `flags`) accepts `files` (quoted paths,
/// space-separated); prints the validator's report when it does not.
inline void CheckValidatorAccepts(const TempDir& dir, const std::string& tool,
                                  const std::string& flags, const std::string& files) {
  const std::string log = (dir.path / (tool + ".log")).string();
  INFO("validator: " << tool);
  CHECK(RunCommand("python3 '" + SourcePath("tests/conformance/" + tool) + "' " + flags + files + " > '" +
                   log + "' 2>&1 || { cat '" + log + "'; exit 1; }") == 0);
}

/// Checks Argo YAML files with validate_argo.py --refs.
inline void CheckArgoValid(const TempDir& dir, const std::string& files) {
  CheckValidatorAccepts(dir, "validate_argo.py", "--refs", files);
}

/// Checks KFP YAML files with validate_kfp.py; prints SKIPPED when KFP's protos are missing.
inline void CheckKfpValid(const TempDir& dir, const std::string& files) {
  if (RunCommand("python3 -c 'import kfp.pipeline_spec' > /dev/null 2>&1") != 0) {
    std::cout << "SKIPPED: KFP validation (pip install -r deps/python-test-requirements.txt)\n";
    return;
  }
  CheckValidatorAccepts(dir, "validate_kfp.py", "", files);
}

}  // namespace ctp::testing
