// Runs the built `ctp` binary from tests and captures what it printed.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "golden.h"
#include "test_paths.h"
#include "validators.h"

namespace ctp::testing {

/// What a command printed and how it exited.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `ctp ARGS` (a shell-quoted argument string) in the source directory.
inline CommandResult RunCtp(const std::string& args) {
  static int counter = 0;
  const std::filesystem::path err_file = std::filesystem::temp_directory_path() /
                                         ("ctp_cli_err_" + std::to_string(::getpid()) + "_" +
                                          std::to_string(counter++));
  const std::string command = "cd '" + std::string(CTP_SOURCE_DIR) + "' && '" + CtpBinary() +
                              "' " + args + " 2>'" + err_file.string() + "'";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = ReadText(err_file.string());
  std::filesystem::remove(err_file);
  return result;
}

}  // namespace ctp::testing
