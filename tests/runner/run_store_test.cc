// The run store: runs, steps, metrics and the cache index in <workdir>/ctp.db, and the status
// words it keeps.
#include "ctp/runner/run_store.h"

#include <doctest/doctest.h>

#include "runner_support.h"
#include "sqlite_loader.h"

namespace ctp::testing {
namespace {

/// Runs SQL on the database at `path` through a connection of its own, as another program would.
void Execute(const std::filesystem::path& path, const std::string& sql) {
  const runner::SqliteApi& sqlite = runner::Sqlite();
  sqlite3* db = nullptr;
  REQUIRE(sqlite.open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  CHECK(sqlite.exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite.close(db);
}

TEST_CASE("runs are found by id or as the latest, newest first") {
  ScratchDir dir;
  RunStore store(dir.path() / "ctp.db");
  CHECK_FALSE(store.FindRun("latest"));
  store.SaveRun({"r1", "p", "p.lua", {{"a", "1"}}, RunStatus::kSucceeded, 10, 12});
  store.SaveRun({"r2", "p", "p.lua", {}, RunStatus::kRunning, 20, 0});
  REQUIRE(store.Runs().size() == 2);
  CHECK(store.Runs()[0].id == "r2");
  CHECK(store.FindRun("latest")->id == "r2");
  const std::optional<RunRecord> first = store.FindRun("r1");
  REQUIRE(first);
  CHECK(first->params.at("a") == "1");
  CHECK(first->status == RunStatus::kSucceeded);
  CHECK(first->ended_at == 12);
  CHECK_FALSE(store.FindRun("r3"));
  CHECK(store.FindRun("latest~0")->id == "r2");
  CHECK(store.FindRun("latest~1")->id == "r1");
  CHECK_FALSE(store.FindRun("latest~2"));
  CHECK_FALSE(store.FindRun("latest~"));
  CHECK_FALSE(store.FindRun("latest~-1"));
  CHECK_FALSE(store.FindRun("latest~1x"));
  CHECK_FALSE(store.FindRun("latest~99999999999999999999"));
}

TEST_CASE("steps keep the order they started in and their first start time") {
  ScratchDir dir;
  RunStore store(dir.path() / "ctp.db");
  store.SaveRun({"r1", "p", "p.lua", {}, RunStatus::kRunning, 10, 0});
  store.SaveStep({"r1", "b", RunStatus::kRunning, 1, 0, 0, false, {}, "f", "", 11});
  store.SaveStep({"r1", "a", RunStatus::kSucceeded, 1, 0, 0.5, true, {{"o", "v"}}, "f2", "", 12});
  store.SaveStep({"r1", "b", RunStatus::kFailed, 2, 1, 1.5, false, {}, "f", "boom", 13});
  const std::vector<StepRecord> steps = store.Steps("r1");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].step == "b");
  CHECK(steps[0].status == RunStatus::kFailed);
  CHECK(steps[0].attempts == 2);
  CHECK(steps[0].exit_code == 1);
  CHECK(steps[0].message == "boom");
  CHECK(steps[0].started_at == 11);
  CHECK(steps[1].outputs.at("o") == "v");
  CHECK(steps[1].cache_hit);
  CHECK(steps[1].fingerprint == "f2");
}

TEST_CASE("every status is stored as its word and read back") {
  ScratchDir dir;
  RunStore store(dir.path() / "ctp.db");
  for (RunStatus status :
       {RunStatus::kPending, RunStatus::kRunning, RunStatus::kSucceeded, RunStatus::kFailed,
        RunStatus::kSkipped, RunStatus::kOmitted, RunStatus::kInterrupted}) {
    const std::string word(StatusName(status));
    CAPTURE(word);
    store.SaveRun({word, "p", "p.lua", {}, status, 1, 0});
    store.SaveStep({word, "s", status, 0, 0, 0, false, {}, "", ""});
    CHECK(store.FindRun(word)->status == status);
    CHECK(store.Steps(word).at(0).status == status);
  }
}

TEST_CASE("a database written before keeps reading: statuses are the same words") {
  ScratchDir dir;
  const auto path = dir.path() / "ctp.db";
  { RunStore create(path); }
  Execute(path,
          "INSERT INTO runs VALUES ('old', 'p', 'p.lua', '{}', 'interrupted', 1, 2);"
          "INSERT INTO steps VALUES ('old', 'a', 'omitted', 0, 0, 0, 0, '{}', '', 'why', 0, 0);");
  RunStore store(path);
  CHECK(store.FindRun("old")->status == RunStatus::kInterrupted);
  CHECK(store.Steps("old").at(0).status == RunStatus::kOmitted);
}

TEST_CASE("a database from before process groups were recorded opens and records them") {
  ScratchDir dir;
  const auto path = dir.path() / "ctp.db";
  {
    const runner::SqliteApi& sqlite = runner::Sqlite();
    sqlite3* db = nullptr;
    REQUIRE(sqlite.open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           nullptr) == SQLITE_OK);
    sqlite.close(db);
  }
  // The schema of ctp 2026-11 (no step_processes table), with a run killed while a step ran.
  Execute(path,
          "PRAGMA journal_mode=WAL;"
          "CREATE TABLE runs (id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, script TEXT NOT NULL,"
          " params TEXT NOT NULL, status TEXT NOT NULL, started_at REAL NOT NULL,"
          " ended_at REAL NOT NULL);"
          "CREATE TABLE steps (run_id TEXT NOT NULL, step TEXT NOT NULL, status TEXT NOT NULL,"
          " attempts INTEGER NOT NULL, exit_code INTEGER NOT NULL, duration REAL NOT NULL,"
          " cache_hit INTEGER NOT NULL, outputs TEXT NOT NULL, fingerprint TEXT NOT NULL,"
          " message TEXT NOT NULL, seq INTEGER NOT NULL, started_at REAL NOT NULL,"
          " PRIMARY KEY (run_id, step));"
          "CREATE TABLE metrics (run_id TEXT NOT NULL, step TEXT NOT NULL, name TEXT NOT NULL,"
          " value REAL NOT NULL, idx INTEGER NOT NULL);"
          "CREATE INDEX metrics_by_run ON metrics (run_id, step);"
          "CREATE TABLE cache (fingerprint TEXT PRIMARY KEY, run_id TEXT NOT NULL,"
          " step TEXT NOT NULL, outputs TEXT NOT NULL);"
          "INSERT INTO runs VALUES ('old', 'p', 'p.lua', '{}', 'running', 1, 0);"
          "INSERT INTO steps VALUES ('old', 'a', 'running', 1, 0, 0, 0, '{}', '', '', 0, 1);");
  RunStore store(path);
  CHECK(store.FindRun("old")->status == RunStatus::kRunning);
  CHECK(store.StepProcesses().empty());  // nothing recorded, nothing to end
  store.SaveStepProcess({"old", "a[2]", 3, 4321, 1234567890123LL, "boot", {"docker", "kill", "x"}});
  store.SaveStepProcess({"old", "a[2]", 4, 4322, 1234567890124LL, "boot", {}});  // replaces it
  store.SaveStepProcess({"old", "b", 1, 4400, 5, "boot", {}});
  const std::vector<StepProcessRecord> processes = store.StepProcesses();
  REQUIRE(processes.size() == 2);
  CHECK(processes[0].run_id == "old");
  CHECK(processes[0].task == "a[2]");
  CHECK(processes[0].attempt == 4);
  CHECK(processes[0].pgid == 4322);
  CHECK(processes[0].start_time == 1234567890124LL);
  CHECK(processes[0].boot_id == "boot");
  CHECK(processes[0].stop_command.empty());
  store.ClearStepProcess("old", "a[2]");
  REQUIRE(store.StepProcesses().size() == 1);
  CHECK(store.StepProcesses()[0].task == "b");
  store.SetStepMessage("old", "a", "why");
  CHECK(store.Steps("old").at(0).message == "why");
}

TEST_CASE("a process group's stop command is kept as a list") {
  ScratchDir dir;
  RunStore store(dir.path() / "ctp.db");
  store.SaveStepProcess({"r", "s", 1, 10, 20, "boot", {"podman", "kill", "ctp-r-s"}});
  CHECK(store.StepProcesses().at(0).stop_command ==
        std::vector<std::string>{"podman", "kill", "ctp-r-s"});
}

TEST_CASE("an unknown status in the database is an error naming it") {
  ScratchDir dir;
  const auto path = dir.path() / "ctp.db";
  { RunStore create(path); }
  Execute(path,
          "INSERT INTO runs VALUES ('r1', 'p', 'p.lua', '{}', 'done', 1, 2);"
          "INSERT INTO steps VALUES ('r1', 'a', 'cached', 0, 0, 0, 1, '{}', '', '', 0, 0);");
  RunStore store(path);
  const std::string where = "run store '" + path.string() + "': ";
  CHECK_THROWS_WITH_AS(store.FindRun("r1"),
                       (where + "run 'r1': unknown run status 'done' (expected pending, running, "
                                "succeeded, failed, skipped, omitted or interrupted)")
                           .c_str(),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(store.Steps("r1"),
                       doctest::Contains((where + "step 'a' of run 'r1': unknown run status "
                                                  "'cached'")
                                             .c_str()),
                       std::runtime_error);
}

TEST_CASE("a stopped runner's running runs and steps become interrupted") {
  ScratchDir dir;
  RunStore store(dir.path() / "ctp.db");
  store.SaveRun({"r1", "p", "p.lua", {}, RunStatus::kRunning, 10, 0});
  store.SaveStep({"r1", "a", RunStatus::kRunning, 1, 0, 0, false, {}, "", ""});
  store.SaveStep({"r1", "b", RunStatus::kSucceeded, 1, 0, 0, false, {}, "", ""});
  store.MarkRunningAsInterrupted();
  CHECK(store.FindRun("r1")->status == RunStatus::kInterrupted);
  CHECK(store.Steps("r1")[0].status == RunStatus::kInterrupted);
  CHECK(store.Steps("r1")[1].status == RunStatus::kSucceeded);
}

TEST_CASE("the latest succeeded record of a step comes from another run of the pipeline") {
  ScratchDir dir;
  RunStore store(dir.path() / "ctp.db");
  store.SaveRun({"r1", "p", "p.lua", {}, RunStatus::kSucceeded, 10, 11});
  store.SaveRun({"r2", "p", "p.lua", {}, RunStatus::kFailed, 20, 21});
  store.SaveRun({"r3", "p", "p.lua", {}, RunStatus::kRunning, 30, 0});
  store.SaveStep({"r1", "a", RunStatus::kSucceeded, 1, 0, 0, false, {}, "f1", ""});
  store.SaveStep({"r2", "a", RunStatus::kFailed, 1, 1, 0, false, {}, "f2", ""});
  store.SaveStep({"r3", "a", RunStatus::kSucceeded, 1, 0, 0, false, {}, "f3", ""});
  const std::optional<StepRecord> earlier = store.LatestSucceededStep("p", "a", "r3");
  REQUIRE(earlier);
  CHECK(earlier->run_id == "r1");
  CHECK_FALSE(store.LatestSucceededStep("other", "a", "r3"));
}

TEST_CASE("metrics and cache entries are kept by run and fingerprint") {
  ScratchDir dir;
  RunStore store(dir.path() / "ctp.db");
  store.AddMetric({"r1", "train", "loss", 0.5, 1});
  store.AddMetric({"r1", "train", "loss", 0.7, 0});
  store.AddMetric({"r1", "eval", "accuracy", 0.9, -1});
  const std::vector<MetricRecord> metrics = store.Metrics("r1");
  REQUIRE(metrics.size() == 3);
  CHECK(metrics[0].step == "eval");
  CHECK(metrics[1].index == 0);
  CHECK(metrics[2].value == 0.5);
  store.ClearMetrics("r1", "train");
  CHECK(store.Metrics("r1").size() == 1);

  store.SaveCacheEntry("fp", {"r1", "train", {{"model", "/m"}}});
  REQUIRE(store.FindCacheEntry("fp"));
  CHECK(store.FindCacheEntry("fp")->outputs.at("model") == "/m");
  CHECK_FALSE(store.FindCacheEntry("other"));
}

TEST_CASE("a store that cannot be opened names its file") {
  ScratchDir dir;
  const auto path = dir.path() / "missing" / "ctp.db";
  CHECK_THROWS_WITH_AS(RunStore{path},
                       doctest::Contains(("cannot open run store '" + path.string() + "'").c_str()),
                       std::runtime_error);
}

}  // namespace
}  // namespace ctp::testing
