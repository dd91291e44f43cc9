// `ctp run` killed with SIGKILL at chosen moments (the fault injector,
// tests/support/kill_at_call.c, preloaded: no hook in ctp): while the run store commits, while a
// checkpoint is renamed into place, in the middle of a native step. After each kill: `ctp run
// --resume` and, from the same state, a plain rerun. Checked each time: the run store opens and
// records no step as succeeded whose outputs were not published; the data volume and the
// checkpoints are whole; the result equals an uninterrupted run's; the temporary entries the kill
// left are removed by the next run.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <set>

#include "ctp/runner/run_store.h"
#include "ctp/runner/workspace.h"
#include "kill_at_call.h"
#include "run_ctp.h"
#include "runner_support.h"
#include "toy_idx.h"

namespace ctp::testing {
namespace {

namespace fs = std::filesystem;

std::string Quote(const fs::path& path) { return "'" + path.string() + "'"; }

// A JSON file.
nlohmann::json ReadJson(const fs::path& path) {
  return nlohmann::json::parse(ReadText(path.string()));
}

// `ctp run SCRIPT` in a workdir, its steps one at a time (so that the calls the injector counts
// come in the same order every time), as argument list and as command line.
std::vector<std::string> RunArgs(const std::string& script, const fs::path& workdir) {
  return {"run", script, "--plain", "--jobs", "1", "--workdir", workdir.string()};
}

CommandResult Run(const std::string& script, const fs::path& workdir,
                  const std::string& extra = "") {
  return RunCtp("run " + script + extra + " --plain --jobs 1 --workdir " + Quote(workdir));
}

std::string Describe(const KillPoint& point) {
  return point.call + " " + point.path + " #" + std::to_string(point.nth) +
         (point.after ? " (after)" : " (before)");
}

// Every file below `root` by relative path, with its bytes; files and folders named in `skip` are
// left out.
std::map<std::string, std::string> Files(const fs::path& root,
                                         const std::set<std::string>& skip = {}) {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_directory() && skip.count(it->path().filename().string())) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && !skip.count(it->path().filename().string()))
      files[fs::relative(it->path(), root).string()] = ReadText(it->path().string());
  }
  return files;
}

// The published outputs of a run: `<step>/outputs/<name>` → content.
std::map<std::string, std::string> PublishedOutputs(const fs::path& run_dir) {
  std::map<std::string, std::string> outputs;
  for (const auto& [path, bytes] : Files(run_dir))
    if (path.find("/outputs/") != std::string::npos) outputs[path] = bytes;
  return outputs;
}

// The ids of the recorded runs, newest first.
std::vector<std::string> RecordedRuns(const fs::path& workdir) {
  std::vector<std::string> ids;
  for (const RunRecord& run : RunStore(workdir / "ctp.db").Runs()) ids.push_back(run.id);
  return ids;
}

// Every step the run store records as succeeded has published each output it recorded.
void CheckRunStore(const fs::path& workdir) {
  RunStore store(workdir / "ctp.db");
  const Workspace workspace(workdir);
  for (const RunRecord& run : store.Runs()) {
    for (const StepRecord& step : store.Steps(run.id)) {
      if (step.status != RunStatus::kSucceeded) continue;
      for (const auto& [name, value] : step.outputs) {
        INFO("run ", run.id, ", step ", step.step, ", output ", name);
        CHECK(fs::exists(workspace.TaskDir(run.id, step.step) / "outputs" / name));
      }
    }
  }
}

// Right after a kill: `ctp runs` and `ctp runs show` read the store (the killed run, when its
// record was committed, shown with its recorded status), and CheckRunStore holds.
void CheckKilledRunStore(const fs::path& workdir) {
  const CommandResult list = RunCtp("runs --workdir " + Quote(workdir));
  INFO(list.out, list.err);
  REQUIRE(list.exit_code == 0);
  for (const RunRecord& run : RunStore(workdir / "ctp.db").Runs()) {
    const CommandResult show = RunCtp("runs show " + run.id + " --workdir " + Quote(workdir));
    CHECK(show.exit_code == 0);
    CHECK(show.out.rfind("run " + run.id + " of pipeline '" + run.pipeline + "' (" + run.script +
                             "): " + std::string(StatusName(run.status)) + "\n",
                         0) == 0);
  }
  CheckRunStore(workdir);
}

// No run is recorded as running (the next `ctp run` marked the killed one interrupted), and the
// run `id` succeeded.
void CheckSettled(const fs::path& workdir, const std::string& id) {
  RunStore store(workdir / "ctp.db");
  for (const RunRecord& run : store.Runs()) CHECK(run.status != RunStatus::kRunning);
  const std::optional<RunRecord> run = store.FindRun(id);
  REQUIRE(run.has_value());
  CHECK(run->status == RunStatus::kSucceeded);
}

// The state a kill left, kept as it was (before anything opened the run store and recovered its
// log) to start each recovery from it, under the same path so that recorded paths stay valid.
class KilledState {
 public:
  explicit KilledState(const fs::path& workdir)
      : workdir_(workdir), copy_(workdir.string() + ".killed") {
    fs::copy(workdir_, copy_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
  void Restore() const {
    fs::remove_all(workdir_);
    fs::copy(copy_, workdir_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }

 private:
  fs::path workdir_, copy_;
};

// How often `text` occurs in `in`.
std::size_t Occurrences(const std::string& in, const std::string& text) {
  std::size_t count = 0;
  for (std::size_t at = in.find(text); at != std::string::npos; at = in.find(text, at + 1)) ++count;
  return count;
}

// The run a `ctp run` on its first line ("run ID of pipeline ...").
std::string AnnouncedRun(const std::string& out) {
  REQUIRE(out.rfind("run ", 0) == 0);
  return out.substr(4, out.find(' ', 4) - 4);
}

// ---- The run store: killed while SQLite writes its write-ahead log, or checkpoints it at close.

const char* kHello = "scripts/hello.lua";

TEST_CASE("a run killed while the run store commits resumes, or reruns, to the same outputs") {
  ScratchDir dir;
  const fs::path reference = dir.path() / "reference";
  const CommandResult plain = Run(kHello, reference);
  REQUIRE(plain.exit_code == 0);
  const std::map<std::string, std::string> expected =
      PublishedOutputs(reference / "runs" / AnnouncedRun(plain.out));
  REQUIRE(expected.count("echo/outputs/message") == 1);

  const KillPoint wal{"write", "*/ctp.db-wal"};
  const int commits = CountCalls(RunArgs(kHello, dir.path() / "count"), wal, dir.path());
  REQUIRE(commits > 8);
  std::vector<KillPoint> points;
  for (int nth : {1, commits / 3, 2 * commits / 3, commits})
    points.push_back({wal.call, wal.path, nth});
  points.push_back({"write", "*/ctp.db", 1});      // checkpointing the log into the database
  points.push_back({"fsync", "*/ctp.db-wal", 1});  // flushing the log before that

  for (const KillPoint& point : points) {
    CAPTURE(Describe(point));
    const fs::path workdir = dir.path() / ("work-" + std::to_string(&point - points.data()));
    const Ended killed = RunCtpKilledAt(RunArgs(kHello, workdir), point, dir.path());
    INFO(killed.output);
    REQUIRE(killed.killed);
    const KilledState state(workdir);
    CheckKilledRunStore(workdir);
    // Killed before the run's record was committed there is nothing to resume.
    const std::vector<std::string> recorded = RecordedRuns(workdir);
    if (!recorded.empty()) {
      const std::string id = recorded.front();
      state.Restore();
      const CommandResult resumed = Run(kHello, workdir, " --resume " + id);
      INFO(resumed.out, resumed.err);
      CHECK(resumed.exit_code == 0);
      CHECK(PublishedOutputs(workdir / "runs" / id) == expected);
      CheckRunStore(workdir);
      CheckSettled(workdir, id);
    }

    state.Restore();
    const CommandResult rerun = Run(kHello, workdir);
    INFO(rerun.out, rerun.err);
    CHECK(rerun.exit_code == 0);
    const std::string id = AnnouncedRun(rerun.out);
    CHECK(PublishedOutputs(workdir / "runs" / id) == expected);
    CheckRunStore(workdir);
    CheckSettled(workdir, id);
  }
}

// ---- Training: the checkpoint folder is written as .tmp-<name>-<pid>/ and renamed into place.

const char* kTrain = "tests/runner/scripts/train_on_volume.lua";

// A workdir whose volume 'work' holds the toy data set.
fs::path TrainingWorkdir(const fs::path& workdir) {
  WriteToyIdx(workdir / "volumes/work/data", "train");
  return workdir;
}

// What a training run produced: the weights, the loss and evaluate's metrics.
struct Trained {
  std::string weights, loss, metrics;
  bool operator==(const Trained&) const = default;
};

Trained TrainedBy(const fs::path& workdir, const std::string& id) {
  const fs::path run = workdir / "runs" / id;
  const fs::path checkpoint = ReadText((run / "train/outputs/checkpoint").string());
  return {ReadText((checkpoint / "model.safetensors").string()),
          ReadText((run / "train/outputs/loss").string()),
          ReadText((run / "evaluate/outputs/mlpipeline_metrics").string())};
}

// Every folder in the checkpoint root is a whole checkpoint, except temporary ones (returned).
std::vector<fs::path> CheckCheckpoints(const fs::path& root) {
  std::vector<fs::path> temporary;
  if (!fs::exists(root)) return temporary;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0) {
      temporary.push_back(entry.path());
      continue;
    }
    CAPTURE(name);
    CHECK(fs::file_size(entry.path() / "model.safetensors") > 0);
    CHECK(fs::exists(entry.path() / "metrics.json"));
    CHECK(ReadJson(entry.path() / "model.json").value("format", "") == "ctp-model");
  }
  return temporary;
}

// Whether `out` says that each of `paths` was removed as a leftover.
void CheckRemoved(const std::string& out, const std::vector<fs::path>& paths) {
  for (const fs::path& path : paths) {
    CHECK(out.find("removed " + path.string() + ": left by an interrupted write\n") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(fs::symlink_status(path)));
  }
}

TEST_CASE(
    "training killed at its checkpoint's renames or mid-way resumes, or reruns, to the same "
    "weights") {
  ScratchDir dir;
  const fs::path reference = TrainingWorkdir(dir.path() / "reference");
  const CommandResult plain = Run(kTrain, reference);
  INFO(plain.out, plain.err);
  REQUIRE(plain.exit_code == 0);
  // Training on the CPU with a fixed seed is deterministic: a rerun gives the same bytes.
  const Trained expected = TrainedBy(reference, AnnouncedRun(plain.out));
  REQUIRE(expected.weights.size() > 100);

  // SaveCheckpoint renames four files inside .tmp-<name>-<pid>/ into place (weights, optimizer
  // state, model.json, metrics.json), then the folder.
  const std::string checkpoint_writes = "*/volumes/work/model/.tmp-*";
  struct Case {
    KillPoint point;
    std::size_t leftovers;  // temporary folders the kill leaves in the checkpoint root
  };
  const std::vector<Case> cases = {
      {{"rename", checkpoint_writes, 1}, 1},  // the first file: its .tmp-XXXXXX is left inside
      {{"rename", checkpoint_writes, 5}, 1},  // the folder: a whole .tmp- folder is left
      {{"rename", checkpoint_writes, 5, true}, 0},  // after that rename, before the step ends
      {{"rename", "*/train/outputs.partial/tensorboard/*", 3}, 0},  // mid-training (epoch curves)
  };
  int number = 0;
  for (const auto& [point, leftover_count] : cases) {
    CAPTURE(Describe(point));
    const fs::path workdir = TrainingWorkdir(dir.path() / ("work-" + std::to_string(number++)));
    const Ended killed = RunCtpKilledAt(RunArgs(kTrain, workdir), point, dir.path());
    INFO(killed.output);
    REQUIRE(killed.killed);
    const KilledState state(workdir);
    CheckKilledRunStore(workdir);
    const std::vector<fs::path> leftovers = CheckCheckpoints(workdir / "volumes/work/model");
    CHECK(leftovers.size() == leftover_count);
    const std::string id = RecordedRuns(workdir).front();
    state.Restore();

    const CommandResult resumed = Run(kTrain, workdir, " --resume " + id);
    INFO(resumed.out, resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(TrainedBy(workdir, id) == expected);
    CheckRemoved(resumed.out, leftovers);
    CHECK(CheckCheckpoints(workdir / "volumes/work/model").empty());
    CheckRunStore(workdir);
    CheckSettled(workdir, id);

    state.Restore();
    const CommandResult rerun = Run(kTrain, workdir);
    INFO(rerun.out, rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(TrainedBy(workdir, AnnouncedRun(rerun.out)) == expected);
    CheckRemoved(rerun.out, leftovers);
    CHECK(CheckCheckpoints(workdir / "volumes/work/model").empty());
    CheckRunStore(workdir);
    CheckSettled(workdir, AnnouncedRun(rerun.out));
  }
}

// Sets the modification time of `path` (not following a symbolic link) `seconds` from now.
void Touch(const fs::path& path, int seconds) {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  now.tv_sec += seconds;
  const timespec times[2] = {now, now};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

TEST_CASE(
    "the next run removes the .tmp- folder a kill left, and keeps newer and foreign entries") {
  ScratchDir dir;
  const fs::path workdir = TrainingWorkdir(dir.path() / "work");
  const fs::path root = workdir / "volumes/work/model";
  const Ended killed =
      RunCtpKilledAt(RunArgs(kTrain, workdir), {"rename", "*/model/.tmp-*", 5}, dir.path());
  REQUIRE(killed.killed);
  const std::vector<fs::path> leftovers = CheckCheckpoints(root);
  REQUIRE(leftovers.size() == 1);
  // Written after the next run started (a writer still at work): kept.
  const fs::path fresh = root / ".tmp-20991231-235959-1";
  fs::create_directories(fresh);
  std::ofstream(fresh / "model.json") << "{}";
  Touch(fresh / "model.json", 3600);
  Touch(fresh, 3600);
  // Old, but not named as ctp names its temporary entries, or not only files: kept.
  const fs::path foreign_file = root / "notes.tmp-12345";
  std::ofstream(foreign_file) << "x";
  const fs::path foreign_folder = root / ".tmp-notes";
  fs::create_directories(foreign_folder);
  const fs::path holding_folder = root / ".tmp-20200101-000000-8";
  fs::create_directories(holding_folder / "inside");
  for (const fs::path& path :
       {foreign_file, foreign_folder, holding_folder / "inside", holding_folder})
    Touch(path, -86400);

  const CommandResult rerun = Run(kTrain, workdir);
  INFO(rerun.out, rerun.err);
  CHECK(rerun.exit_code == 0);
  CheckRemoved(rerun.out, leftovers);
  CHECK(Occurrences(rerun.out, "removed ") == 1);  // that one alone
  for (const fs::path& kept :
       {fresh / "model.json", foreign_file, foreign_folder, holding_folder / "inside"})
    CHECK_MESSAGE(fs::exists(kept), kept.string());
}

// ---- Tiling: patch files go straight into place, the rest is staged per slide and committed.

const char* kTile = "tests/runner/scripts/tile_on_volume.lua";

// A workdir whose volume 'data' holds two slides (the same small slide under two names).
fs::path TilingWorkdir(const fs::path& workdir) {
  const fs::path slides = workdir / "volumes/data/slide/train";
  fs::create_directories(slides);
  for (const char* name : {"a.svs", "b.svs"})
    fs::create_symlink(SourcePath("tests/native/testdata/slides/CMU-1-Small-Region.svs"),
                       slides / name);
  return workdir;
}

// The patch names in a folder (file names without their extension).
std::set<std::string> PatchNames(const fs::path& folder) {
  std::set<std::string> names;
  if (fs::is_directory(folder))
    for (const auto& entry : fs::directory_iterator(folder))
      names.insert(entry.path().stem().string());
  return names;
}

// The patches a slide's metadata lists.
std::set<std::string> ListedPatches(const fs::path& metadata) {
  std::set<std::string> names;
  const nlohmann::json json = ReadJson(metadata);
  for (const auto& patch : json["patches"]) names.insert(patch["name"].get<std::string>());
  return names;
}

// The data volume after a kill: every slide the tile checkpoint records as done has its metadata
// and shard, and every patch its metadata lists has its image and ground truth; a patch file no
// metadata lists belongs to a slide not recorded as done (the one being tiled when killed).
void CheckTiledVolume(const fs::path& data) {
  std::set<std::string> done;
  if (fs::exists(data / "preprocess-checkpoint.json")) {
    const nlohmann::json checkpoint = ReadJson(data / "preprocess-checkpoint.json");
    for (const auto& slide : checkpoint["slides"].items())
      done.insert(fs::path(slide.key()).stem().string());
  }
  std::set<std::string> listed;
  for (const std::string stem : {"a", "b"}) {
    const fs::path metadata = data / "preprocess-metadata" / (stem + ".json");
    if (done.count(stem)) {
      CHECK(fs::exists(data / "slide-patch/train/shard" / (stem + ".ctpshard")));
      REQUIRE_MESSAGE(fs::exists(metadata), metadata.string());
    }
    if (!fs::exists(metadata)) continue;
    for (const std::string& name : ListedPatches(metadata)) {
      listed.insert(name);
      CHECK_MESSAGE(fs::exists(data / "slide-patch/train/image" / (name + ".jpg")), name);
      CHECK_MESSAGE(fs::exists(data / "slide-patch/train/ground-truth" / (name + ".png")), name);
    }
  }
  for (const char* kind : {"image", "ground-truth"})
    for (const std::string& name : PatchNames(data / "slide-patch/train" / kind))
      if (!listed.count(name)) {
        CAPTURE(name);
        CHECK_FALSE(done.count(name.substr(0, name.find('_'))));
      }
}

// The data volume after a completed run: the metadata lists exactly the patch files present, and
// nothing is left in staging or as a temporary file.
void CheckCompleteVolume(const fs::path& data) {
  CheckTiledVolume(data);
  std::set<std::string> listed;
  for (const std::string stem : {"a", "b"})
    listed.merge(ListedPatches(data / "preprocess-metadata" / (stem + ".json")));
  CHECK(PatchNames(data / "slide-patch/train/image") == listed);
  CHECK(PatchNames(data / "slide-patch/train/ground-truth") == listed);
  CHECK_FALSE(fs::exists(data / ".ctp-tile-staging"));
  for (const auto& entry : fs::directory_iterator(data))
    CHECK_MESSAGE(entry.path().filename().string().find(".tmp-") == std::string::npos,
                  entry.path().string());
}

TEST_CASE("tiling killed mid-slide or at its commits resumes, or reruns, to the same patches") {
  ScratchDir dir;
  const fs::path reference = TilingWorkdir(dir.path() / "reference");
  const CommandResult plain = Run(kTile, reference);
  INFO(plain.out, plain.err);
  REQUIRE(plain.exit_code == 0);
  // Patches, ground truth, shards, metadata, thumbnails and the tile checkpoint, byte for byte.
  const std::map<std::string, std::string> expected = Files(reference / "volumes/data", {"slide", ".ctp-lock"});
  CheckCompleteVolume(reference / "volumes/data");
  REQUIRE(expected.count("slide-patch/train/shard/b.ctpshard") == 1);

  struct Case {
    KillPoint point;
    std::size_t leftovers;  // temporary files the kill leaves in the data root
  };
  const std::vector<Case> cases = {
      // slide a committed, the tile checkpoint not yet replaced: its .tmp-XXXXXX file is left
      {{"rename", "*/preprocess-checkpoint.json*", 1}, 1},
      // the third patch file of slide a: patches in place that no metadata lists yet
      {{"write", "*/slide-patch/train/image/*", 3}, 0},
      // slide b's patches committed, its metadata not yet moved out of staging
      {{"rename", "*/preprocess-metadata/b.json", 1}, 0},
  };
  int number = 0;
  for (const auto& [point, leftover_count] : cases) {
    CAPTURE(Describe(point));
    const fs::path workdir = TilingWorkdir(dir.path() / ("work-" + std::to_string(number++)));
    const fs::path data = workdir / "volumes/data";
    const Ended killed = RunCtpKilledAt(RunArgs(kTile, workdir), point, dir.path());
    INFO(killed.output);
    REQUIRE(killed.killed);
    const KilledState state(workdir);
    CheckKilledRunStore(workdir);
    CheckTiledVolume(data);
    std::vector<fs::path> leftovers;
    for (const auto& entry : fs::directory_iterator(data))
      if (entry.path().filename().string().find(".tmp-") != std::string::npos)
        leftovers.push_back(entry.path());
    CHECK(leftovers.size() == leftover_count);
    const std::string id = RecordedRuns(workdir).front();
    state.Restore();

    const CommandResult resumed = Run(kTile, workdir, " --resume " + id);
    INFO(resumed.out, resumed.err);
    CHECK(resumed.exit_code == 0);
    CHECK(Files(data, {"slide", ".ctp-lock"}) == expected);
    CheckCompleteVolume(data);
    CheckRemoved(resumed.out, leftovers);
    CheckRunStore(workdir);
    CheckSettled(workdir, id);

    state.Restore();
    const CommandResult rerun = Run(kTile, workdir);
    INFO(rerun.out, rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(Files(data, {"slide", ".ctp-lock"}) == expected);
    CheckCompleteVolume(data);
    CheckRemoved(rerun.out, leftovers);
    CheckRunStore(workdir);
    CheckSettled(workdir, AnnouncedRun(rerun.out));
  }
}

}  // namespace
}  // namespace ctp::testing
