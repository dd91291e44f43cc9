#include "cnn/train_resume.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "cnn/optimizer_state.h"
#include "ctp/base/atomic_file.h"
#include "ctp/base/temporary_entries.h"
#include "ctp/kernels/cnn/random.h"
#include "ctp/model/json_field.h"
#include "ctp/step/native_args.h"
#include "formats/tensorboard_events.h"

namespace ctp::native {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kStateFile = "state.json";
constexpr const char* kWeightsFile = "model.safetensors";
constexpr const char* kExpected =
    "expected a duration (\"30s\", \"10m\", \"1h\"), \"N batches\", \"epoch\" or \"off\"";

/// A 64-bit digest of byte strings (not cryptographic: it tells configurations apart).
class Digest {
 public:
  void Add(std::string_view bytes) {
    Word(bytes.size());
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes.data() + i, 8);
      Word(word);
    }
    std::uint64_t tail = 0;
    if (i < bytes.size()) std::memcpy(&tail, bytes.data() + i, bytes.size() - i);  // data() may be null
    Word(tail);
  }
  void Word(std::uint64_t word) { state_ = kernels::cnn::MixBits(state_ ^ word) + 0x9e3779b97f4a7c15ULL; }
  std::string Hex() const { return fmt::format("{:016x}", state_); }

 private:
  std::uint64_t state_ = 0x6a09e667f3bcc908ULL;
};

// "state-EEEEEE-BBBBBBBBB": a resume checkpoint's folder name.
std::string StateName(const TrainProgress& progress) {
  return fmt::format("state-{:06}-{:09}", progress.epoch, progress.batch);
}

bool IsStateName(const std::string& name) {
  return name.size() == 22 && name.rfind("state-", 0) == 0 && name[12] == '-' &&
         std::all_of(name.begin() + 6, name.end(),
                     [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
}

bool IsStateLeftover(const std::string& name) {
  return base::IsTemporaryFolderName(name) && name.rfind(".tmp-state-", 0) == 0;
}

// The resume checkpoints in `folder`, newest first.
std::vector<fs::path> States(const fs::path& folder) {
  std::vector<fs::path> states;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error))
    if (IsStateName(entry.path().filename().string()) && entry.is_directory(error))
      states.push_back(entry.path());
  std::sort(states.rbegin(), states.rend());
  return states;
}

Json FileRecord(const std::string& bytes) {
  return {{"bytes", bytes.size()}, {"crc32c", Crc32c(bytes)}};
}

// The bytes of `name` in `state`, checked against the size and CRC-32C state.json records.
std::string VerifiedFile(const fs::path& state, const char* name, const JsonField& files) {
  const fs::path path = state / name;
  const std::string bytes = ReadFileBytes(path);
  const auto size = files[name]["bytes"].Get<std::uint64_t>();
  const auto crc = files[name]["crc32c"].Get<std::uint32_t>();
  if (bytes.size() != size || Crc32c(bytes) != crc)
    throw std::runtime_error(fmt::format(
        "{}: {} bytes with CRC-32C {:08x}, {} records {} bytes with CRC-32C {:08x}", path.string(),
        bytes.size(), Crc32c(bytes), kStateFile, size, crc));
  return bytes;
}

// The names of the arguments whose values differ between two configurations.
std::vector<std::string> DifferentArguments(const Json& a, const Json& b) {
  std::vector<std::string> names;
  for (const auto& [name, value] : a.items())
    if (!b.contains(name) || b[name] != value) names.push_back(name);
  for (const auto& [name, value] : b.items())
    if (!a.contains(name)) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

ResumeSchedule ResumeSchedule::Parse(const std::string& text) {
  auto fail = [&]() -> ResumeSchedule {
    throw std::invalid_argument(fmt::format("resume_every '{}': {}", text, kExpected));
  };
  if (text == "off") return {Kind::kOff, 0};
  if (text == "epoch") return {Kind::kEpoch, 0};
  for (const char* unit : {" batches", " batch"}) {
    const std::size_t at = text.rfind(unit);
    if (at == std::string::npos || at + std::strlen(unit) != text.size()) continue;
    const std::optional<long long> count = ParseIntText(text.substr(0, at));
    if (!count || *count < 1 || text[0] == '+' || text[0] == '-') return fail();
    return {Kind::kBatches, *count};
  }
  if (text.size() < 2 || text[0] == '+' || text[0] == '-') return fail();
  const std::optional<long long> count = ParseIntText(text.substr(0, text.size() - 1));
  const char unit = text.back();
  const long long scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : 0;
  if (!count || *count < 1 || scale == 0 || *count > (1LL << 40)) return fail();
  return {Kind::kSeconds, *count * scale};
}

bool ResumeSchedule::Due(bool epoch_end, long long batches, double seconds) const {
  switch (kind) {
    case Kind::kOff:
      return false;
    case Kind::kEpoch:
      return epoch_end;
    case Kind::kBatches:
      return epoch_end || batches >= every;
    case Kind::kSeconds:
      return seconds >= double(every);
  }
  return false;
}

std::string TrainingFingerprint(const Json& configuration, const std::vector<const Dataset*>& sets,
                                const std::string& start_weights,
                                const std::string& start_optimizer_state) {
  Digest digest;
  digest.Add(configuration.dump());
  for (const Dataset* set : sets) {
    for (int dimension : {set->channels, set->height, set->width}) digest.Word(std::uint64_t(dimension));
    digest.Add({reinterpret_cast<const char*>(set->pixels.data()), set->pixels.size()});
    digest.Add({reinterpret_cast<const char*>(set->labels.data()),
                set->labels.size() * sizeof(int)});
  }
  digest.Add(start_weights);
  digest.Add(start_optimizer_state);
  return digest.Hex();
}

ResumeFolder::ResumeFolder(fs::path folder, std::string fingerprint, Json configuration,
                           std::ostream* log)
    : folder_(std::move(folder)),
      fingerprint_(std::move(fingerprint)),
      configuration_(std::move(configuration)),
      log_(log) {
  ::clock_gettime(CLOCK_REALTIME_COARSE, &created_);
}

std::optional<fs::path> ResumeFolder::Restore(const ModelInfo& info, const std::string& optimizer,
                                              kernels::cnn::Sequential& network,
                                              TrainProgress& progress) const {
  for (const fs::path& state : States(folder_)) {
    Json json;
    std::string weights, optimizer_state;
    const std::string state_file = (state / kStateFile).string();
    try {
      try {
        json = Json::parse(ReadFileBytes(state / kStateFile));
      } catch (const Json::exception& e) {
        throw std::runtime_error(state_file + ": invalid JSON: " + e.what());
      }
      const JsonField root(json, state_file);
      if (json.value("format", Json()) != "ctp-train-resume" || json.value("version", Json()) != 1)
        throw std::runtime_error(state_file +
                                 ": not a resume checkpoint (format ctp-train-resume, version 1)");
      if (root["fingerprint"].Get<std::string>() != fingerprint_) {
        const std::vector<std::string> names =
            DifferentArguments(root["configuration"].Get<Json>(), configuration_);
        if (log_)
          *log_ << fmt::format(
              "train: resume checkpoint {} is of another training ({}): not used\n",
              state.string(),
              names.empty() ? "its data, starting weights or optimizer state differ"
                            : "arguments that differ: " + fmt::format("{}", fmt::join(names, ", ")));
        continue;
      }
      weights = VerifiedFile(state, kWeightsFile, root["files"]);
      optimizer_state = VerifiedFile(state, kOptimizerStateFile, root["files"]);
    } catch (const std::runtime_error& e) {
      if (log_)
        *log_ << fmt::format("train: resume checkpoint {} is damaged ({}): not used\n",
                             state.string(), e.what());
      continue;
    }
    const JsonField root(json, state_file);
    DecodeWeights(weights, (state / kWeightsFile).string(), info, network);
    ApplyOptimizerState(DecodeOptimizerState(optimizer_state, (state / kOptimizerStateFile).string()),
                        info, optimizer, network);
    kernels::cnn::TrainingCounters counters;
    counters.optimizer_steps = root["optimizer_steps"].Get<std::int64_t>();
    counters.dropout_positions = root["dropout_positions"].Get<std::vector<std::uint64_t>>();
    network.RestoreCounters(counters);
    TrainProgress restored;
    restored.epoch = root["epoch"].Get<int>();
    restored.batch = root["batch"].Get<int>();
    restored.schedule_step = root["schedule_step"].Get<std::int64_t>();
    const JsonField epoch = root["epoch_so_far"];
    restored.loss_sum = epoch["loss_sum"].Get<double>();
    restored.correct = epoch["correct"].Get<std::int64_t>();
    restored.seen = epoch["seen"].Get<std::int64_t>();
    restored.seconds = epoch["seconds"].Get<double>();
    const JsonField last = root["last_epoch"];
    restored.last = {last["loss"].Get<double>(), last["accuracy"].Get<double>(),
                     last["images_per_second"].Get<double>()};
    for (const JsonField& metric : root["metrics"].Elements())
      restored.metrics.push_back({metric["name"].Get<std::string>(),
                                  metric["value"].Get<double>(), metric["index"].Get<int>()});
    progress = std::move(restored);
    return state;
  }
  return std::nullopt;
}

void ResumeFolder::Save(const ModelInfo& info, const std::string& optimizer,
                        const kernels::cnn::Sequential& network,
                        const TrainProgress& progress) const {
  const std::string weights = EncodeWeights(info, network);
  const std::string optimizer_state = EncodeOptimizerState(info, network, optimizer);
  Json metrics = Json::array();
  for (const RecordedMetric& metric : progress.metrics)
    metrics.push_back({{"name", metric.name}, {"value", metric.value}, {"index", metric.index}});
  const kernels::cnn::TrainingCounters counters = network.counters();
  const Json state = {
      {"format", "ctp-train-resume"},
      {"version", 1},
      {"fingerprint", fingerprint_},
      {"configuration", configuration_},
      {"epoch", progress.epoch},
      {"batch", progress.batch},
      {"schedule_step", progress.schedule_step},
      {"optimizer_steps", counters.optimizer_steps},
      {"dropout_positions", counters.dropout_positions},
      {"epoch_so_far",
       {{"loss_sum", progress.loss_sum},
        {"correct", progress.correct},
        {"seen", progress.seen},
        {"seconds", progress.seconds}}},
      {"last_epoch",
       {{"loss", progress.last.loss},
        {"accuracy", progress.last.accuracy},
        {"images_per_second", progress.last.images_per_second}}},
      {"metrics", metrics},
      {"files",
       {{kWeightsFile, FileRecord(weights)}, {kOptimizerStateFile, FileRecord(optimizer_state)}}}};
  const fs::path final_path = folder_ / StateName(progress);
  const fs::path temporary = base::TemporaryFolderFor(final_path);
  fs::remove_all(temporary);
  try {
    base::WriteFileAtomically(temporary / kWeightsFile, weights);
    base::WriteFileAtomically(temporary / kOptimizerStateFile, optimizer_state);
    base::WriteFileAtomically(temporary / kStateFile, state.dump(1) + "\n");
    fs::remove_all(final_path);  // the same position written again
    fs::rename(temporary, final_path);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(temporary, ignored);
    throw;
  }
  for (const fs::path& older : States(folder_))
    if (older != final_path) fs::remove_all(older);
  base::RemoveStaleTemporaries(folder_, created_);
}

void ResumeFolder::Remove() const {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder_, error)) {
    const std::string name = entry.path().filename().string();
    if (IsStateName(name) || IsStateLeftover(name)) fs::remove_all(entry.path());
  }
  fs::remove(folder_, error);  // only when empty: the folder may hold what else a user put there
}

}  // namespace ctp::native
