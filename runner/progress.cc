#include "progress.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <system_error>
#include <vector>

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

/// The last `max_lines` lines of the log file from byte `from` on (at most 4,000 bytes before
/// its end), each as "  | line".
std::string LogTail(const std::filesystem::path& log_file, std::uintmax_t from, int max_lines) {
  constexpr std::uintmax_t kMaxBytes = 4000;
  std::ifstream log(log_file, std::ios::binary | std::ios::ate);
  if (!log) return "";
  const std::uintmax_t size = static_cast<std::uintmax_t>(log.tellg());
  const std::uintmax_t start = std::max(from, size > kMaxBytes ? size - kMaxBytes : 0);
  if (start >= size) return "";
  std::string text(size - start, '\0');
  log.seekg(static_cast<std::streamoff>(start));
  log.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(log.gcount()));
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  if (start > from && !lines.empty()) lines.erase(lines.begin());  // cut mid-line
  const std::size_t first = lines.size() > std::size_t(max_lines) ? lines.size() - max_lines : 0;
  std::string out;
  for (std::size_t i = first; i < lines.size(); ++i) out += "  | " + lines[i] + "\n";
  return out;
}

std::uintmax_t SizeOf(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  return error ? 0 : size;
}

}  // namespace

ProgressView::ProgressView(std::ostream& out, ProgressStyle style, bool verbose)
    : out_(out), style_(style), verbose_(verbose) {}

void ProgressView::Line(const std::string& text) {
  if (style_ == ProgressStyle::kQuiet) return;
  ClearLive();
  out_ << fmt::format("{} {}\n", Clock(), text) << std::flush;  // a log file sees it now
}

void ProgressView::ClearLive() {
  if (live_lines_ > 0) out_ << fmt::format("\x1b[{}A\x1b[J", live_lines_);
  live_lines_ = 0;
}

void ProgressView::Started(const std::string& task, const std::filesystem::path& log) {
  std::lock_guard lock(mutex_);
  // A retry appends to the log: it starts where the earlier attempts' lines end.
  const std::uintmax_t offset = SizeOf(log);
  running_[task] = {std::chrono::steady_clock::now(), log, offset, offset, {}, false};
  if (style_ == ProgressStyle::kPlain) Line(fmt::format("{} started", task));
}

void ProgressView::Finished(const std::string& task, const std::string& status, double seconds,
                            bool cache_hit, const std::string& message) {
  std::lock_guard lock(mutex_);
  std::string tail;
  if (auto found = running_.find(task); found != running_.end()) {
    if (verbose_) StreamLog(task, found->second);
    // A failure shows why: its attempt's last log lines (unless just streamed) and where the
    // whole log is.
    if (style_ != ProgressStyle::kQuiet && (status == "failed" || status == "retrying")) {
      const Running& attempt = found->second;
      if (!verbose_) tail = LogTail(attempt.log, attempt.attempt_offset, kFailedLogLines);
      tail += fmt::format("  log: {}\n", attempt.log.string());
    }
    running_.erase(found);
  }
  Line(fmt::format("{} {}{} ({}){}", task, status, cache_hit ? " (cached)" : "", Seconds(seconds),
                   message.empty() ? "" : ": " + message));
  out_ << tail << std::flush;
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
