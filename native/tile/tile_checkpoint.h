// Incremental tiling: preprocess-checkpoint.json (slides done, with size, mtime and a fingerprint
// of the options and annotations), and moving a slide's staged outputs into place.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tile/tile_options.h"
#include "tile/tile_slide.h"

namespace ctp::native {

/// A hex digest of everything besides the slide file that changes a slide's outputs: the
/// tiling options and the slide's annotation files (names, sizes, mtimes).
std::string SlideFingerprint(const TileOptions& options, const SlideJob& job);

/// The checkpoint file of a data root.
class TileCheckpoint {
 public:
  /// Reads <data_root>/preprocess-checkpoint.json (an absent file means nothing is done). A file
  /// that is not valid JSON, or whose version or a slide's field is missing or of the wrong
  /// type, is an error naming the file and the field and saying how to recover (delete it).
  static TileCheckpoint Load(const std::filesystem::path& data_root);
  /// True when the slide is recorded with its current size, mtime and this fingerprint.
  bool IsDone(const SlideJob& job, const std::string& fingerprint) const;
  /// Records the slide as done (in memory).
  void MarkDone(const SlideJob& job, const std::string& fingerprint, std::size_t patches);
  /// Writes the file atomically.
  void Save() const;

 private:
  std::filesystem::path path_;
  nlohmann::json slides_ = nlohmann::json::object();
};

/// Replaces the slide's previous outputs (listed in its old metadata) with the new ones: removes
/// old patch files this run did not write again, renames the staged patch files over old ones of
/// the same name, then moves the thumbnail, metadata and shard into place. Old metadata that is
/// not what tile writes is an error naming it, thrown before anything is removed or moved.
void CommitSlide(const std::filesystem::path& data_root, const std::filesystem::path& staging,
                 const SlideJob& job, TiledSlide& tiled);

}  // namespace ctp::native
