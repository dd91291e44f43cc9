// ctp_tile_read_floor SLIDE METADATA.json [THREADS]: the OpenSlide decode floor of a tile run.
// Reads every patch listed in a preprocess-metadata/<slide>.json with openslide_read_region
// (one handle per thread, one read per patch, nothing converted or written) and prints
// {"patches", "seconds", "patches_per_second"} as JSON. bench/peers/tile_vs_reference.py runs it.
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

#include "../../stdlib/native/slide.h"

namespace {

/// One patch to read: level-0 top-left.
struct PatchAt {
  std::int64_t x = 0;  ///< Level-0 x.
  std::int64_t y = 0;  ///< Level-0 y.
};

/// Reads `patches` with `threads` workers; returns the wall seconds.
double ReadAll(const std::string& slide_path, const std::vector<PatchAt>& patches, int level,
               int size, int threads) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
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
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s SLIDE METADATA.json [THREADS]\n", argv[0]);
    return 2;
  }
  try {
    std::ifstream in(argv[2]);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot read", argv[2]));
    const nlohmann::json metadata = nlohmann::json::parse(in);
    std::vector<PatchAt> patches;
    for (const auto& p : metadata.at("patches"))
      patches.push_back({p.at("x").get<std::int64_t>(), p.at("y").get<std::int64_t>()});
    const int threads = argc == 4 ? std::stoi(argv[3]) : 1;
    const double seconds = ReadAll(argv[1], patches, metadata.at("level").get<int>(),
                                   metadata.at("patch_size").get<int>(), threads);
    std::printf("%s\n", nlohmann::json{{"patches", patches.size()},
                                       {"threads", threads},
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
