// The .ctpshard writer: shards written from several threads, in order and out of order between
// threads, through O_DIRECT and each buffered fallback, are byte for byte the file computed here
// from the layout in docs/tiling.md; failed writes, missing and repeated patches and abandoned
// writers fail with their exact messages instead of hanging.
#include "patches/patch_shard.h"

#include <doctest/doctest.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tile_test_support.h"

namespace ctp::testing {
namespace {

using Image = kernels::tiling::Image<std::uint8_t>;

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The byte `offset` of patch `index`'s pixels (a pattern that differs between patches and rows).
std::uint8_t PixelByte(std::uint64_t index, std::uint64_t offset) {
  return static_cast<std::uint8_t>(index * 37 + offset * 11 + (offset >> 9) + (index >> 2));
}

// Patch `index` as a crop of a wider image (rows not back to back, as in the tile step's runs).
Image WidePatchImage(std::uint64_t index, int width, int height) {
  Image wide(width + 5, height, 3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width * 3; ++x)
      wide.pixels[static_cast<std::size_t>(y) * (width + 5) * 3 + 6 + x] =
          PixelByte(index, static_cast<std::uint64_t>(y) * width * 3 + x);
  return wide;
}

std::uint8_t LabelOf(std::uint64_t index) {
  return index % 3 == 0 ? native::kLabelPositive : index % 3 == 1 ? native::kLabelNone : 0;
}

template <typename T>
void PutBytes(std::string& out, std::size_t offset, T value) {
  std::memcpy(out.data() + offset, &value, sizeof value);
}

// The whole file for `count` patches of height x width x 3, computed from the documented layout.
std::string ExpectedShard(std::uint64_t count, int height, int width) {
  const std::uint64_t coords = (64 + count + 7) / 8 * 8;
  const std::uint64_t pixels = (coords + count * 8 + 4095) / 4096 * 4096;
  const std::uint64_t record = std::uint64_t(height) * width * 3;
  std::string file(pixels + count * record, '\0');
  std::memcpy(file.data(), "CTPSHARD", 8);
  PutBytes(file, 8, std::uint32_t{1});
  PutBytes(file, 12, std::uint32_t{64});
  PutBytes(file, 16, count);
  PutBytes(file, 24, std::uint32_t(height));
  PutBytes(file, 28, std::uint32_t(width));
  PutBytes(file, 32, std::uint32_t{3});
  PutBytes(file, 36, std::uint32_t{2});
  PutBytes(file, 40, std::uint64_t{64});
  PutBytes(file, 48, coords);
  PutBytes(file, 56, pixels);
  for (std::uint64_t i = 0; i < count; ++i) {
    file[64 + i] = static_cast<char>(LabelOf(i));
    PutBytes(file, coords + i * 8, std::int32_t(1000 + i));
    PutBytes(file, coords + i * 8 + 4, -std::int32_t(i));
    for (std::uint64_t b = 0; b < record; ++b)
      file[pixels + i * record + b] = static_cast<char>(PixelByte(i, b));
  }
  return file;
}

// Stores patches the tile step's way: `threads` threads take runs of 1-5 consecutive patches
// from a shared counter and store each run in order (so runs of different threads interleave).
void StoreFromThreads(native::PatchShardWriter& writer, std::uint64_t count, int height, int width,
                      int threads) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;
  std::mt19937 random(static_cast<unsigned>(count * 7 + threads));
  for (std::uint64_t begin = 0; begin < count;) {
    const std::uint64_t end = std::min(count, begin + 1 + random() % 5);
    runs.emplace_back(begin, end);
    begin = end;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t r = next++; r < runs.size(); r = next++)
      for (std::uint64_t i = runs[r].first; i < runs[r].second; ++i) {
        const Image wide = WidePatchImage(i, width, height);
        if (i % 3 == 0) std::this_thread::yield();
        writer.SetPatch(i, LabelOf(i), std::int32_t(1000 + i), -std::int32_t(i),
                        wide.View().Crop(2, 0, width, height));
      }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
}

// Small chunks so that records straddle chunks and larger records span several.
native::ChunkWriterOptions SmallChunks() {
  native::ChunkWriterOptions options;
  options.chunk_bytes = 8192;
  options.chunks = 2;
  return options;
}

struct Path {
  std::string name;
  native::ChunkWriterOptions options;
  bool direct_after;  // DirectWrites() once the shard is written
};

std::vector<Path> WritePaths() {
  std::vector<Path> paths(3, {"", SmallChunks(), false});
  paths[0] = {"O_DIRECT", SmallChunks(), true};
  paths[1].name = "buffered (O_DIRECT refused at open)";
  paths[1].options.direct = false;
  paths[2].name = "buffered after a refused direct write";
  paths[2].options.refuse_direct_writes = true;
  return paths;
}

fs::path Scratch(const std::string& name) {
  const fs::path root = fs::temp_directory_path() / "ctp-patch-shard-test";
  fs::create_directories(root);
  return root / name;
}

// The message a call throws ("" when it does not).
template <typename Call>
std::string ErrorOf(Call call) {
  try {
    call();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a shard written from several threads is byte for byte its documented layout") {
  // 192 B (one row block), 3,072 B and 12,288 B (= 3 x 4096) records, and 27,648 B records
  // larger than a chunk; 8 KiB chunks, so records straddle chunks whatever their size.
  const std::vector<std::pair<int, int>> sizes = {{8, 8}, {32, 32}, {64, 64}, {96, 96}};
  for (const Path& path : WritePaths())
    for (const auto& size : sizes)
      for (std::uint64_t count : {0, 1, 2, 37})
        for (int threads : {1, 2, 4}) {
          // Not structured bindings: CAPTURE's lambda cannot name one (Clang 14).
          const int height = size.first;
          const int width = size.second;
          CAPTURE(path.name);
          CAPTURE(height);
          CAPTURE(count);
          CAPTURE(threads);
          const fs::path file = Scratch("shard.ctpshard");
          native::PatchShardWriter writer(file, native::MakeShardHeader(count, height, width, 2),
                                          path.options);
          StoreFromThreads(writer, count, height, width, threads);
          writer.Close();
          const bool direct = writer.DirectWrites();
          if (path.direct_after && !direct && count > 1 && height >= 64)
            WARN_MESSAGE(false, "O_DIRECT refused in " << file.parent_path()
                                                       << ": the direct path ran buffered");
          else if (count > 1 && height >= 64)
            CHECK(direct == path.direct_after);
          REQUIRE(ReadBytes(file) == ExpectedShard(count, height, width));
          const native::PatchShard shard = native::ReadPatchShard(file);
          CHECK(shard.header.pixels_offset % 4096 == 0);
          CHECK(shard.labels.size() == count);
        }
}

TEST_CASE("RGBA patches are stored as RGB (alpha dropped)") {
  const fs::path file = Scratch("rgba.ctpshard");
  for (const Path& path : WritePaths()) {
    CAPTURE(path.name);
    native::PatchShardWriter writer(file, native::MakeShardHeader(3, 40, 40, 2), path.options);
    for (std::uint64_t i = 0; i < 3; ++i) {
      Image rgba(40, 40, 4, 99);
      for (std::uint64_t p = 0; p < 40 * 40; ++p)
        for (int c = 0; c < 3; ++c) rgba.pixels[p * 4 + c] = PixelByte(i, p * 3 + c);
      writer.SetPatch(i, LabelOf(i), std::int32_t(1000 + i), -std::int32_t(i), rgba.View());
    }
    writer.Close();
    CHECK(ReadBytes(file) == ExpectedShard(3, 40, 40));
  }
}

TEST_CASE("a failed pixel write is thrown as '<file>: write failed: File too large'") {
  const fs::path file = Scratch("too-large.ctpshard");
  for (const Path& path : WritePaths()) {
    CAPTURE(path.name);
    // 8 records of 12,288 B after a 4 KiB head; the file may not grow past two 8 KiB chunks.
    const auto header = native::MakeShardHeader(8, 64, 64, 2);
    REQUIRE(header.pixels_offset == 4096);
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved;
    limited.rlim_cur = 4096 + 2 * 8192;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
    std::string error;
    {
      native::PatchShardWriter writer(file, header, path.options);
      for (std::uint64_t i = 0; i < 8 && error.empty(); ++i) {
        const Image wide = WidePatchImage(i, 64, 64);
        error = ErrorOf([&] { writer.SetPatch(i, 0, 0, 0, wide.View().Crop(2, 0, 64, 64)); });
      }
      if (error.empty()) error = ErrorOf([&] { writer.Close(); });
    }
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &saved) == 0);
    std::signal(SIGXFSZ, previous_handler);
    CHECK(error == file.string() + ": write failed: File too large");
  }
}

TEST_CASE("a writer left unclosed stops without writing its head, even with a thread waiting") {
  const fs::path file = Scratch("unclosed.ctpshard");
  const auto header = native::MakeShardHeader(40, 64, 64, 2);
  {  // patch 0 never comes: the thread storing patches 1.. waits for the window, then gives up
    native::PatchShardWriter writer(file, header, SmallChunks());
    std::string waiting_error;
    std::thread later([&] {
      waiting_error = ErrorOf([&] {
        for (std::uint64_t i = 1; i < 40; ++i) {
          const Image wide = WidePatchImage(i, 64, 64);
          writer.SetPatch(i, 0, 0, 0, wide.View().Crop(2, 0, 64, 64));
        }
      });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    writer.Abandon();  // what the tile step does when the thread owning patch 0 fails
    later.join();
    CHECK(waiting_error == file.string() + ": abandoned after another failure");
  }
  CHECK(ReadBytes(file).substr(0, 8) != "CTPSHARD");
  {  // half the patches stored, then destroyed
    native::PatchShardWriter writer(file, header, SmallChunks());
    StoreFromThreads(writer, 20, 64, 64, 2);
  }
  CHECK(ReadBytes(file).size() < header.FileBytes());
}

TEST_CASE("a shard with a patch missing or stored twice is refused with the patch named") {
  const fs::path file = Scratch("incomplete.ctpshard");
  const Image patch(8, 8, 3, 7);
  {
    native::PatchShardWriter writer(file, native::MakeShardHeader(4, 8, 8, 0));
    for (std::uint64_t i = 0; i < 3; ++i) writer.SetPatch(i, 0, 0, 0, patch.View());
    CHECK(ErrorOf([&] { writer.Close(); }) == file.string() + ": 3 of 4 patches stored");
  }
  {
    native::PatchShardWriter writer(file, native::MakeShardHeader(4, 8, 8, 0));
    for (std::uint64_t i = 0; i < 3; ++i) writer.SetPatch(i, 0, 0, 0, patch.View());
    CHECK(ErrorOf([&] { writer.SetPatch(2, 0, 0, 0, patch.View()); }) ==
          file.string() + ": patch 2 stored twice");
  }
  fs::remove_all(file.parent_path());
}

TEST_CASE("a shard header that does not fit its file is refused before anything is allocated") {
  const fs::path file = Scratch("header.ctpshard");
  // 64 header bytes; labels, coordinates and pixels all at offset 64.
  auto write = [&](std::uint64_t count, std::uint32_t height, std::uint32_t width,
                   std::uint32_t channels) {
    std::string head = "CTPSHARD";
    auto put = [&](auto value) {
      head.append(reinterpret_cast<const char*>(&value), sizeof value);
    };
    put(std::uint32_t{1});   // version
    put(std::uint32_t{64});  // header bytes
    put(count);
    put(height);
    put(width);
    put(channels);
    put(std::uint32_t{0});  // level
    for (int section = 0; section < 3; ++section) put(std::uint64_t{64});
    std::ofstream(file, std::ios::binary) << head;
  };
  auto error = [&] { return ErrorOf([&] { native::ReadPatchShard(file); }); };
  write(std::uint64_t{1} << 61, 2, 4, 3);  // 2^61 patches of 24 bytes: 64 + 3 * 2^64 wraps to 64
  CHECK(error() == file.string() + ": file size does not match its header");
  write(0, 2, 4, 3);
  CHECK(error().empty());
  write(std::uint64_t{1} << 40, 0, 4, 3);  // patches of 0 bytes: 2^40 labels from 64 bytes
  CHECK(error() == file.string() +
                       ": unsupported patch shape 0x4x3 (height and width from 1 to "
                       "65535, 3 channels)");
  write(1, 8, 8, 4);
  CHECK(error() == file.string() +
                       ": unsupported patch shape 8x8x4 (height and width from 1 to "
                       "65535, 3 channels)");
  fs::remove_all(file.parent_path());
}

}  // namespace ctp::testing
