// Encoding one 256x256 RGB slide patch as the tile step writes it: PNG at zlib levels and row
// filters, and JPEG. Patches: 16 tissue patches of the JPEG pyramid sample slide, decoded with the
// direct reader. Counter `bytes`: mean encoded size. docs/tiling.md, "Measured".
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "formats/image_io.h"
#include "slide/tiff_jpeg_level.h"

namespace {

namespace native = ctp::native;
using ctp::kernels::tiling::Image;

/// 16 patches from the middle of the sample slide (tissue, like the step's kept patches).
const std::vector<Image<std::uint8_t>>& Patches() {
  static const std::vector<Image<std::uint8_t>> patches = [] {
    auto level = native::TiffJpegLevel::Open(
        CTP_SOURCE_DIR "/tests/native/testdata/slides/tcga-cr-7395-01a-01-ts1.jpeg-pyramid.svs", 0,
        4443, 3567);
    if (!level) throw std::runtime_error("cannot open the sample slide directly");
    std::vector<Image<std::uint8_t>> out;
    for (int i = 0; i < 16; ++i) {
      Image<std::uint8_t> patch(256, 256, 3);
      level->ReadRgb(1024 + (i % 4) * 256, 1024 + (i / 4) * 256, patch.View());
      out.push_back(std::move(patch));
    }
    return out;
  }();
  return patches;
}

/// Arg 0: zlib level; arg 1: filter (0 none, 1 sub, 2 up, 3 paeth).
void BM_EncodePng(benchmark::State& state) {
  const auto& patches = Patches();
  const auto filter = static_cast<native::PngFilter>(state.range(1));
  std::size_t i = 0, bytes = 0, count = 0;
  for (auto _ : state) {
    const std::string png = native::EncodePng(patches[i++ % patches.size()].View(),
                                              static_cast<int>(state.range(0)), filter);
    bytes += png.size();
    ++count;
  }
  state.counters["bytes"] = static_cast<double>(bytes) / static_cast<double>(count);
}
BENCHMARK(BM_EncodePng)->ArgsProduct({{0, 1, 3, 6}, {0, 1, 2, 3}})->Unit(benchmark::kMicrosecond);

/// Arg 0: quality.
void BM_EncodeJpeg(benchmark::State& state) {
  const auto& patches = Patches();
  std::size_t i = 0, bytes = 0, count = 0;
  for (auto _ : state) {
    const std::string jpeg =
        native::EncodeJpeg(patches[i++ % patches.size()].View(), static_cast<int>(state.range(0)));
    bytes += jpeg.size();
    ++count;
  }
  state.counters["bytes"] = static_cast<double>(bytes) / static_cast<double>(count);
}
BENCHMARK(BM_EncodeJpeg)->Arg(90)->Unit(benchmark::kMicrosecond);

}  // namespace
