// What `ctp run` shows while it runs: a live view on a terminal (one line per running step, a
// progress bar for steps that report progress, elapsed times) or plain timestamped lines; step
// logs streamed with --verbose; a summary table at the end.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "ctp/runner/run_store.h"
#include "ctp/runner/runner.h"
#include "ctp/step/step_registry.h"

namespace ctp::runner {

/// Progress output. Every method is thread-safe.
class ProgressView {
 public:
  /// `style` kAuto must have been decided (kPlain or kLive) by the caller.
  ProgressView(std::ostream& out, ProgressStyle style, bool verbose);

  /// A task started; its log is at `log`.
  void Started(const std::string& task, const std::filesystem::path& log);
  /// Log lines a failed attempt shows (without --verbose, which streams all of them).
  static constexpr int kFailedLogLines = 10;

  /// A task ended (`status`: succeeded, failed, retrying, ...). A failed or retried attempt also
  /// prints its last log lines and the log's path.
  void Finished(const std::string& task, const std::string& status, double seconds, bool cache_hit,
                const std::string& message);
  /// A step (not run) was skipped, omitted or reused.
  void Settled(const std::string& step, const std::string& status, const std::string& message);
  /// A running native step reported progress.
  void Progress(const std::string& task, const StepProgress& progress);
  /// Redraws the live view and streams new log lines (call every ~100 ms).
  void Tick();
  /// Clears the live view and prints the summary table.
  void Summary(const std::string& run_id, RunStatus status, const std::vector<StepRecord>& steps);

 private:
  struct Running {
    std::chrono::steady_clock::time_point start;
    std::filesystem::path log;
    std::uintmax_t attempt_offset = 0;  ///< where this attempt's lines start in the log
    std::uintmax_t log_offset = 0;      ///< how far --verbose has streamed the log
    StepProgress progress;
    bool has_progress = false;
  };
  void Line(const std::string& text);
  void ClearLive();
  void StreamLog(const std::string& task, Running& running);

  std::ostream& out_;
  ProgressStyle style_;
  bool verbose_;
  std::mutex mutex_;
  std::map<std::string, Running> running_;
  int live_lines_ = 0;
};

/// The summary table: one row per step with status, attempts, duration and cache hit.
std::string SummaryTable(const std::vector<StepRecord>& steps);

}  // namespace ctp::runner
