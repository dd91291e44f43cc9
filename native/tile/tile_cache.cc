#include "tile/tile_cache.h"

namespace ctp::native {

TileCache::TileCache(std::unordered_map<std::uint32_t, int> uses) : uses_(std::move(uses)) {}

int TileCache::Uses(std::uint32_t tile) const {
  const auto it = uses_.find(tile);
  return it == uses_.end() ? 0 : it->second;
}

std::shared_ptr<const std::vector<std::uint8_t>> TileCache::Acquire(
    std::uint32_t tile, const std::function<void(std::vector<std::uint8_t>&)>& decode) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    std::shared_ptr<Entry>& slot = entries_[tile];
    if (!slot) {
      slot = std::make_shared<Entry>();
      slot->remaining = Uses(tile);
    }
    entry = slot;
  }
  std::call_once(entry->decoded, [&] { decode(*entry->pixels); });
  return entry->pixels;
}

void TileCache::Release(std::uint32_t tile) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(tile);
  if (it != entries_.end() && --it->second->remaining <= 0) entries_.erase(it);
}

}  // namespace ctp::native
