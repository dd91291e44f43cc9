// The POSIX process launcher: posix_spawn into a new process group with stdout and stderr
// appended to the log file; waiting on a pidfd so that a timeout or a cancellation kills the
// whole group promptly.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "ctp/runner/process_launcher.h"

extern char** environ;

namespace ctp {
namespace {

using Clock = std::chrono::steady_clock;

// The environment of the child: ctp's own, with the step's variables added or replaced.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    std::string name(text.substr(0, text.find('=')));
    if (!extra.count(name)) env.emplace_back(text);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void KillGroup(pid_t pid) {
  ::kill(-pid, SIGTERM);
  ::kill(-pid, SIGKILL);
}

class PosixProcessLauncher : public ProcessLauncher {
 public:
  ProcessResult Run(const ProcessSpec& spec, const std::atomic<bool>& cancelled) override {
    ProcessResult result;
    if (spec.argv.empty()) {
      result.exit_code = 127;
      result.error = "no command";
      return result;
    }
    const std::filesystem::path program = FindProgram(spec.argv[0]);
    if (program.empty()) {
      result.exit_code = 127;
      result.error = fmt::format("command '{}' not found on PATH", spec.argv[0]);
      return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!spec.stdout_file.empty()) {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, spec.stdout_file.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (!spec.log_file.empty())
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, spec.log_file.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0644);
    } else if (!spec.log_file.empty()) {
      posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, spec.log_file.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND, 0644);
      posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    }
    if (!spec.working_dir.empty())
      posix_spawn_file_actions_addchdir_np(&actions, spec.working_dir.c_str());
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);

    std::vector<std::string> argv_strings = spec.argv;
    std::vector<std::string> env_strings = ChildEnvironment(spec.env);
    std::vector<char*> argv = Pointers(argv_strings);
    std::vector<char*> envp = Pointers(env_strings);
    pid_t pid = 0;
    const int spawned =
        ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) {
      result.exit_code = 127;
      result.error = fmt::format("cannot start '{}': {}", spec.argv[0], std::strerror(spawned));
      return result;
    }
    if (spec.started) {
      try {
        spec.started(pid);
      } catch (...) {
        KillGroup(pid);
        int status = 0;
        ::waitpid(pid, &status, 0);
        throw;
      }
    }
    Wait(pid, spec, cancelled, result);
    return result;
  }

 private:
  static void Wait(pid_t pid, const ProcessSpec& spec, const std::atomic<bool>& cancelled,
                   ProcessResult& result) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    const auto deadline = spec.timeout ? Clock::now() + *spec.timeout : Clock::time_point::max();
    int status = 0;
    for (;;) {
      if (pidfd >= 0) {
        // Wake at least every 100 ms to notice a cancellation.
        auto wait = std::chrono::milliseconds(100);
        if (spec.timeout)
          wait = std::min(
              wait, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()) +
                        std::chrono::milliseconds(1));
        pollfd entry{pidfd, POLLIN, 0};
        ::poll(&entry, 1, static_cast<int>(std::max<int64_t>(0, wait.count())));
      } else {
        ::usleep(1000);
      }
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) break;
      if (done < 0 && errno != EINTR) break;
      if (Clock::now() >= deadline) {
        result.timed_out = true;
        KillGroup(pid);
      } else if (cancelled.load()) {
        result.cancelled = true;
        KillGroup(pid);
      } else {
        continue;
      }
      ::waitpid(pid, &status, 0);
      break;
    }
    if (pidfd >= 0) ::close(pidfd);
    // Descendants that outlived the main process go with their group.
    ::kill(-pid, SIGKILL);
    if (WIFEXITED(status))
      result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
      result.exit_code = 128 + WTERMSIG(status);
  }
};

}  // namespace

std::unique_ptr<ProcessLauncher> MakePosixProcessLauncher() {
  return std::make_unique<PosixProcessLauncher>();
}

std::filesystem::path FindProgram(const std::string& program) {
  if (program.empty()) return {};
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0 ? std::filesystem::path(program)
                                                : std::filesystem::path();
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    if (dir.empty()) dir = ".";
    std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate;
  }
  return {};
}

std::filesystem::path FindStepProgram(const std::string& program) {
  if (program == "ctp") {
    std::error_code error;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error && self.filename() == "ctp") return self;
  }
  return FindProgram(program);
}

}  // namespace ctp
