#include "progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <fstream>

namespace ctp::runner {
namespace {

std::string Clock() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

std::string Seconds(double seconds) {
  if (seconds < 60) return fmt::format("{:.2f}s", seconds);
  return fmt::format("{}m{:02}s", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
}

std::string Bar(const StepProgress& progress) {
  if (progress.total <= 0) return progress.text;
  const double fraction = std::clamp(progress.done / progress.total, 0.0, 1.0);
  const int width = 20, filled = static_cast<int>(fraction * width);
  return fmt::format("[{}{}] {:.0f}/{:.0f} {} {}", std::string(filled, '#'),
                     std::string(width - filled, '.'), progress.done, progress.total, progress.unit,
                     progress.text);
}

}  // namespace

ProgressView::ProgressView(std::ostream& out, ProgressStyle style, bool verbose)
    : out_(out), style_(style), verbose_(verbose) {}

void ProgressView::Line(const std::string& text) {
  if (style_ == ProgressStyle::kQuiet) return;
  ClearLive();
  out_ << fmt::format("{} {}\n", Clock(), text);
}

void ProgressView::ClearLive() {
  if (live_lines_ > 0) out_ << fmt::format("\x1b[{}A\x1b[J", live_lines_);
  live_lines_ = 0;
}

void ProgressView::Started(const std::string& task, const std::filesystem::path& log) {
  std::lock_guard lock(mutex_);
  running_[task] = {std::chrono::steady_clock::now(), log, 0, {}, false};
  if (style_ == ProgressStyle::kPlain) Line(fmt::format("{} started", task));
}

void ProgressView::Finished(const std::string& task, const std::string& status, double seconds,
                            bool cache_hit, const std::string& message) {
  std::lock_guard lock(mutex_);
  if (auto found = running_.find(task); found != running_.end()) {
    if (verbose_) StreamLog(task, found->second);
    running_.erase(found);
  }
  Line(fmt::format("{} {}{} ({}){}", task, status, cache_hit ? " (cached)" : "", Seconds(seconds),
                   message.empty() ? "" : ": " + message));
}

void ProgressView::Settled(const std::string& step, const std::string& status,
                           const std::string& message) {
  std::lock_guard lock(mutex_);
  Line(fmt::format("{} {}{}", step, status, message.empty() ? "" : ": " + message));
}

void ProgressView::Progress(const std::string& task, const StepProgress& progress) {
  std::lock_guard lock(mutex_);
  auto found = running_.find(task);
  if (found == running_.end()) return;
  found->second.progress = progress;
  found->second.has_progress = true;
  if (style_ == ProgressStyle::kPlain && verbose_) Line(fmt::format("{} {}", task, Bar(progress)));
}

void ProgressView::StreamLog(const std::string& task, Running& running) {
  std::ifstream log(running.log, std::ios::binary);
  if (!log) return;
  log.seekg(static_cast<std::streamoff>(running.log_offset));
  std::string line;
  while (std::getline(log, line)) {
    if (log.eof()) break;  // a partial line: wait for the rest
    running.log_offset += line.size() + 1;
    ClearLive();
    out_ << fmt::format("{} | {}\n", task, line);
  }
}

void ProgressView::Tick() {
  std::lock_guard lock(mutex_);
  if (verbose_)
    for (auto& [task, running] : running_) StreamLog(task, running);
  if (style_ != ProgressStyle::kLive) return;
  ClearLive();
  const auto now = std::chrono::steady_clock::now();
  for (const auto& [task, running] : running_) {
    const double elapsed = std::chrono::duration<double>(now - running.start).count();
    out_ << fmt::format("  \x1b[1m{:<24}\x1b[0m {:>8}  {}\n", task, Seconds(elapsed),
                        running.has_progress ? Bar(running.progress) : "running");
    ++live_lines_;
  }
  out_ << std::flush;
}

void ProgressView::Summary(const std::string& run_id, RunStatus status,
                           const std::vector<StepRecord>& steps) {
  std::lock_guard lock(mutex_);
  ClearLive();
  out_ << "\n" << SummaryTable(steps);
  out_ << fmt::format("run {} {}\n", run_id, StatusName(status)) << std::flush;
}

std::string SummaryTable(const std::vector<StepRecord>& steps) {
  std::string table = fmt::format("{:<28} {:<11} {:>8} {:>10}  {}\n", "STEP", "STATUS", "ATTEMPTS",
                                  "DURATION", "CACHE");
  for (const StepRecord& step : steps)
    table += fmt::format("{:<28} {:<11} {:>8} {:>10}  {}\n", step.step, StatusName(step.status),
                         step.attempts, Seconds(step.duration), step.cache_hit ? "hit" : "-");
  return table;
}

}  // namespace ctp::runner
