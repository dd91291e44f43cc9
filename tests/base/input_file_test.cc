// ReadInputFile: regular files of bounded size, read whole; everything else refused with a reason.
#include "ctp/base/input_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "validators.h"

namespace fs = std::filesystem;
using ctp::base::InputFileError;
using ctp::base::ReadInputFile;

namespace {

using Scratch = ctp::testing::TempDir;

fs::path WriteIn(const Scratch& scratch, const std::string& name, const std::string& text) {
  std::ofstream(scratch.path / name, std::ios::binary) << text;
  return scratch.path / name;
}

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
  Scratch scratch("input_file");
  const std::string bytes("a\0b\nc\xff", 6);
  const fs::path file = WriteIn(scratch, "script.lua", bytes);
  CHECK(ReadInputFile(file) == bytes);
  fs::create_symlink(file, scratch.path / "link.lua");
  CHECK(ReadInputFile(scratch.path / "link.lua") == bytes);
  CHECK(ReadInputFile(WriteIn(scratch, "empty.lua", "")) == "");
  CHECK(ReadInputFile(file, 6) == bytes);  // exactly the limit
}

TEST_CASE("input file: missing files, folders, devices, FIFOs and large files are refused") {
  Scratch scratch("input_file");
  CHECK(ReasonOf(scratch.path / "missing.lua") == "No such file or directory");
  CHECK(ReasonOf(scratch.path) == "it is a directory");
  CHECK(ReasonOf("/dev/zero") == "it is not a regular file");
  const fs::path fifo = scratch.path / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(ReasonOf(fifo) == "it is not a regular file");  // no writer: refused, not waited for
  CHECK(ReasonOf(WriteIn(scratch, "big.yaml", std::string(7, 'x')), 6) ==
        "it is larger than 6 bytes");
  CHECK(ReasonOf(WriteIn(scratch, "huge.yaml", "x"), 0) == "it is larger than 0 MiB");
}
