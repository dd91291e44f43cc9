// Runs the built `ctp` with the fault injector (kill_at_call.c) preloaded: killed with SIGKILL at
// the Nth libc call of a family whose path matches a pattern, or counting those calls.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "golden.h"
#include "test_paths.h"

extern char** environ;

namespace ctp::testing {

/// Where the injector kills: the `nth` call (from 1) of the family `call` (rename, fsync, write)
/// whose path matches the fnmatch pattern `path`, before the call happens or after it.
struct KillPoint {
  std::string call;
  std::string path;
  int nth = 1;
  bool after = false;
};

/// How a `ctp` process ended and what it printed (stdout and stderr together).
struct Ended {
  bool killed = false;  ///< by SIGKILL: the injector fired
  int exit_code = -1;   ///< when it exited
  std::string output;
};

/// Runs `ctp ARGS` in the source directory with the injector set to `point`; the count of
/// matching calls goes to `count_file` when the process exits normally (given).
inline Ended RunCtpKilledAt(const std::vector<std::string>& args, const KillPoint& point,
                            const std::filesystem::path& scratch,
                            const std::filesystem::path& count_file = {}) {
  std::vector<std::string> env;
  std::string asan_options;
  for (char** entry = environ; *entry; ++entry) {
    const std::string variable = *entry;
    if (variable.rfind("ASAN_OPTIONS=", 0) == 0)
      asan_options = variable.substr(13) + ":";
    else if (variable.rfind("LD_PRELOAD=", 0) != 0 && variable.rfind("CTP_KILL_AT_", 0) != 0)
      env.push_back(variable);
  }
  env.push_back(std::string("LD_PRELOAD=") + CTP_KILL_AT_CALL_LIBRARY);
  // The sanitizer runtime is not first in the list of loaded libraries then: it would refuse.
  env.push_back("ASAN_OPTIONS=" + asan_options + "verify_asan_link_order=0");
  env.push_back("CTP_KILL_AT_CALL=" + point.call);
  env.push_back("CTP_KILL_AT_PATH=" + point.path);
  env.push_back("CTP_KILL_AT_NTH=" + std::to_string(point.nth));
  env.push_back(std::string("CTP_KILL_AT_WHEN=") + (point.after ? "after" : "before"));
  if (!count_file.empty()) env.push_back("CTP_KILL_AT_COUNT_FILE=" + count_file.string());
  std::vector<std::string> argv_text = {CtpBinary()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  for (std::string& variable : env) envp.push_back(variable.data());
  envp.push_back(nullptr);

  const std::string output = (scratch / "ctp-killed.out").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, CTP_SOURCE_DIR);
  Ended ended;
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return ended;
  int status = 0;
  ::waitpid(pid, &status, 0);
  ended.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (WIFEXITED(status)) ended.exit_code = WEXITSTATUS(status);
  ended.output = ReadText(output);
  std::filesystem::remove(output);
  return ended;
}

/// The number of calls matching `point` (its nth unused) in an uninterrupted `ctp ARGS`.
inline int CountCalls(const std::vector<std::string>& args, KillPoint point,
                      const std::filesystem::path& scratch) {
  point.nth = 0;
  const std::filesystem::path count_file = scratch / "ctp-calls.count";
  const Ended ended = RunCtpKilledAt(args, point, scratch, count_file);
  const std::string count = ReadText(count_file.string());
  std::filesystem::remove(count_file);
  return ended.exit_code == 0 && !count.empty() ? std::atoi(count.c_str()) : -1;
}

}  // namespace ctp::testing
