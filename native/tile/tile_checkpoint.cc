// preprocess-checkpoint.json and the commit of a slide's staged outputs.
#include "tile/tile_checkpoint.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <unordered_set>

#include "ctp/base/atomic_file.h"
#include "ctp/model/json_field.h"

namespace ctp::native {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCheckpointName = "preprocess-checkpoint.json";
// What a damaged checkpoint's error tells the user to do.
constexpr const char* kRecovery =
    "delete it to tile every slide again (their outputs are replaced as each slide is done)";

// Size and modification time (ns since the file clock's epoch) of a file.
std::pair<std::uintmax_t, long long> Stamp(const fs::path& path) {
  return {fs::file_size(path),
          static_cast<long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     fs::last_write_time(path).time_since_epoch())
                                     .count())};
}

std::uint64_t Fnv1a(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

// The patch names in a slide's metadata from the previous run (none when there is no file).
// A file that is not the metadata tile writes is an error: its patches cannot be told apart.
std::vector<std::string> PreviousPatchNames(const fs::path& metadata_file) {
  std::ifstream in(metadata_file);
  if (!in) return {};
  constexpr const char* kRemedy = "delete it and the slide's patch files to tile it again";
  nlohmann::json metadata;
  try {
    metadata = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(
        fmt::format("{}: not valid JSON ({}); {}", metadata_file.string(), e.what(), kRemedy));
  }
  std::vector<std::string> names;
  try {
    for (const JsonField& patch : JsonField(metadata, metadata_file.string())["patches"].Elements())
      if (std::string name = patch.Value<std::string>("name", ""); !name.empty())
        names.push_back(std::move(name));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}; {}", e.what(), kRemedy));
  }
  return names;
}

}  // namespace

std::string SlideFingerprint(const TileOptions& o, const SlideJob& job) {
  std::string text = fmt::format(
      "v1 size={} stride={} level={} min_tissue={} sampling={} n={} seed={} unlabelled={} "
      "jpeg={} q={} png={} mask={} bg={} refuse={} side={} holes={} specks={}",
      o.patch_size, o.stride, o.level, o.min_tissue, static_cast<int>(o.sampling),
      o.samples_per_region, o.seed, o.keep_unlabelled, o.jpeg, o.jpeg_quality, o.png_compression,
      static_cast<int>(o.mask.method), static_cast<int>(o.mask.background), o.refuse_fluorescence,
      o.mask_min_side, o.mask.min_hole_pixels, o.mask.min_speck_pixels);
  // Appended only when not the default, so that earlier checkpoints stay valid.
  if (!o.images) text += " images=false";
  if (!o.direct_decode) text += " decoder=openslide";
  if (o.reinhard)
    text += fmt::format(" reinhard={},{}", fmt::join(o.reinhard->mean, ","),
                        fmt::join(o.reinhard->stddev, ","));
  for (const char* kind : {"positive", "negative"}) {
    fs::path dir = o.data_root / "region-annotation" / kind / job.stem;
    if (!fs::is_directory(dir)) continue;
    std::vector<std::string> entries;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
      if (!entry.is_regular_file()) continue;
      auto [size, mtime] = Stamp(entry.path());
      entries.push_back(
          fmt::format("{}/{}:{}:{}", kind, entry.path().filename().string(), size, mtime));
    }
    std::sort(entries.begin(), entries.end());
    text += " " + fmt::format("{}", fmt::join(entries, " "));
  }
  return fmt::format("{:016x}", Fnv1a(text));
}

TileCheckpoint TileCheckpoint::Load(const fs::path& data_root) {
  TileCheckpoint checkpoint;
  checkpoint.path_ = data_root / kCheckpointName;
  std::ifstream in(checkpoint.path_);
  if (!in) return checkpoint;
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(
        fmt::format("{}: not valid JSON ({}); {}", checkpoint.path_.string(), e.what(), kRecovery));
  }
  try {  // every field checked here, so that a damaged entry is never taken for "not done"
    const JsonField document(root, checkpoint.path_.string());
    const JsonField version = document["version"];
    if (version.Raw() != 1) version.Fail("must be 1, got " + version.Shown());
    for (const auto& [slide, entry] : document["slides"].Members()) {
      entry["size"].Get<std::uintmax_t>();
      entry["mtime"].Get<long long>();
      entry["fingerprint"].Get<std::string>();
      entry["patches"].Get<std::uint64_t>();
    }
    checkpoint.slides_ = root["slides"];
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("{}; {}", e.what(), kRecovery));
  }
  return checkpoint;
}

bool TileCheckpoint::IsDone(const SlideJob& job, const std::string& fingerprint) const {
  auto it = slides_.find(job.relative);
  if (it == slides_.end()) return false;
  std::error_code error;
  if (!fs::is_regular_file(job.path, error)) return false;
  auto [size, mtime] = Stamp(job.path);
  return (*it)["size"].get<std::uintmax_t>() == size && (*it)["mtime"].get<long long>() == mtime &&
         (*it)["fingerprint"].get<std::string>() == fingerprint;  // types checked by Load
}

void TileCheckpoint::MarkDone(const SlideJob& job, const std::string& fingerprint,
                              std::size_t patches) {
  auto [size, mtime] = Stamp(job.path);
  slides_[job.relative] = {
      {"size", size}, {"mtime", mtime}, {"fingerprint", fingerprint}, {"patches", patches}};
}

void TileCheckpoint::Save() const {
  nlohmann::json root = {{"version", 1}, {"slides", slides_}};
  base::WriteFileAtomically(path_, root.dump(1) + "\n");
}

void CommitSlide(const fs::path& data_root, const fs::path& staging, const SlideJob& job,
                 TiledSlide& tiled) {
  const SlideOutputs out = OutputsOf(job);
  std::error_code ignored;
  // The previous run's patches (all read before anything is removed or moved).
  const std::vector<std::string> previous = PreviousPatchNames(data_root / out.metadata);
  std::unordered_set<std::string> images, ground_truth;  // written by this run: keep
  if (tiled.images) images.insert(tiled.images->Names().begin(), tiled.images->Names().end());
  if (tiled.ground_truth)
    ground_truth.insert(tiled.ground_truth->Names().begin(), tiled.ground_truth->Names().end());
  for (const std::string& name : previous) {
    for (const char* extension : {".png", ".jpg"})
      if (!images.count(name + extension))
        fs::remove(data_root / out.image_dir / (name + extension), ignored);
    if (!ground_truth.count(name + ".png"))
      fs::remove(data_root / out.ground_truth_dir / (name + ".png"), ignored);
  }
  if (tiled.images) tiled.images->Commit();
  if (tiled.ground_truth) tiled.ground_truth->Commit();
  auto move = [&](const fs::path& relative) {
    fs::create_directories((data_root / relative).parent_path());
    fs::rename(staging / relative, data_root / relative);
  };
  move(out.thumbnail);
  move(out.metadata);
  move(out.shard);
  fs::remove_all(staging, ignored);
}

}  // namespace ctp::native
