// `ctp` started in the background by runner tests, as from a shell: a test waits for what it does
// (polling with a deadline, never a fixed sleep), kills it with SIGKILL or waits for its exit.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "test_paths.h"

extern char** environ;

namespace ctp::testing {

/// Polls `done` every 10 ms until it holds or 20 s have passed; whether it held.
template <typename Condition>
bool WaitFor(Condition done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

/// `ctp ARGS...` running in the source folder, stdout and stderr to `output`; killed with SIGKILL
/// (and reaped) with the object unless it was waited for.
class BackgroundCtp {
 public:
  BackgroundCtp(std::vector<std::string> args, const std::filesystem::path& output) {
    args.insert(args.begin(), CtpBinary());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addchdir_np(&actions, CTP_SOURCE_DIR);
    if (::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~BackgroundCtp() { Kill(); }
  BackgroundCtp(const BackgroundCtp&) = delete;
  BackgroundCtp& operator=(const BackgroundCtp&) = delete;

  /// Its pid; -1 when it could not be started.
  int pid() const { return pid_; }

  /// Kills it with SIGKILL (its steps' process groups are left as they are).
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    Wait();
  }

  /// Waits for it to end: its exit code, or 128 + the signal that ended it.
  int Wait() {
    if (pid_ <= 0) return -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace ctp::testing
