// ctp_tile_read_floor SLIDE METADATA.json [THREADS] [--direct]: the decode floor of a tile run.
// Reads every patch listed in a preprocess-metadata/<slide>.json with openslide_read_region
// (one handle per thread, one read per patch, nothing converted or written), or with --direct
// through the tile step's direct JPEG tile reader (TiffJpegLevel, one per thread, one RGB read
// per patch), and prints {"patches", "seconds", "patches_per_second"} as JSON.
// bench/peers/tile_vs_reference.py runs it.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "slide/slide.h"
#include "slide/tiff_jpeg_level.h"

namespace {

/// One patch to read: level-0 top-left.
struct PatchAt {
  std::int64_t x = 0;        ///< Level-0 x.
  std::int64_t y = 0;        ///< Level-0 y.
  std::int64_t level_x = 0;  ///< x in pixels of the read level.
  std::int64_t level_y = 0;  ///< y in pixels of the read level.
};

/// Reads `patches` with `threads` workers (OpenSlide, or TiffJpegLevel when `direct`); returns
/// the wall seconds.
double ReadAll(const std::string& slide_path, const std::vector<PatchAt>& patches, int level,
               int size, int threads, bool direct) {
  std::atomic<std::size_t> next{0};
  const ctp::native::LevelSize level_size = ctp::native::Slide(slide_path).Size(level);
  if (direct) {  // here, not in a worker thread (an exception there would end the process)
    std::string why_not;
    if (!ctp::native::TiffJpegLevel::Open(slide_path, level, level_size.width, level_size.height,
                                          &why_not))
      throw std::runtime_error("--direct: " + why_not);
  }
  auto work = [&] {
    if (direct) {
      std::string why_not;
      auto reader = ctp::native::TiffJpegLevel::Open(slide_path, level, level_size.width,
                                                     level_size.height, &why_not);
      if (!reader) throw std::runtime_error("--direct: " + why_not);
      ctp::kernels::tiling::Image<std::uint8_t> rgb(size, size, 3);
      for (std::size_t i = next++; i < patches.size(); i = next++)
        reader->ReadRgb(patches[i].level_x, patches[i].level_y, rgb.View());
      return;
    }
    ctp::native::Slide slide(slide_path);
    std::vector<std::uint32_t> argb(static_cast<std::size_t>(size) * size);
    for (std::size_t i = next++; i < patches.size(); i = next++)
      slide.ReadArgb(patches[i].x, patches[i].y, level, size, size, argb.data());
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const bool direct = argc >= 2 && std::string(argv[argc - 1]) == "--direct";
  if (direct) --argc;
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s SLIDE METADATA.json [THREADS] [--direct]\n", argv[0]);
    return 2;
  }
  try {
    std::ifstream in(argv[2]);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot read", argv[2]));
    const nlohmann::json metadata = nlohmann::json::parse(in);
    std::vector<PatchAt> patches;
    const double downsample = metadata.at("downsample").get<double>();
    for (const auto& p : metadata.at("patches")) {
      const auto x = p.at("x").get<std::int64_t>(), y = p.at("y").get<std::int64_t>();
      // The plan's level position: level-0 x = floor(level_x * downsample).
      auto level_x = static_cast<std::int64_t>(static_cast<double>(x) / downsample);
      auto level_y = static_cast<std::int64_t>(static_cast<double>(y) / downsample);
      while (static_cast<std::int64_t>(static_cast<double>(level_x + 1) * downsample) <= x)
        ++level_x;
      while (static_cast<std::int64_t>(static_cast<double>(level_y + 1) * downsample) <= y)
        ++level_y;
      patches.push_back({x, y, level_x, level_y});
    }
    const int threads = argc == 4 ? std::stoi(argv[3]) : 1;
    const double seconds = ReadAll(argv[1], patches, metadata.at("level").get<int>(),
                                   metadata.at("patch_size").get<int>(), threads, direct);
    std::printf("%s\n", nlohmann::json{{"patches", patches.size()},
                                       {"threads", threads},
                                       {"reader", direct ? "direct" : "openslide"},
                                       {"seconds", seconds},
                                       {"patches_per_second", patches.size() / seconds}}
                            .dump()
                            .c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
