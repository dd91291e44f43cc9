// ReadInputFile: regular files of bounded size, read whole; everything else refused with a reason.
#include "ctp/base/input_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using ctp::base::InputFileError;
using ctp::base::ReadInputFile;

namespace {

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("ctp-input-file-" + std::to_string(::getpid()));
  Scratch() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  fs::path Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  }
};

std::string ReasonOf(const fs::path& path, std::size_t max_bytes = ctp::base::kMaxInputFileBytes) {
  try {
    ReadInputFile(path, max_bytes);
  } catch (const InputFileError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("input file: a regular file is read whole, bytes as they are, symlinks followed") {
  Scratch scratch;
  const std::string bytes("a\0b\nc\xff", 6);
  const fs::path file = scratch.Write("script.lua", bytes);
  CHECK(ReadInputFile(file) == bytes);
  fs::create_symlink(file, scratch.dir / "link.lua");
  CHECK(ReadInputFile(scratch.dir / "link.lua") == bytes);
  CHECK(ReadInputFile(scratch.Write("empty.lua", "")) == "");
  CHECK(ReadInputFile(file, 6) == bytes);  // exactly the limit
}

TEST_CASE("input file: missing files, folders, devices, FIFOs and large files are refused") {
  Scratch scratch;
  CHECK(ReasonOf(scratch.dir / "missing.lua") == "No such file or directory");
  CHECK(ReasonOf(scratch.dir) == "it is a directory");
  CHECK(ReasonOf("/dev/zero") == "it is not a regular file");
  const fs::path fifo = scratch.dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(ReasonOf(fifo) == "it is not a regular file");  // no writer: refused, not waited for
  CHECK(ReasonOf(scratch.Write("big.yaml", std::string(7, 'x')), 6) ==
        "it is larger than 6 bytes");
  CHECK(ReasonOf(scratch.Write("huge.yaml", "x"), 0) == "it is larger than 0 MiB");
}
