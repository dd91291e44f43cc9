#include "task_watchdog.h"

namespace ctp::runner {
namespace {

// How often the run's own cancellation flag is looked at while waiting for the deadline.
constexpr std::chrono::milliseconds kPollInterval{20};

}  // namespace

TaskWatchdog::TaskWatchdog(const std::atomic<bool>* run_cancelled,
                           std::optional<std::chrono::milliseconds> timeout)
    : run_cancelled_(run_cancelled), timeout_(timeout) {
  if (!timeout_) return;
  deadline_ = std::chrono::steady_clock::now() + *timeout_;
  thread_ = std::thread([this] { Watch(); });
}

TaskWatchdog::~TaskWatchdog() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void TaskWatchdog::Watch() {
  std::unique_lock lock(mutex_);
  while (!finished_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline_) {
      timed_out_ = true;
      stop_ = true;
      return;
    }
    if (run_cancelled_ && run_cancelled_->load()) {
      stop_ = true;
      return;
    }
    wake_.wait_until(lock, std::min(deadline_, now + kPollInterval));
  }
}

}  // namespace ctp::runner
