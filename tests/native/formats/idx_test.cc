#include "formats/idx.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "data/dataset.h"

namespace {

namespace fs = std::filesystem;

std::string Header(std::uint8_t ndim, std::vector<std::uint32_t> dims) {
  std::string out{'\0', '\0', '\x08', char(ndim)};
  for (std::uint32_t d : dims)
    for (int b = 3; b >= 0; --b) out.push_back(char((d >> (8 * b)) & 0xff));
  return out;
}

std::string Images() {  // 3 images of 2×2
  std::string bytes = Header(3, {3, 2, 2});
  for (int i = 0; i < 12; ++i) bytes.push_back(char(i * 20));
  return bytes;
}

void WriteGzip(const fs::path& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  REQUIRE(file != nullptr);
  gzwrite(file, bytes.data(), unsigned(bytes.size()));
  gzclose(file);
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / "ctp-idx-test";
  TempDir() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("IDX: parses dims and bytes, raw or gzip") {
  TempDir dir;
  std::ofstream(dir.path / "raw-idx3-ubyte", std::ios::binary) << Images();
  WriteGzip(dir.path / "img.gz", Images());
  for (const char* name : {"raw-idx3-ubyte", "img.gz"}) {
    const ctp::native::IdxArray array = ctp::native::ReadIdx(dir.path / name);
    CHECK(array.dims == std::vector<std::uint32_t>{3, 2, 2});
    REQUIRE(array.data.size() == 12);
    CHECK(array.data[11] == 220);
  }
}

TEST_CASE("IDX: corrupt and truncated files give exact errors naming the file") {
  using ctp::native::ParseIdx;
  CHECK_THROWS_WITH(ParseIdx("\x01\x02", "a.idx"),
                    "a.idx: not an IDX file (expected magic 00 00 TYPE NDIM)");
  CHECK_THROWS_WITH(ParseIdx(std::string("\0\0\x0d\x01", 4), "a.idx"),
                    "a.idx: IDX element type 0x0d is not supported (only unsigned bytes, 0x08)");
  CHECK_THROWS_WITH(ParseIdx(Header(3, {3, 2, 2}).substr(0, 10), "a.idx"),
                    "a.idx: truncated IDX file: header needs 16 bytes, file has 10");
  CHECK_THROWS_WITH(ParseIdx(Images().substr(0, 20), "a.idx"),
                    "a.idx: truncated IDX file: expected 12 data bytes, found 4");
  CHECK_THROWS_WITH(ParseIdx(Images() + "xy", "a.idx"),
                    "a.idx: IDX file has 2 bytes after its data");
  // 2^31 x 2^31 x 4 bytes wraps to 0 in 64 bits: the file does not match an empty array.
  CHECK_THROWS_WITH(ParseIdx(Header(3, {1u << 31, 1u << 31, 4}), "a.idx"),
                    "a.idx: truncated IDX file: dimensions 2147483648x2147483648x4 need more data "
                    "bytes than any file holds");

  TempDir dir;
  const fs::path gz = dir.path / "t.gz";
  WriteGzip(gz, Images());
  std::string compressed;
  {
    std::ifstream in(gz, std::ios::binary);
    compressed.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(dir.path / "cut.gz", std::ios::binary)
      << compressed.substr(0, compressed.size() - 12);
  const std::string truncated = (dir.path / "cut.gz").string() + ": truncated gzip stream";
  CHECK_THROWS_WITH(ctp::native::ReadIdx(dir.path / "cut.gz"),
                    doctest::Contains(truncated.c_str()));
  std::string corrupt = compressed;
  corrupt[12] = char(corrupt[12] ^ 0x5a);
  corrupt[13] = char(corrupt[13] ^ 0xa5);
  std::ofstream(dir.path / "bad.gz", std::ios::binary) << corrupt;
  const std::string corrupted = (dir.path / "bad.gz").string() + ": corrupt gzip stream";
  CHECK_THROWS_WITH(ctp::native::ReadIdx(dir.path / "bad.gz"),
                    doctest::Contains(corrupted.c_str()));
  const std::string missing = (dir.path / "missing").string() + ": cannot open";
  CHECK_THROWS_WITH(ctp::native::ReadIdx(dir.path / "missing"), missing.c_str());
  const std::string folder = dir.path.string() + ": not a regular file";
  CHECK_THROWS_WITH(ctp::native::ReadIdx(dir.path), folder.c_str());
}

TEST_CASE("IDX: a file larger than its header declares is refused before it is read whole") {
  TempDir dir;
  std::ofstream(dir.path / "raw", std::ios::binary) << Images() + "xy";
  const std::string raw = (dir.path / "raw").string() + ": IDX file has 2 bytes after its data";
  CHECK_THROWS_WITH(ctp::native::ReadIdx(dir.path / "raw"), raw.c_str());
  // A gzip bomb: 12 bytes of images declared, 64 MiB of zeros inflated after them. Inflating
  // stops at the first chunk beyond the declared size.
  WriteGzip(dir.path / "bomb.gz", Images() + std::string(std::size_t{64} << 20, '\0'));
  const std::string bomb = (dir.path / "bomb.gz").string() +
                           ": IDX file has bytes after its data (its dimensions 3x2x2 need 12 bytes)";
  CHECK_THROWS_WITH(ctp::native::ReadIdx(dir.path / "bomb.gz"), bomb.c_str());
  WriteGzip(dir.path / "text.gz", "hello, not IDX");
  const std::string text =
      (dir.path / "text.gz").string() + ": not an IDX file (expected magic 00 00 TYPE NDIM)";
  CHECK_THROWS_WITH(ctp::native::ReadIdx(dir.path / "text.gz"), text.c_str());
}

TEST_CASE("IDX data set: images and labels must agree") {
  TempDir dir;
  std::ofstream(dir.path / "train-images-idx3-ubyte", std::ios::binary) << Images();
  std::string labels = Header(1, {3}) + std::string{'\x01', '\x00', '\x02'};
  std::ofstream(dir.path / "train-labels-idx1-ubyte", std::ios::binary) << labels;
  const ctp::native::Dataset set = ctp::native::LoadDataset({dir.path, "train", {}, 0});
  CHECK(set.size() == 3);
  CHECK(set.labels == std::vector<int>{1, 0, 2});
  CHECK(set.ClassCount() == 3);
  std::ofstream(dir.path / "train-labels-idx1-ubyte", std::ios::binary) << Header(1, {2}) << "ab";
  const std::string expected = (dir.path / "train-labels-idx1-ubyte").string() +
                               ": expected 3 labels (one per image of " +
                               (dir.path / "train-images-idx3-ubyte").string() + ")";
  CHECK_THROWS_WITH(ctp::native::LoadDataset({dir.path, "train", {}, 0}), expected.c_str());
}

TEST_CASE("IDX data set: an image side of 0 is refused (4 billion empty images took 16 GiB)") {
  TempDir dir;
  const fs::path images = dir.path / "images-idx3-ubyte";
  std::ofstream(images, std::ios::binary) << Header(3, {0xffffffff, 0, 28});
  const std::string expected =
      images.string() + ": IDX image dimensions (0x28) must each be from 1 to 65535";
  CHECK_THROWS_WITH(ctp::native::LoadDataset({images, "train", {}, 0}), expected.c_str());
  std::ofstream(images, std::ios::binary) << Header(4, {1, 70000, 1, 1}) << std::string(70000, 'x');
  CHECK_THROWS_WITH(ctp::native::LoadDataset({images, "train", {}, 0}),
                    doctest::Contains("(70000x1x1) must each be from 1 to 65535"));
}
