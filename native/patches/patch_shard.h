// The packed patch shard (.ctpshard): one file per slide with every patch as raw uint8 NHWC
// pixels plus labels and coordinates, so a trainer reads patches without decoding images.
// Layout (little-endian, documented in docs/tiling.md):
//   0  char[8]  magic "CTPSHARD"        8  u32 version (1)      12 u32 header_bytes (64)
//   16 u64 count                        24 u32 height           28 u32 width
//   32 u32 channels (3)                 36 u32 level
//   40 u64 labels_offset                48 u64 coords_offset    56 u64 pixels_offset
//   labels: u8[count] (1 positive, 0 negative, 255 unlabelled)
//   coords: i32[count][2] (level-0 x, y of each patch's top-left), 8-byte aligned
//   pixels: u8[count][height][width][channels], 4096-byte aligned (so they can be written with
//           O_DIRECT; shards written before are 64-byte aligned, and readers take pixels_offset)
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ctp/kernels/tiling/image_view.h"
#include "patches/ordered_chunk_writer.h"

namespace ctp::native {

/// The shard's magic bytes.
inline constexpr std::array<char, 8> kShardMagic = {'C', 'T', 'P', 'S', 'H', 'A', 'R', 'D'};
/// The format version this code writes and reads.
inline constexpr std::uint32_t kShardVersion = 1;
/// Label byte of a patch inside a positive region.
inline constexpr std::uint8_t kLabelPositive = 1;
/// Label byte of a patch inside a negative region.
inline constexpr std::uint8_t kLabelNegative = 0;
/// Label byte of a patch outside every region.
inline constexpr std::uint8_t kLabelNone = 255;

/// The fixed part of a shard.
struct ShardHeader {
  std::uint64_t count = 0;          ///< Patches.
  std::uint32_t height = 0;         ///< Rows per patch.
  std::uint32_t width = 0;          ///< Pixels per row.
  std::uint32_t channels = 3;       ///< Values per pixel (RGB).
  std::uint32_t level = 0;          ///< Slide level the patches were read at.
  std::uint64_t labels_offset = 0;  ///< File offset of the labels.
  std::uint64_t coords_offset = 0;  ///< File offset of the coordinates.
  std::uint64_t pixels_offset = 0;  ///< File offset of the pixels.

  /// Bytes of one patch's pixels.
  std::uint64_t PatchBytes() const { return std::uint64_t{height} * width * channels; }
  /// Total file size.
  std::uint64_t FileBytes() const { return pixels_offset + count * PatchBytes(); }
};

/// The header of a shard of `count` patches of height x width x 3, offsets filled in.
ShardHeader MakeShardHeader(std::uint64_t count, int height, int width, int level);

/// Writes a shard whose patch count is known up front. The pixels go to the file in order,
/// in large chunks, with O_DIRECT where possible (OrderedChunkWriter); labels, coordinates and
/// the header are written at Close. SetPatch may be called from several threads at once, each
/// storing its patches in increasing index order, the lowest patch not yet stored always being
/// some thread's next (the tile step's workers: runs taken from a shared counter). Throws
/// std::runtime_error naming the file.
class PatchShardWriter {
 public:
  /// Creates (truncates) `path`; `options` choose the pixel chunks and how they are written.
  PatchShardWriter(const std::filesystem::path& path, const ShardHeader& header,
                   ChunkWriterOptions options = {});
  /// Stops the pixel writer and closes the file without writing more (a failed slide).
  ~PatchShardWriter();
  PatchShardWriter(const PatchShardWriter&) = delete;
  PatchShardWriter& operator=(const PatchShardWriter&) = delete;

  /// Stores patch `index` (once): its label, level-0 top-left and RGB/RGBA pixels (alpha
  /// dropped). May wait for earlier patches; throws a failed pixel write's error.
  void SetPatch(std::uint64_t index, std::uint8_t label, std::int32_t x, std::int32_t y,
                kernels::tiling::ConstImageU8 patch);
  /// Makes SetPatch calls (waiting or later) throw: call it when a thread fails, since the
  /// patches it would have stored never come.
  void Abandon();
  /// Whether the pixels still go to the file with O_DIRECT.
  bool DirectWrites() const;
  /// Waits for the pixels, writes the header, labels and coordinates, and closes the file;
  /// throws when a patch was not stored or a write failed.
  void Close();

 private:
  void WriteAt(std::uint64_t offset, const void* data, std::size_t bytes);
  std::filesystem::path path_;
  ShardHeader header_;
  int fd_ = -1;                                 // buffered: header, labels, coordinates
  std::unique_ptr<OrderedChunkWriter> pixels_;  // the pixel region
  std::vector<std::uint8_t> labels_;            // per patch, written at Close
  std::vector<std::int32_t> coords_;            // x, y per patch, likewise
  std::vector<std::uint8_t> stored_;            // 1 once the patch is stored (atomic_ref)
};

/// A whole shard in memory.
struct PatchShard {
  ShardHeader header;                               ///< Shape and offsets.
  std::vector<std::uint8_t> labels;                 ///< count labels.
  std::vector<std::array<std::int32_t, 2>> coords;  ///< count level-0 (x, y).
  std::vector<std::uint8_t> pixels;                 ///< count * height * width * channels.
};

/// Reads and validates a shard; throws std::runtime_error naming the file.
PatchShard ReadPatchShard(const std::filesystem::path& path);

}  // namespace ctp::native
