// Decoded JPEG tiles shared by the worker threads of one slide: a tile that several reads need
// (patch rows straddling a tile row, e.g. 256-pixel patches on Aperio's 240-pixel tiles) is
// decoded once, by whichever worker asks first, and freed after its last announced use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ctp::native {

/// The tiles of one level that more than one read will use, with their remaining uses.
class TileCache {
 public:
  /// `uses[tile]`: how many reads will need each tile (tile = row * tiles across + column).
  explicit TileCache(std::unordered_map<std::uint32_t, int> uses);

  /// How many reads were announced for `tile` (0 when none).
  int Uses(std::uint32_t tile) const;

  /// The decoded pixels of `tile`; the first caller runs `decode(buffer)` (others wait for it;
  /// when it throws, the next caller tries again). Each call must be paired with Release.
  std::shared_ptr<const std::vector<std::uint8_t>> Acquire(
      std::uint32_t tile, const std::function<void(std::vector<std::uint8_t>&)>& decode);

  /// One announced use of `tile` is done; after the last one its pixels are freed.
  void Release(std::uint32_t tile);

 private:
  struct Entry {
    std::once_flag decoded;
    std::shared_ptr<std::vector<std::uint8_t>> pixels =
        std::make_shared<std::vector<std::uint8_t>>();
    int remaining = 0;
  };
  std::unordered_map<std::uint32_t, int> uses_;
  std::mutex mutex_;
  std::unordered_map<std::uint32_t, std::shared_ptr<Entry>> entries_;
};

}  // namespace ctp::native
