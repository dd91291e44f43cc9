// Training that survives interruption: `ctp step train` killed with SIGKILL (the fault injector,
// tests/support/kill_at_call.c, preloaded: no hook in ctp) right after a chosen resume checkpoint
// is renamed into place, or while one is written; run again, it continues from the newest
// complete one and ends with the uninterrupted run's weights and optimizer state, bit for bit on
// the CPU. Also: damaged resume checkpoints and those of another training are not used, warm start
// keeps or resets the optimizer state, and resume_every's forms.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cnn/train_resume.h"
#include "ctp/kernels/device.h"
#include "formats/safetensors.h"
#include "formats/tensorboard_events.h"
#include "kill_at_call.h"
#include "native_step_runner.h"
#include "run_ctp.h"
#include "toy_idx.h"

namespace {

namespace fs = std::filesystem;
using ctp::native::ResumeSchedule;
using ctp::testing::KillPoint;
using ctp::testing::ReadText;

// Every kind of state a resumed training must restore: Adam's moments and step count, a cosine
// schedule's position, batch-norm statistics, a dropout stream, shuffling and augmentation.
const char* kModel = R"([{"type":"conv","out":4,"kernel":3,"padding":1},{"type":"batchnorm"},)"
                     R"({"type":"relu"},{"type":"maxpool"},{"type":"dropout","p":0.25},)"
                     R"({"type":"linear","out":2}])";

struct Workspace {
  fs::path root = fs::temp_directory_path() / "ctp-train-resume-test";
  Workspace() {
    fs::remove_all(root);
    ctp::testing::WriteToyIdx(root / "data", "train");
    ctp::testing::WriteToyIdx(root / "data", "t10k");
  }
  ~Workspace() { fs::remove_all(root); }

  // 32 items in batches of 8: 4 batches per epoch, 3 epochs, a resume checkpoint after each.
  std::map<std::string, std::string> Args(const std::string& checkpoint_root) const {
    return {{"data", (root / "data").string()},
            {"eval_data", (root / "data").string()},
            {"model", kModel},
            {"class_names", "left,right"},
            {"epochs", "3"},
            {"batch_size", "8"},
            {"optimizer", "adam"},
            {"learning_rate", "0.02"},
            {"schedule", "cosine"},
            {"horizontal_flip", "true"},
            {"crop_padding", "1"},
            {"seed", "5"},
            {"resume_every", "1 batch"},
            {"checkpoint_root", (root / checkpoint_root).string()},
            {"device", "cpu"}};
  }
};

// `ctp step train` with `args`, outputs into `out`, as an argument list.
std::vector<std::string> StepArgs(const std::map<std::string, std::string>& args,
                                  const fs::path& out) {
  std::vector<std::string> words = {"step", "train"};
  for (const auto& [name, value] : args) {
    words.push_back("--" + name);
    words.push_back(value);
  }
  words.push_back("--output-dir");
  words.push_back(out.string());
  return words;
}

// Runs `ctp step train` to its end (uninterrupted, or resuming; the injector only counts);
// returns what it printed.
std::string Train(const std::map<std::string, std::string>& args, const fs::path& out) {
  const ctp::testing::Ended ended = ctp::testing::RunCtpKilledAt(
      StepArgs(args, out), {"rename", "", 0, false}, out.parent_path());
  INFO(ended.output);
  REQUIRE(ended.exit_code == 0);
  return ended.output;
}

// Runs `ctp step train` until the injector kills it at `point`.
void TrainKilledAt(const std::map<std::string, std::string>& args, const fs::path& out,
                   const KillPoint& point) {
  const ctp::testing::Ended ended =
      ctp::testing::RunCtpKilledAt(StepArgs(args, out), point, out.parent_path());
  INFO(ended.output);
  REQUIRE(ended.killed);
}

// The checkpoint a finished run wrote (its `checkpoint` output).
fs::path Checkpoint(const fs::path& out) { return ReadText((out / "checkpoint").string()); }

// The resume folders (`.resume-*`) in a checkpoint root.
std::vector<fs::path> ResumeFolders(const fs::path& checkpoint_root) {
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(checkpoint_root))
    if (entry.path().filename().string().rfind(".resume-", 0) == 0) folders.push_back(entry.path());
  return folders;
}

// The names in a folder, sorted.
std::vector<std::string> Names(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The metric lines a run printed ("metric: NAME=VALUE (step N)"), without the timing ones.
std::string MetricLines(const std::string& output) {
  std::istringstream lines(output);
  std::string kept;
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("metric: ", 0) == 0 && line.find("images_per_second") == std::string::npos)
      kept += line + "\n";
  return kept;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// What a run that resumed must match: the uninterrupted run's weights, optimizer state and
// metrics (those of the epochs before the kill are reported again).
struct Uninterrupted {
  std::string weights, optimizer, metrics;
};

Uninterrupted TrainUninterrupted(const Workspace& ws) {
  const std::string output = Train(ws.Args("ckpt-whole"), ws.root / "out-whole");
  const fs::path checkpoint = Checkpoint(ws.root / "out-whole");
  CHECK(ResumeFolders(ws.root / "ckpt-whole").empty());  // removed once the step succeeded
  return {ReadText((checkpoint / "model.safetensors").string()),
          ReadText((checkpoint / "optimizer.safetensors").string()), MetricLines(output)};
}

void CheckSameAs(const Uninterrupted& want, const fs::path& out, const std::string& output) {
  const fs::path checkpoint = Checkpoint(out);
  CHECK(ReadText((checkpoint / "model.safetensors").string()) == want.weights);
  CHECK(ReadText((checkpoint / "optimizer.safetensors").string()) == want.optimizer);
  CHECK(MetricLines(output) == want.metrics);
}

}  // namespace

TEST_CASE("train killed mid-epoch, at an epoch's end or while writing resumes to the same weights") {
  Workspace ws;
  const Uninterrupted whole = TrainUninterrupted(ws);
  REQUIRE(std::count(whole.metrics.begin(), whole.metrics.end(), '\n') == 12);  // 4 per epoch

  struct Case {
    KillPoint point;
    std::string resumes_from;  // the resume checkpoint the rerun continues from
    std::string position;
  };
  const std::vector<Case> cases = {
      {{"rename", "*/.resume-*/state-000001-000000002", 1, true},
       "state-000001-000000002",
       "epoch 1, 2 batches of it done"},
      {{"rename", "*/.resume-*/state-000002-000000000", 1, true},
       "state-000002-000000000",
       "epoch 2, 0 batches of it done"},
      {{"rename", "*/.resume-*/state-000003-000000003", 1, true},
       "state-000003-000000003",
       "epoch 3, 3 batches of it done"},
      // While the next one is written: its temporary folder is left, the previous one is used.
      {{"rename", "*/.resume-*/.tmp-state-000002-000000001-*/state.json", 1, false},
       "state-000002-000000000",
       "epoch 2, 0 batches of it done"}};
  for (const Case& c : cases) {
    CAPTURE(c.point.path);
    const fs::path root = ws.root / "ckpt";
    fs::remove_all(root);
    TrainKilledAt(ws.Args("ckpt"), ws.root / "out-killed", c.point);
    const std::vector<fs::path> folders = ResumeFolders(root);
    REQUIRE(folders.size() == 1);
    CHECK(Names(folders[0]).back() == c.resumes_from);

    const std::string output = Train(ws.Args("ckpt"), ws.root / "out-resumed");
    CHECK(Contains(output, "train: resuming from " + (folders[0] / c.resumes_from).string() +
                               " (" + c.position + ")\n"));
    CheckSameAs(whole, ws.root / "out-resumed", output);
    CHECK(ResumeFolders(root).empty());
    CHECK(Names(root).size() == 1);  // the checkpoint, and no leftover
  }
}

TEST_CASE("train: a damaged resume checkpoint is not used") {
  Workspace ws;
  const Uninterrupted whole = TrainUninterrupted(ws);
  const fs::path root = ws.root / "ckpt";
  TrainKilledAt(ws.Args("ckpt"), ws.root / "out-killed",
                {"rename", "*/.resume-*/state-000002-000000001", 1, true});
  // Killed before the older one was removed: the rerun falls back to it.
  const fs::path state = ResumeFolders(root).at(0) / "state-000002-000000001";
  const std::string fallback = "train: resuming from " +
                               (state.parent_path() / "state-000002-000000000").string() +
                               " (epoch 2, 0 batches of it done)\n";

  SUBCASE("a tensor file that does not match its recorded checksum") {
    const fs::path weights = state / "model.safetensors";
    std::string bytes = ReadText(weights.string());
    const std::uint32_t recorded = ctp::native::Crc32c(bytes);
    bytes[bytes.size() - 3] ^= 0x20;
    std::ofstream(weights, std::ios::binary | std::ios::trunc) << bytes;
    const std::string output = Train(ws.Args("ckpt"), ws.root / "out-resumed");
    CHECK(Contains(output,
                   fmt::format("train: resume checkpoint {} is damaged ({}: {} bytes with CRC-32C "
                               "{:08x}, state.json records {} bytes with CRC-32C {:08x}): not "
                               "used\n",
                               state.string(), weights.string(), bytes.size(),
                               ctp::native::Crc32c(bytes), bytes.size(), recorded)));
    CHECK(Contains(output, fallback));
    CheckSameAs(whole, ws.root / "out-resumed", output);
  }
  SUBCASE("a state.json cut short") {
    const std::string text = ReadText((state / "state.json").string());
    std::ofstream(state / "state.json", std::ios::trunc) << text.substr(0, text.size() / 2);
    const std::string output = Train(ws.Args("ckpt"), ws.root / "out-resumed");
    CHECK(Contains(output, "train: resume checkpoint " + state.string() + " is damaged (" +
                               (state / "state.json").string() + ": invalid JSON: "));
    CHECK(Contains(output, fallback));
    CheckSameAs(whole, ws.root / "out-resumed", output);
  }
  CHECK(ResumeFolders(root).empty());
}

TEST_CASE("train: the resume checkpoint of another training is not used") {
  Workspace ws;
  const fs::path resume_dir = ws.root / "resume";
  auto args = ws.Args("ckpt");
  args["resume_dir"] = resume_dir.string();
  TrainKilledAt(args, ws.root / "out-killed",
                {"rename", "*/resume/state-000001-000000002", 1, true});
  REQUIRE(Names(resume_dir).back() == "state-000001-000000002");

  auto other = args;
  other["learning_rate"] = "0.01";
  other["epochs"] = "2";
  const std::string output = Train(other, ws.root / "out-other");
  CHECK(Contains(output, "train: resume checkpoint " +
                             (resume_dir / "state-000001-000000002").string() +
                             " is of another training (arguments that differ: epochs, "
                             "learning_rate): not used\n"));
  CHECK(!Contains(output, "train: resuming"));
  CHECK(!fs::exists(resume_dir));  // its own, then the folder, removed at the end

  // Trainings that differ in their data only: each has its own default resume folder.
  auto fewer = ws.Args("ckpt-fewer");
  fewer["limit"] = "24";
  TrainKilledAt(ws.Args("ckpt-fewer"), ws.root / "out-a",
                {"rename", "*/state-000001-000000001", 1, true});
  TrainKilledAt(fewer, ws.root / "out-b", {"rename", "*/state-000001-000000001", 1, true});
  CHECK(ResumeFolders(ws.root / "ckpt-fewer").size() == 2);
}

TEST_CASE("train: resume checkpoints are written as resume_every says, none by default") {
  Workspace ws;
  auto args = ws.Args("ckpt");
  args.erase("resume_every");  // 10m: a training this short writes none
  const fs::path count_file = ws.root / "renames";
  const KillPoint states{"rename", "*/.resume-*/state-*", 0, false};
  CHECK(ctp::testing::CountCalls(StepArgs(args, ws.root / "out"), states, ws.root) == 0);
  const fs::path checkpoint = Checkpoint(ws.root / "out");
  CHECK(Names(checkpoint) == std::vector<std::string>{"metrics.json", "model.json",
                                                      "model.safetensors",
                                                      "optimizer.safetensors"});
  args["resume_every"] = "epoch";  // epoch ends 1 and 2 (the last one is the checkpoint)
  CHECK(ctp::testing::CountCalls(StepArgs(args, ws.root / "out"), states, ws.root) == 2);
  args["resume_every"] = "3 batches";  // after batches 3, 4 (epoch end), 7, 8, 11
  CHECK(ctp::testing::CountCalls(StepArgs(args, ws.root / "out"), states, ws.root) == 5);
  args["resume_every"] = "off";
  CHECK(ctp::testing::CountCalls(StepArgs(args, ws.root / "out"), states, ws.root) == 0);
  CHECK(ResumeFolders(ws.root / "ckpt").empty());

  args["resume_every"] = "soon";
  CHECK_THROWS_WITH_AS(ctp::testing::RunStep("train", args, ws.root / "out"),
                       "resume_every 'soon': expected a duration (\"30s\", \"10m\", \"1h\"), "
                       "\"N batches\", \"epoch\" or \"off\"",
                       std::invalid_argument);
}

TEST_CASE("train: resume_every's forms") {
  using Kind = ResumeSchedule::Kind;
  CHECK(ResumeSchedule::Parse("off").kind == Kind::kOff);
  CHECK(ResumeSchedule::Parse("epoch").kind == Kind::kEpoch);
  const ResumeSchedule batches = ResumeSchedule::Parse("25 batches");
  CHECK((batches.kind == Kind::kBatches && batches.every == 25));
  CHECK(ResumeSchedule::Parse("1 batch").every == 1);
  for (const auto& [text, seconds] :
       std::vector<std::pair<std::string, long long>>{{"45s", 45}, {"10m", 600}, {"2h", 7200}}) {
    const ResumeSchedule schedule = ResumeSchedule::Parse(text);
    CHECK((schedule.kind == Kind::kSeconds && schedule.every == seconds));
  }
  for (const char* bad : {"", "0m", "-5m", "+5m", "5", "5d", "m", "0 batches", "two batches",
                          "1.5h", "epochs"})
    CHECK_THROWS_AS(ResumeSchedule::Parse(bad), std::invalid_argument);

  CHECK(!batches.Due(false, 24, 1e9));
  CHECK(batches.Due(false, 25, 0));
  CHECK(batches.Due(true, 1, 0));
  CHECK(!ResumeSchedule::Parse("10m").Due(true, 1000, 599));
  CHECK(ResumeSchedule::Parse("10m").Due(false, 1, 600));
  CHECK(!ResumeSchedule::Parse("epoch").Due(false, 1000, 1e9));
  CHECK(!ResumeSchedule::Parse("off").Due(true, 1000, 1e9));
}

TEST_CASE("train: warm start keeps or resets the optimizer state") {
  Workspace ws;
  auto args = ws.Args("ckpt");
  args["epochs"] = "1";
  ctp::testing::RunStep("train", args, ws.root / "first");
  const fs::path first = Checkpoint(ws.root / "first");
  auto step_count = [](const fs::path& checkpoint) {
    const std::string bytes = ReadText((checkpoint / "optimizer.safetensors").string());
    return ctp::native::DecodeSafetensors(bytes, "optimizer.safetensors").metadata.at("step");
  };
  CHECK(step_count(first) == "4");

  auto warm = args;
  warm["warm_start"] = first.string();
  const std::string reset = Train(warm, ws.root / "reset");
  CHECK(!Contains(reset, "optimizer state"));
  CHECK(step_count(Checkpoint(ws.root / "reset")) == "4");

  warm["warm_start_optimizer"] = "keep";
  const std::string kept = Train(warm, ws.root / "kept");
  CHECK(Contains(kept, "train: warm start keeps the adam state of " +
                           (first / "optimizer.safetensors").string() + " (4 updates)\n"));
  CHECK(step_count(Checkpoint(ws.root / "kept")) == "8");
  const auto weights = [](const fs::path& out) {
    return ReadText((Checkpoint(out) / "model.safetensors").string());
  };
  CHECK(weights(ws.root / "kept") != weights(ws.root / "reset"));

  auto sgd = warm;
  sgd["optimizer"] = "sgd";
  CHECK(Contains(Train(sgd, ws.root / "sgd"),
                 "train: " + (first / "optimizer.safetensors").string() +
                     " holds adam state, this training uses sgd: optimizer state reset\n"));

  // A checkpoint written before checkpoints carried the optimizer state: reset, and said so.
  fs::remove(first / "optimizer.safetensors");
  const std::string old = Train(warm, ws.root / "old");
  CHECK(Contains(old, "train: warm start " + first.string() +
                          " has no optimizer.safetensors: optimizer state reset\n"));
  CHECK(weights(ws.root / "old") == weights(ws.root / "reset"));
}

TEST_CASE("train on the GPU resumes after a kill" *
          doctest::skip(!ctp::kernels::CudaAvailable())) {
  Workspace ws;
  auto args = ws.Args("ckpt-whole");
  args["device"] = "cuda";
  Train(args, ws.root / "out-whole");
  args["checkpoint_root"] = (ws.root / "ckpt").string();
  TrainKilledAt(args, ws.root / "out-killed",
                {"rename", "*/.resume-*/state-000002-000000002", 1, true});
  const std::string output = Train(args, ws.root / "out-resumed");
  CHECK(Contains(output, "(epoch 2, 2 batches of it done)\n"));
  auto tensors = [](const fs::path& out, const char* file) {
    const fs::path path = Checkpoint(out) / file;
    return ctp::native::DecodeSafetensors(ReadText(path.string()), path.string()).tensors;
  };
  for (const char* file : {"model.safetensors", "optimizer.safetensors"}) {
    const auto want = tensors(ws.root / "out-whole", file);
    const auto got = tensors(ws.root / "out-resumed", file);
    REQUIRE(got.size() == want.size());
    for (std::size_t t = 0; t < want.size(); ++t)
      for (std::size_t i = 0; i < want[t].values.size(); ++i)
        CHECK(got[t].values[i] == doctest::Approx(want[t].values[i]).epsilon(1e-3));
  }
}
