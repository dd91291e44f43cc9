// The names of the atomic writers' temporary entries and the removal of stale ones: only those
// names, only older than the limit, a folder only when it holds nothing but files, no symbolic
// link followed, no recursion.
#include "ctp/base/temporary_entries.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "validators.h"

namespace fs = std::filesystem;
using ctp::base::IsTemporaryFileName;
using ctp::base::IsTemporaryFolderName;
using ctp::base::RemoveStaleTemporaries;

namespace {

timespec Now() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return now;
}

// Sets the modification time of `path` (a symbolic link itself, not its target) `seconds` from now.
void Age(const fs::path& path, int seconds) {
  timespec when = Now();
  when.tv_sec += seconds;
  const timespec times[2] = {when, when};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// A file with `text`, last modified `seconds` from now.
fs::path File(const fs::path& path, int seconds, const std::string& text = "x") {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  Age(path, seconds);
  return path;
}

}  // namespace

TEST_CASE("temporary names: the writers' names and nothing else") {
  CHECK(ctp::base::TemporaryFileTemplate("/d/model.json") == "/d/model.json.tmp-XXXXXX");
  CHECK(IsTemporaryFileName("model.json.tmp-XXXXXX"));
  CHECK(IsTemporaryFileName("preprocess-checkpoint.json.tmp-9zrgSE"));
  CHECK_FALSE(IsTemporaryFileName("model.json.tmp-9zrgS"));    // five characters
  CHECK_FALSE(IsTemporaryFileName("model.json.tmp-9zrgSEx"));  // seven
  CHECK_FALSE(IsTemporaryFileName("model.json.tmp-9zr_SE"));
  CHECK_FALSE(IsTemporaryFileName(".tmp-9zrgSE"));  // nothing before the marker
  CHECK_FALSE(IsTemporaryFileName("model.json"));

  const fs::path folder = ctp::base::TemporaryFolderFor("/d/model/20261207-101010");
  CHECK(folder == fs::path("/d/model/.tmp-20261207-101010-" + std::to_string(::getpid())));
  CHECK(IsTemporaryFolderName(folder.filename().string()));
  CHECK(IsTemporaryFolderName(".tmp-20261207-101010-2-123"));
  CHECK_FALSE(IsTemporaryFolderName(".tmp-notes"));
  CHECK_FALSE(IsTemporaryFolderName(".tmp--123"));
  CHECK_FALSE(IsTemporaryFolderName(".tmp-20261207-101010-12a"));
  CHECK_FALSE(IsTemporaryFolderName("tmp-20261207-101010-123"));
}

TEST_CASE("stale temporaries: removed when older than the limit, everything else kept") {
  ctp::testing::TempDir scratch("temporary_entries");
  const fs::path root = scratch.path / "model";
  const fs::path outside = scratch.path / "outside";
  const int old = -3600, recent = 3600;  // modified an hour before the limit, an hour after

  const fs::path stale_file = File(root / "model.json.tmp-aB3dE6", old);
  const fs::path stale_folder = root / ".tmp-20261207-101010-42";
  File(stale_folder / "model.safetensors", old);
  File(stale_folder / "model.json.tmp-Zz9Yy8", old);
  Age(stale_folder, old);

  std::vector<fs::path> kept = {File(root / "metrics.json.tmp-aB3dE7", recent)};
  const fs::path written_to = root / ".tmp-20261207-101011-43";  // a file still being written
  kept.push_back(File(written_to / "model.json", recent));
  Age(written_to, old);
  const fs::path holding = root / ".tmp-20261207-101012-44";  // not only files: not ours
  fs::create_directories(holding / "inside");
  kept.push_back(File(holding / "model.json", old));
  Age(holding / "inside", old);
  Age(holding, old);
  const fs::path with_link = root / ".tmp-20261207-101013-45";
  fs::create_directories(with_link);
  fs::create_symlink(File(outside / "target.json", old), with_link / "model.json");
  Age(with_link / "model.json", old);
  Age(with_link, old);
  kept.push_back(with_link / "model.json");
  // Symbolic links named as temporaries: neither removed nor followed.
  fs::create_symlink(File(outside / "kept.json", old), root / "link.json.tmp-aB3dE8");
  Age(root / "link.json.tmp-aB3dE8", old);
  kept.push_back(root / "link.json.tmp-aB3dE8");
  fs::create_directories(outside / "folder");
  File(outside / "folder" / "model.json", old);
  Age(outside / "folder", old);
  fs::create_directory_symlink(outside / "folder", root / ".tmp-20261207-101014-46");
  Age(root / ".tmp-20261207-101014-46", old);
  kept.push_back(outside / "folder" / "model.json");
  // Other names, a folder under a file's name, and temporaries one folder down.
  kept.push_back(File(root / "notes.tmp-12345", old));
  kept.push_back(File(root / "20261207-101010" / "model.json", old));
  kept.push_back(File(root / "20261207-101010" / "model.json.tmp-aB3dE9", old));
  fs::create_directories(root / "dir.tmp-aB3dEa");
  Age(root / "dir.tmp-aB3dEa", old);
  kept.push_back(root / "dir.tmp-aB3dEa");
  kept.push_back(File(root / ".tmp-notes" / "a", old));

  std::vector<fs::path> removed = RemoveStaleTemporaries(root, Now());
  std::sort(removed.begin(), removed.end());
  CHECK(removed == std::vector<fs::path>{root / ".tmp-20261207-101010-42", stale_file});
  CHECK_FALSE(fs::exists(stale_file));
  CHECK_FALSE(fs::exists(stale_folder));
  for (const fs::path& path : kept)
    CHECK_MESSAGE(fs::exists(fs::symlink_status(path)), path.string());
  CHECK(fs::exists(outside / "target.json"));
  CHECK(fs::exists(outside / "kept.json"));

  CHECK(RemoveStaleTemporaries(scratch.path / "missing", Now()).empty());
}
