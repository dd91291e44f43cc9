// Labelled image sets for training, evaluation and prediction, held as bytes in memory:
// IDX files (gz or raw), image folders (one sub-folder per class, PNG/JPEG) and plain folders
// of images (unlabelled, for prediction).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ctp::native {

/// N images of C×H×W bytes (CHW per item) with labels.
struct Dataset {
  int channels = 1, height = 0, width = 0;
  std::vector<std::uint8_t> pixels;      ///< size() × ItemBytes()
  std::vector<int> labels;               ///< class index per item; -1 = unlabelled
  std::vector<std::string> class_names;  ///< may be empty for IDX (then "0".."K-1")
  std::vector<std::string> item_names;   ///< file names (folders) or "#index" (IDX)

  std::size_t size() const { return labels.size(); }
  std::size_t ItemBytes() const { return std::size_t(channels) * height * width; }
  /// Number of classes: class_names.size(), or 1 + the largest label.
  int ClassCount() const;
};

/// Where a data set comes from (the steps' `data`, `split`, `labels`, `limit` arguments).
struct DatasetSource {
  std::filesystem::path data;    ///< IDX images file, or a folder (see LoadDataset)
  std::string split = "train";   ///< for folders: `<split>-images-idx3-ubyte[.gz]` or `<split>/`
  std::filesystem::path labels;  ///< IDX labels file for an IDX images file (optional)
  std::size_t limit = 0;         ///< keep only the first `limit` items (0 = all)
};

/// Loads a data set. `data` is one of: a `.ctpshard` file or a folder (or its `<split>/`)
/// holding the tiling step's shards (classes negative, positive; unlabelled patches −1); an IDX
/// images file (labels from `labels`, else unlabelled); a folder holding
/// `<split>-images-idx3-ubyte[.gz]` and
/// `<split>-labels-idx1-ubyte[.gz]`; a folder whose `<split>/` sub-folder, or the folder itself,
/// holds one sub-folder of images per class (class names sorted); a folder of images
/// (unlabelled). Throws std::runtime_error naming the file at fault.
Dataset LoadDataset(const DatasetSource& source);

/// Loads an IDX images file ({N, H, W} or {N, C, H, W}) and optional labels file ({N}).
Dataset LoadIdxDataset(const std::filesystem::path& images, const std::filesystem::path& labels);

/// Decodes one PNG or JPEG file into `channels` (1 = grey, 3 = RGB) CHW bytes; fills the size.
/// Throws std::runtime_error naming the file.
std::vector<std::uint8_t> DecodeImage(const std::filesystem::path& path, int channels, int& height,
                                      int& width);

/// Channels of an image file as stored (1 for grey PNG/JPEG, else 3).
int ImageChannels(const std::filesystem::path& path);

}  // namespace ctp::native
