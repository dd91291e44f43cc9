#include "ctp/runner/run_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sqlite_loader.h"

namespace ctp {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, script TEXT NOT NULL, params TEXT NOT NULL,
  status TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS steps (
  run_id TEXT NOT NULL, step TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  exit_code INTEGER NOT NULL, duration REAL NOT NULL, cache_hit INTEGER NOT NULL,
  outputs TEXT NOT NULL, fingerprint TEXT NOT NULL, message TEXT NOT NULL,
  seq INTEGER NOT NULL, started_at REAL NOT NULL, PRIMARY KEY (run_id, step));
CREATE TABLE IF NOT EXISTS metrics (
  run_id TEXT NOT NULL, step TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL,
  idx INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, step);
CREATE TABLE IF NOT EXISTS cache (
  fingerprint TEXT PRIMARY KEY, run_id TEXT NOT NULL, step TEXT NOT NULL, outputs TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS step_processes (
  run_id TEXT NOT NULL, task TEXT NOT NULL, attempt INTEGER NOT NULL, pgid INTEGER NOT NULL,
  start_time INTEGER NOT NULL, boot_id TEXT NOT NULL, stop_command TEXT NOT NULL,
  PRIMARY KEY (run_id, task));
)sql";

// A prepared statement, finalized on scope exit; or one kept prepared in `*kept` (prepared on
// first use, reset for the next on scope exit) for the statements every step runs.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql, sqlite3_stmt** kept = nullptr) : db_(db), kept_(kept) {
    if (kept_ && *kept_) {
      statement_ = *kept_;
      return;
    }
    if (runner::Sqlite().prepare_v3(db, sql, -1, kept_ ? SQLITE_PREPARE_PERSISTENT : 0, &statement_,
                                    nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("run store: {}", runner::Sqlite().errmsg(db)));
    if (kept_) *kept_ = statement_;
  }
  ~Statement() {
    if (!kept_) {
      runner::Sqlite().finalize(statement_);
      return;
    }
    runner::Sqlite().reset(statement_);
    runner::Sqlite().clear_bindings(statement_);
  }
  Statement& Bind(int index, const std::string& text) {
    runner::Sqlite().bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                               SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int index, double value) {
    runner::Sqlite().bind_double(statement_, index, value);
    return *this;
  }
  Statement& Bind(int index, int value) {
    runner::Sqlite().bind_int(statement_, index, value);
    return *this;
  }
  Statement& Bind(int index, long long value) {
    runner::Sqlite().bind_int64(statement_, index, value);
    return *this;
  }
  Statement& Bind(int index, RunStatus status) {
    return Bind(index, std::string(StatusName(status)));
  }
  /// Steps once; true while there is a row.
  bool Step() {
    const int code = runner::Sqlite().step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code != SQLITE_DONE)
      throw std::runtime_error(fmt::format("run store: {}", runner::Sqlite().errmsg(db_)));
    return false;
  }
  std::string Text(int column) const {
    const unsigned char* text = runner::Sqlite().column_text(statement_, column);
    return text ? reinterpret_cast<const char*>(text) : "";
  }
  double Double(int column) const { return runner::Sqlite().column_double(statement_, column); }
  int Int(int column) const { return runner::Sqlite().column_int(statement_, column); }
  long long Int64(int column) const {
    return runner::Sqlite().column_int64(statement_, column);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt** kept_;
  sqlite3_stmt* statement_ = nullptr;
};

std::string ToJson(const std::map<std::string, std::string>& values) {
  return nlohmann::json(values).dump();
}

std::map<std::string, std::string> FromJson(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  std::map<std::string, std::string> values;
  if (json.is_object())
    for (auto& [key, value] : json.items())
      values[key] = value.is_string() ? value.get<std::string>() : value.dump();
  return values;
}

/// The status stored as `word` in the record `what` (`run 'r1'`). Throws std::runtime_error
/// naming the database, the record and the word when it is no status.
RunStatus StoredStatus(const std::string& word, const std::filesystem::path& database,
                       const std::string& what) {
  try {
    return ParseStatus(word);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(
        fmt::format("run store '{}': {}: {}", database.string(), what, e.what()));
  }
}

RunRecord ReadRun(const Statement& row, const std::filesystem::path& database) {
  const std::string id = row.Text(0);
  return {id,
          row.Text(1),
          row.Text(2),
          FromJson(row.Text(3)),
          StoredStatus(row.Text(4), database, fmt::format("run '{}'", id)),
          row.Double(5),
          row.Double(6)};
}

StepRecord ReadStep(const Statement& row, const std::filesystem::path& database) {
  const std::string run_id = row.Text(0), step = row.Text(1);
  const RunStatus status =
      StoredStatus(row.Text(2), database, fmt::format("step '{}' of run '{}'", step, run_id));
  return {run_id,      step,          status,          row.Int(3),
          row.Int(4),  row.Double(5), row.Int(6) != 0, FromJson(row.Text(7)),
          row.Text(8), row.Text(9),   row.Double(11)};
}

}  // namespace

RunStore::RunStore(const std::filesystem::path& path) : path_(path) {
  if (runner::Sqlite().open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                               nullptr) != SQLITE_OK) {
    std::string message = db_ ? runner::Sqlite().errmsg(db_) : "out of memory";
    runner::Sqlite().close(db_);
    throw std::runtime_error(fmt::format("cannot open run store '{}': {}", path.string(), message));
  }
  runner::Sqlite().busy_timeout(db_, 10000);
  char* error = nullptr;
  const std::string setup =
      std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") + kSchema;
  if (runner::Sqlite().exec(db_, setup.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    runner::Sqlite().free(error);
    runner::Sqlite().close(db_);
    throw std::runtime_error(fmt::format("run store '{}': {}", path.string(), message));
  }
}

RunStore::~RunStore() {
  runner::Sqlite().finalize(save_step_);
  runner::Sqlite().finalize(save_process_);
  runner::Sqlite().finalize(clear_process_);
  runner::Sqlite().close(db_);
}

void RunStore::SaveRun(const RunRecord& run) {
  std::lock_guard lock(mutex_);
  Statement(db_, "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)")
      .Bind(1, run.id)
      .Bind(2, run.pipeline)
      .Bind(3, run.script)
      .Bind(4, ToJson(run.params))
      .Bind(5, run.status)
      .Bind(6, run.started_at)
      .Bind(7, run.ended_at)
      .Step();
}

void RunStore::SaveStep(const StepRecord& step) {
  std::lock_guard lock(mutex_);
  // Keep the original start order (seq) and start time when a step is updated.
  Statement(db_,
            "INSERT INTO steps VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
            "(SELECT COUNT(*) FROM steps WHERE run_id = ?1), ?11) "
            "ON CONFLICT (run_id, step) DO UPDATE SET status = ?3, attempts = ?4, exit_code = ?5, "
            "duration = ?6, cache_hit = ?7, outputs = ?8, fingerprint = ?9, message = ?10, "
            "started_at = CASE WHEN started_at > 0 THEN started_at ELSE ?11 END",
            &save_step_)
      .Bind(1, step.run_id)
      .Bind(2, step.step)
      .Bind(3, step.status)
      .Bind(4, step.attempts)
      .Bind(5, step.exit_code)
      .Bind(6, step.duration)
      .Bind(7, step.cache_hit ? 1 : 0)
      .Bind(8, ToJson(step.outputs))
      .Bind(9, step.fingerprint)
      .Bind(10, step.message)
      .Bind(11, step.started_at)
      .Step();
}

void RunStore::AddMetric(const MetricRecord& metric) {
  std::lock_guard lock(mutex_);
  Statement(db_, "INSERT INTO metrics VALUES (?, ?, ?, ?, ?)")
      .Bind(1, metric.run_id)
      .Bind(2, metric.step)
      .Bind(3, metric.name)
      .Bind(4, metric.value)
      .Bind(5, metric.index)
      .Step();
}

void RunStore::ClearMetrics(const std::string& run_id, const std::string& step) {
  std::lock_guard lock(mutex_);
  Statement(db_, "DELETE FROM metrics WHERE run_id = ? AND step = ?")
      .Bind(1, run_id)
      .Bind(2, step)
      .Step();
}

void RunStore::SaveCacheEntry(const std::string& fingerprint, const CacheEntry& entry) {
  std::lock_guard lock(mutex_);
  Statement(db_, "INSERT OR REPLACE INTO cache VALUES (?, ?, ?, ?)")
      .Bind(1, fingerprint)
      .Bind(2, entry.run_id)
      .Bind(3, entry.step)
      .Bind(4, ToJson(entry.outputs))
      .Step();
}

void RunStore::MarkRunningAsInterrupted() {
  std::lock_guard lock(mutex_);
  for (const char* sql : {"UPDATE runs SET status = ?1 WHERE status = ?2",
                          "UPDATE steps SET status = ?1 WHERE status = ?2"})
    Statement(db_, sql).Bind(1, RunStatus::kInterrupted).Bind(2, RunStatus::kRunning).Step();
}

void RunStore::SetStepMessage(const std::string& run_id, const std::string& step,
                              const std::string& message) {
  std::lock_guard lock(mutex_);
  Statement(db_, "UPDATE steps SET message = ? WHERE run_id = ? AND step = ?")
      .Bind(1, message)
      .Bind(2, run_id)
      .Bind(3, step)
      .Step();
}

void RunStore::SaveStepProcess(const StepProcessRecord& process) {
  std::lock_guard lock(mutex_);
  Statement(db_, "INSERT OR REPLACE INTO step_processes VALUES (?, ?, ?, ?, ?, ?, ?)",
            &save_process_)
      .Bind(1, process.run_id)
      .Bind(2, process.task)
      .Bind(3, process.attempt)
      .Bind(4, process.pgid)
      .Bind(5, process.start_time)
      .Bind(6, process.boot_id)
      .Bind(7, nlohmann::json(process.stop_command).dump())
      .Step();
}

void RunStore::ClearStepProcess(const std::string& run_id, const std::string& task) {
  std::lock_guard lock(mutex_);
  Statement(db_, "DELETE FROM step_processes WHERE run_id = ? AND task = ?", &clear_process_)
      .Bind(1, run_id)
      .Bind(2, task)
      .Step();
}

std::vector<RunRecord> RunStore::Runs() const {
  std::lock_guard lock(mutex_);
  Statement select(db_, "SELECT * FROM runs ORDER BY started_at DESC, id DESC");
  std::vector<RunRecord> runs;
  while (select.Step()) runs.push_back(ReadRun(select, path_));
  return runs;
}

namespace {

/// N of "latest" (0) or "latest~N" (the Nth run before the newest); nullopt for any other id.
std::optional<long long> RunsBeforeLatest(const std::string& id) {
  if (id == "latest") return 0;
  constexpr std::string_view kPrefix = "latest~";
  if (!id.starts_with(kPrefix) || id.size() == kPrefix.size() || id.size() > kPrefix.size() + 9)
    return std::nullopt;
  long long n = 0;
  for (char c : std::string_view(id).substr(kPrefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

std::optional<RunRecord> RunStore::FindRun(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const std::optional<long long> before_latest = RunsBeforeLatest(id);
  Statement select(db_, before_latest
                            ? "SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT 1 OFFSET ?"
                            : "SELECT * FROM runs WHERE id = ?");
  if (before_latest)
    select.Bind(1, *before_latest);
  else
    select.Bind(1, id);
  if (!select.Step()) return std::nullopt;
  return ReadRun(select, path_);
}

std::vector<StepRecord> RunStore::Steps(const std::string& run_id) const {
  std::lock_guard lock(mutex_);
  Statement select(db_, "SELECT * FROM steps WHERE run_id = ? ORDER BY seq");
  select.Bind(1, run_id);
  std::vector<StepRecord> steps;
  while (select.Step()) steps.push_back(ReadStep(select, path_));
  return steps;
}

std::optional<StepRecord> RunStore::LatestSucceededStep(const std::string& pipeline,
                                                        const std::string& step,
                                                        const std::string& except_run) const {
  std::lock_guard lock(mutex_);
  Statement select(db_,
                   "SELECT steps.* FROM steps JOIN runs ON runs.id = steps.run_id "
                   "WHERE runs.pipeline = ? AND steps.step = ? AND steps.status = ? "
                   "AND runs.id != ? ORDER BY runs.started_at DESC LIMIT 1");
  select.Bind(1, pipeline).Bind(2, step).Bind(3, RunStatus::kSucceeded).Bind(4, except_run);
  if (!select.Step()) return std::nullopt;
  return ReadStep(select, path_);
}

std::vector<MetricRecord> RunStore::Metrics(const std::string& run_id) const {
  std::lock_guard lock(mutex_);
  Statement select(db_, "SELECT * FROM metrics WHERE run_id = ? ORDER BY step, name, idx, rowid");
  select.Bind(1, run_id);
  std::vector<MetricRecord> metrics;
  while (select.Step())
    metrics.push_back(
        {select.Text(0), select.Text(1), select.Text(2), select.Double(3), select.Int(4)});
  return metrics;
}

std::optional<CacheEntry> RunStore::FindCacheEntry(const std::string& fingerprint) const {
  std::lock_guard lock(mutex_);
  Statement select(db_, "SELECT run_id, step, outputs FROM cache WHERE fingerprint = ?");
  select.Bind(1, fingerprint);
  if (!select.Step()) return std::nullopt;
  return CacheEntry{select.Text(0), select.Text(1), FromJson(select.Text(2))};
}

std::vector<StepProcessRecord> RunStore::StepProcesses() const {
  std::lock_guard lock(mutex_);
  Statement select(db_, "SELECT * FROM step_processes ORDER BY run_id, task");
  std::vector<StepProcessRecord> processes;
  while (select.Step()) {
    nlohmann::json stop = nlohmann::json::parse(select.Text(6), nullptr, false);
    std::vector<std::string> stop_command;
    if (stop.is_array())
      for (const nlohmann::json& part : stop)
        if (part.is_string()) stop_command.push_back(part.get<std::string>());
    processes.push_back({select.Text(0), select.Text(1), select.Int(2), select.Int(3),
                         select.Int64(4), select.Text(5), std::move(stop_command)});
  }
  return processes;
}

}  // namespace ctp
