// A patch shard (.ctpshard, native/patches), as the predict step reads it (ReadPatchShard) and
// as the train and evaluate steps load it as a data set (LoadDataset of a shard file).
#include <cstddef>
#include <cstdint>

#include "data/dataset.h"
#include "fuzz_support.h"
#include "patches/patch_shard.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = ctp::fuzz::WriteInput("slide.ctpshard", ctp::fuzz::Text(data, size));
  ctp::fuzz::RefusalsAllowed([&] { ctp::native::ReadPatchShard(path); }, path.string());
  ctp::fuzz::RefusalsAllowed(
      [&] {
        ctp::native::DatasetSource source;
        source.data = path;
        const ctp::native::Dataset set = ctp::native::LoadDataset(source);
        if (set.pixels.size() != set.size() * set.ItemBytes()) __builtin_trap();
      },
      path.string());
  return 0;
}
