#include "data/dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "formats/idx.h"
#include "patches/patch_shard.h"

namespace ctp::native {
namespace fs = std::filesystem;
namespace {

bool IsImageFile(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

std::vector<fs::path> SortedEntries(const fs::path& folder, bool directories) {
  std::vector<fs::path> entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (directories ? entry.is_directory() : (entry.is_regular_file() && IsImageFile(entry.path())))
      entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

/// `<folder>/<stem>.gz` if present, else `<folder>/<stem>`, else empty.
fs::path FindIdx(const fs::path& folder, const std::string& stem) {
  for (const fs::path& candidate : {folder / (stem + ".gz"), folder / stem})
    if (fs::exists(candidate)) return candidate;
  return {};
}

/// Appends one decoded image; the first fixes the data set's size and channels.
void AppendImage(Dataset& set, const fs::path& file, int label) {
  if (set.size() == 0) set.channels = ImageChannels(file);
  int height = 0, width = 0;
  std::vector<std::uint8_t> pixels = DecodeImage(file, set.channels, height, width);
  if (set.size() == 0) {
    set.height = height;
    set.width = width;
  } else if (height != set.height || width != set.width) {
    throw std::runtime_error(file.string() + ": image is " + std::to_string(width) + "x" +
                             std::to_string(height) + ", the data set's first image is " +
                             std::to_string(set.width) + "x" + std::to_string(set.height));
  }
  set.pixels.insert(set.pixels.end(), pixels.begin(), pixels.end());
  set.labels.push_back(label);
  set.item_names.push_back(file.filename().string());
}

Dataset LoadImageFolder(const fs::path& folder, std::size_t limit) {
  Dataset set;
  std::vector<fs::path> classes = SortedEntries(folder, true);
  auto full = [&] { return limit > 0 && set.size() >= limit; };
  if (classes.empty()) {  // a flat folder of images: unlabelled
    for (const fs::path& file : SortedEntries(folder, false)) {
      if (full()) break;
      AppendImage(set, file, -1);
    }
  }
  for (std::size_t c = 0; c < classes.size(); ++c) {
    set.class_names.push_back(classes[c].filename().string());
    for (const fs::path& file : SortedEntries(classes[c], false)) {
      if (full()) break;
      AppendImage(set, file, int(c));
      set.item_names.back() = set.class_names.back() + "/" + set.item_names.back();
    }
  }
  if (set.size() == 0) throw std::runtime_error(folder.string() + ": no PNG or JPEG images found");
  return set;
}

bool IsShard(const fs::path& path) { return path.extension() == ".ctpshard"; }

/// Every `*.ctpshard` in `folder` (sorted), or `folder` itself when it is a shard file.
std::vector<fs::path> ShardFiles(const fs::path& folder) {
  if (IsShard(folder)) return {folder};
  std::vector<fs::path> files;
  if (!fs::is_directory(folder)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder))
    if (entry.is_regular_file() && IsShard(entry.path())) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

/// The tiling step's shards: NHWC patches to CHW, labels 0 negative / 1 positive / -1 none.
Dataset LoadShards(const std::vector<fs::path>& files, std::size_t limit) {
  Dataset set;
  set.class_names = {"negative", "positive"};
  for (const fs::path& file : files) {
    const PatchShard shard = ReadPatchShard(file);
    const ShardHeader& h = shard.header;
    if (set.size() == 0) {
      set.channels = int(h.channels);
      set.height = int(h.height);
      set.width = int(h.width);
    } else if (int(h.channels) != set.channels || int(h.height) != set.height ||
               int(h.width) != set.width) {
      throw std::runtime_error(file.string() + ": patch size differs from the first shard's");
    }
    const std::size_t plane = std::size_t(h.height) * h.width;
    for (std::size_t i = 0; i < h.count && !(limit > 0 && set.size() >= limit); ++i) {
      const std::uint8_t* hwc = shard.pixels.data() + i * plane * h.channels;
      for (std::uint32_t c = 0; c < h.channels; ++c)
        for (std::size_t p = 0; p < plane; ++p) set.pixels.push_back(hwc[p * h.channels + c]);
      set.labels.push_back(shard.labels[i] == kLabelNone ? -1 : int(shard.labels[i]));
      set.item_names.push_back(fmt::format("{}@{},{}", file.filename().string(), shard.coords[i][0],
                                           shard.coords[i][1]));
    }
  }
  return set;
}

}  // namespace

int Dataset::ClassCount() const {
  if (!class_names.empty()) return int(class_names.size());
  int largest = -1;
  for (int label : labels) largest = std::max(largest, label);
  return largest + 1;
}

Dataset LoadIdxDataset(const fs::path& images, const fs::path& labels) {
  IdxArray array = ReadIdx(images);
  if (array.dims.size() != 3 && array.dims.size() != 4)
    throw std::runtime_error(images.string() +
                             ": expected an IDX image array {N, H, W} or "
                             "{N, C, H, W}, got " +
                             std::to_string(array.dims.size()) + " dimensions");
  // Each item dimension from 1 to 65535, so the items' bytes bound their count by the file size.
  for (std::size_t d = 1; d < array.dims.size(); ++d)
    if (array.dims[d] < 1 || array.dims[d] > 65535)
      throw std::runtime_error(
          fmt::format("{}: IDX image dimensions ({}) must each be from 1 to 65535", images.string(),
                      fmt::join(array.dims.begin() + 1, array.dims.end(), "x")));
  Dataset set;
  const std::size_t count = array.dims[0];
  set.channels = array.dims.size() == 4 ? int(array.dims[1]) : 1;
  set.height = int(array.dims[array.dims.size() - 2]);
  set.width = int(array.dims.back());
  set.pixels = std::move(array.data);
  set.labels.assign(count, -1);
  if (!labels.empty()) {
    IdxArray label_array = ReadIdx(labels);
    if (label_array.dims.size() != 1 || label_array.dims[0] != count)
      throw std::runtime_error(labels.string() + ": expected " + std::to_string(count) +
                               " labels (one per image of " + images.string() + ")");
    std::copy(label_array.data.begin(), label_array.data.end(), set.labels.begin());
  }
  for (std::size_t i = 0; i < count; ++i) set.item_names.push_back("#" + std::to_string(i));
  return set;
}

Dataset LoadDataset(const DatasetSource& source) {
  const fs::path& data = source.data;
  if (!fs::exists(data)) throw std::runtime_error(data.string() + ": no such file or folder");
  Dataset set;
  const fs::path split_folder = data / source.split;
  for (const fs::path& folder : {data, split_folder}) {
    std::vector<fs::path> shards = ShardFiles(folder);
    if (!shards.empty()) return LoadShards(shards, source.limit);
  }
  if (!fs::is_directory(data)) {
    set = LoadIdxDataset(data, source.labels);
  } else if (fs::path images = FindIdx(data, source.split + "-images-idx3-ubyte");
             !images.empty()) {
    fs::path labels = FindIdx(data, source.split + "-labels-idx1-ubyte");
    if (labels.empty())
      throw std::runtime_error(data.string() + ": has " + images.filename().string() + " but no " +
                               source.split + "-labels-idx1-ubyte[.gz]");
    set = LoadIdxDataset(images, labels);
  } else {
    return LoadImageFolder(fs::is_directory(split_folder) ? split_folder : data, source.limit);
  }
  if (source.limit > 0 && source.limit < set.size()) {
    set.labels.resize(source.limit);
    set.item_names.resize(source.limit);
    set.pixels.resize(source.limit * set.ItemBytes());
  }
  return set;
}

}  // namespace ctp::native
