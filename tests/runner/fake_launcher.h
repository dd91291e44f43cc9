// A ProcessLauncher for runner tests that starts no process. It runs a tiny command language and
// records when each task starts and ends, so that tests assert on the order of events and on
// counts rather than on time:
//   write PATH WORD...   writes the words (space-separated, then a newline) to PATH
//   copy FROM TO         copies the file FROM to TO
//   fail [CODE]          exits with CODE (default 1)
//   cannot-start         cannot start (the launcher reports an error, as for a missing program)
//   flaky N              fails until the task's N-th attempt
//   meet N               waits until N tasks run at once
//   hang                 waits until the run is stopping, then reports itself cancelled
//   time-out             reports that it ran past its timeout
//   anything else        succeeds
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "ctp/runner/process_launcher.h"

namespace ctp::testing {

class FakeLauncher : public ProcessLauncher {
 public:
  ProcessResult Run(const ProcessSpec& spec, const std::atomic<bool>& cancelled) override {
    const std::string task = TaskOf(spec);
    int attempt = 0;
    {
      std::lock_guard lock(mutex_);
      specs_.push_back(spec);
      events_.push_back("start " + task);
      attempt = ++attempts_[task];
      max_running_ = std::max(max_running_, ++running_);
    }
    changed_.notify_all();
    const ProcessResult result = Execute(spec.argv, attempt, cancelled);
    {
      std::lock_guard lock(mutex_);
      events_.push_back("end " + task);
      --running_;
    }
    changed_.notify_all();
    return result;
  }

  /// "start TASK" and "end TASK", in the order they happened.
  std::vector<std::string> Events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  /// What it was asked to run, in order.
  std::vector<ProcessSpec> Specs() const {
    std::lock_guard lock(mutex_);
    return specs_;
  }
  /// How many times `task` was started.
  int Attempts(const std::string& task) const {
    std::lock_guard lock(mutex_);
    auto found = attempts_.find(task);
    return found == attempts_.end() ? 0 : found->second;
  }
  /// The most tasks that ran at once.
  int MaxRunning() const {
    std::lock_guard lock(mutex_);
    return max_running_;
  }

 private:
  /// A safety net for tests that wait on each other: a broken scheduler fails the assertions
  /// after this, instead of hanging the test binary.
  static constexpr std::chrono::seconds kGiveUp{20};

  /// The task a process belongs to, from its log file: `<run>/<step>/log.txt` is `step`,
  /// `<run>/<step>/<i>/log.txt` is `step[i]`.
  static std::string TaskOf(const ProcessSpec& spec) {
    const std::filesystem::path dir = spec.log_file.parent_path();
    const std::string name = dir.filename().string();
    const bool iteration = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    return iteration ? dir.parent_path().filename().string() + "[" + name + "]" : name;
  }

  static ProcessResult Exit(int code) {
    ProcessResult result;
    result.exit_code = code;
    return result;
  }

  static ProcessResult Write(const std::vector<std::string>& argv) {
    const std::filesystem::path path = argv.at(1);
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path);
    for (std::size_t i = 2; i < argv.size(); ++i) out << (i > 2 ? " " : "") << argv[i];
    out << "\n";
    return Exit(0);
  }

  static ProcessResult Copy(const std::vector<std::string>& argv) {
    std::filesystem::create_directories(std::filesystem::path(argv.at(2)).parent_path());
    std::filesystem::copy_file(argv.at(1), argv.at(2));
    return Exit(0);
  }

  ProcessResult Meet(int count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, kGiveUp, [&] { return max_running_ >= count; });
    return Exit(0);
  }

  ProcessResult Hang(const std::atomic<bool>& cancelled) {
    std::unique_lock lock(mutex_);
    const auto give_up = std::chrono::steady_clock::now() + kGiveUp;
    while (!cancelled && std::chrono::steady_clock::now() < give_up)
      changed_.wait_for(lock, std::chrono::milliseconds(5));
    ProcessResult result = Exit(137);
    result.cancelled = true;
    return result;
  }

  ProcessResult Execute(const std::vector<std::string>& argv, int attempt,
                        const std::atomic<bool>& cancelled) {
    const std::string command = argv.empty() ? "" : argv[0];
    if (command == "write") return Write(argv);
    if (command == "copy") return Copy(argv);
    if (command == "fail") return Exit(argv.size() > 1 ? std::stoi(argv[1]) : 1);
    if (command == "cannot-start") {
      ProcessResult result = Exit(127);
      result.error = "cannot start 'cannot-start': No such file or directory";
      return result;
    }
    if (command == "flaky") return Exit(attempt < std::stoi(argv.at(1)) ? 1 : 0);
    if (command == "meet") return Meet(std::stoi(argv.at(1)));
    if (command == "hang") return Hang(cancelled);
    if (command == "time-out") {
      ProcessResult result = Exit(137);
      result.timed_out = true;
      return result;
    }
    return Exit(0);
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ProcessSpec> specs_;
  std::vector<std::string> events_;
  std::map<std::string, int> attempts_;
  int running_ = 0, max_running_ = 0;
};

}  // namespace ctp::testing
