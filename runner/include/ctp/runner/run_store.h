// The run history: `<workdir>/ctp.db` (SQLite in WAL mode). Runs, their steps, the metrics steps
// logged and the cache index. `ctp run` writes it; `ctp runs` and `ctp report` read it.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ctp/model/run_status.h"
#include "ctp/model/step_record.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ctp {

/// One run of a pipeline.
struct RunRecord {
  std::string id;
  std::string pipeline;
  std::string script;
  std::map<std::string, std::string> params;  ///< parameter values as text
  RunStatus status = RunStatus::kRunning;     ///< running | succeeded | failed | interrupted
  double started_at = 0;                      ///< seconds since the epoch
  double ended_at = 0;                        ///< 0 while running
};

/// A number a step logged: a native step's metric or an entry of a KFP metrics JSON file.
struct MetricRecord {
  std::string run_id;
  std::string step;
  std::string name;
  double value = 0;
  int index = -1;  ///< e.g. the epoch; -1 = a single value
};

/// What the cache remembers of a successful step.
struct CacheEntry {
  std::string run_id;
  std::string step;
  std::map<std::string, std::string> outputs;
};

/// The process group of a container step's attempt while it runs: recorded when it starts and
/// removed when it has ended, so that the next run in the workdir finds the groups a killed ctp
/// left running (runner/leftover_steps.h).
struct StepProcessRecord {
  std::string run_id;
  std::string task;  ///< `step`, or `step[i]` for loop iteration i
  int attempt = 0;
  int pgid = 0;             ///< the process group: its leader's pid
  long long start_time = 0;  ///< the leader's start time (clock ticks after boot, /proc/PID/stat)
  std::string boot_id;      ///< the boot it started in (/proc/sys/kernel/random/boot_id)
  std::vector<std::string> stop_command;  ///< what stops its container (`docker kill NAME`)
};

/// The SQLite run store. Thread-safe: one connection behind a mutex. Statuses are stored as their
/// StatusName; reading any other word throws std::runtime_error naming the file, the record and
/// the word.
class RunStore {
 public:
  /// Opens (creating) the database at `path`. Throws std::runtime_error naming the file.
  explicit RunStore(const std::filesystem::path& path);
  ~RunStore();
  RunStore(const RunStore&) = delete;
  RunStore& operator=(const RunStore&) = delete;

  /// Inserts or replaces a run.
  void SaveRun(const RunRecord& run);
  /// Inserts or replaces a step of a run.
  void SaveStep(const StepRecord& step);
  /// Adds a metric.
  void AddMetric(const MetricRecord& metric);
  /// Removes the metrics of one step of a run (before it runs again).
  void ClearMetrics(const std::string& run_id, const std::string& step);
  /// Remembers the outputs of a successful step under its fingerprint.
  void SaveCacheEntry(const std::string& fingerprint, const CacheEntry& entry);
  /// Marks every run still recorded as running as interrupted (its runner is gone).
  void MarkRunningAsInterrupted();
  /// Replaces the message of a step of a run.
  void SetStepMessage(const std::string& run_id, const std::string& step,
                      const std::string& message);
  /// Records the process group of a step's attempt that just started (replacing an earlier one).
  void SaveStepProcess(const StepProcessRecord& process);
  /// Forgets the process group of a task of a run (it has ended).
  void ClearStepProcess(const std::string& run_id, const std::string& task);

  /// Every run, newest first.
  std::vector<RunRecord> Runs() const;
  /// The run with this id; "latest" is the newest run, "latest~N" the Nth before it.
  std::optional<RunRecord> FindRun(const std::string& id) const;
  /// The steps of a run, in the order they started.
  std::vector<StepRecord> Steps(const std::string& run_id) const;
  /// The metrics of a run, by step, name and index.
  std::vector<MetricRecord> Metrics(const std::string& run_id) const;
  /// The newest succeeded record of `step` in a run of `pipeline` other than `except_run`.
  std::optional<StepRecord> LatestSucceededStep(const std::string& pipeline,
                                                const std::string& step,
                                                const std::string& except_run) const;
  /// The cache entry for a fingerprint.
  std::optional<CacheEntry> FindCacheEntry(const std::string& fingerprint) const;
  /// The process groups recorded as running, by run and task.
  std::vector<StepProcessRecord> StepProcesses() const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* save_step_ = nullptr;  ///< SaveStep's statement, kept prepared
  sqlite3_stmt* save_process_ = nullptr;   ///< SaveStepProcess's, kept prepared
  sqlite3_stmt* clear_process_ = nullptr;  ///< ClearStepProcess's, kept prepared
  std::filesystem::path path_;
  mutable std::mutex mutex_;
};

}  // namespace ctp
