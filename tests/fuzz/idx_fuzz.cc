// An IDX file (MNIST's format, gzip-compressed or raw), as the train and evaluate steps load an
// IDX images file as a data set (LoadDataset: ReadIdx, then the {N, H, W} or {N, C, H, W} shape).
#include <cstddef>
#include <cstdint>

#include "data/dataset.h"
#include "formats/idx.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = ctp::fuzz::WriteInput("images-idx3-ubyte", ctp::fuzz::Text(data, size));
  ctp::fuzz::RefusalsAllowed([&] { ctp::native::ReadIdx(path); }, path.string());
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
