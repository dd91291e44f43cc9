// WriteFileAtomically: regular files replaced whole, symbolic links followed, FIFOs and devices
// written to.
#include "ctp/base/atomic_file.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "validators.h"

namespace fs = std::filesystem;
using ctp::base::WriteFileAtomically;

namespace {

using Scratch = ctp::testing::TempDir;

std::string Text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t Entries(const fs::path& dir) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("atomic file: written whole, parent folders created, no temporary file left") {
  Scratch scratch("atomic_file");
  const fs::path file = scratch.path / "a" / "b" / "workflow.yaml";
  WriteFileAtomically(file, "first\n");
  WriteFileAtomically(file, "second\n");
  CHECK(Text(file) == "second\n");
  CHECK(Entries(file.parent_path()) == 1);
  CHECK((fs::status(file).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
         fs::perms::others_read));
}

TEST_CASE("atomic file: a symbolic link is followed, its target replaced, the link kept") {
  Scratch scratch("atomic_file");
  fs::create_directories(scratch.path / "real");
  const fs::path target = scratch.path / "real" / "workflow.yaml";
  WriteFileAtomically(target, "old\n");
  fs::create_symlink("real/workflow.yaml", scratch.path / "link.yaml");
  fs::create_symlink("link.yaml", scratch.path / "link2.yaml");  // a chain of two
  WriteFileAtomically(scratch.path / "link2.yaml", "new\n");
  CHECK(fs::is_symlink(fs::symlink_status(scratch.path / "link2.yaml")));
  CHECK(fs::is_symlink(fs::symlink_status(scratch.path / "link.yaml")));
  CHECK(Text(target) == "new\n");
  CHECK(Entries(scratch.path / "real") == 1);

  fs::create_symlink("real/missing.yaml", scratch.path / "dangling.yaml");
  WriteFileAtomically(scratch.path / "dangling.yaml", "made\n");
  CHECK(fs::is_symlink(fs::symlink_status(scratch.path / "dangling.yaml")));
  CHECK(Text(scratch.path / "real" / "missing.yaml") == "made\n");
}

TEST_CASE("atomic file: a FIFO (like a device) is written to, never replaced by a regular file") {
  Scratch scratch("atomic_file");
  const fs::path fifo = scratch.path / "out.yaml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // so the writer can open it
  REQUIRE(reader >= 0);
  WriteFileAtomically(fifo, "through the pipe\n");
  char buffer[64] = {};
  const ssize_t got = ::read(reader, buffer, sizeof(buffer));
  ::close(reader);
  CHECK(std::string(buffer, got > 0 ? static_cast<std::size_t>(got) : 0) == "through the pipe\n");
  CHECK(fs::is_fifo(fs::symlink_status(fifo)));
  CHECK(Entries(scratch.path) == 1);
}
