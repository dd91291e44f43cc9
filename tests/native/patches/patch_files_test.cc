// Placing per-patch files: straight under final names, shared bytes as hard links (another copy
// past the link limit), existing names staged until commit, writes and renames that fail, and
// nothing of a failed slide left behind; plus the tile step's failed retiling keeping the
// previous outputs.
#include "patches/patch_files.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tile_test_support.h"

namespace ctp::testing {
namespace {

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct stat StatOf(const fs::path& path) {
  struct stat info {};
  REQUIRE_MESSAGE(::stat(path.c_str(), &info) == 0, path.string());
  return info;
}

// The four ways of placing files: the preferred one and each fallback a file system can force.
native::PatchFileMethods MethodsOfThisSubcase() {
  native::PatchFileMethods methods;
  SUBCASE("O_TMPFILE, hard links") {}
  SUBCASE("staged and renamed, hard links") { methods.unnamed_files = false; }
  SUBCASE("O_TMPFILE, bytes per file") { methods.hard_links = false; }
  SUBCASE("staged and renamed, bytes per file") {
    methods.unnamed_files = false;
    methods.hard_links = false;
  }
  return methods;
}

/// Files limited to `bytes` (RLIMIT_FSIZE, SIGXFSZ ignored) so a longer write fails with EFBIG;
/// the limit and the signal's disposition are restored on scope exit.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved_limit_) == 0);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    REQUIRE(::sigaction(SIGXFSZ, &ignore, &saved_action_) == 0);
    rlimit lowered = saved_limit_;
    lowered.rlim_cur = bytes;
    if (::setrlimit(RLIMIT_FSIZE, &lowered) != 0) {
      ::sigaction(SIGXFSZ, &saved_action_, nullptr);
      FAIL("setrlimit(RLIMIT_FSIZE) failed");
    }
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_limit_);
    ::sigaction(SIGXFSZ, &saved_action_, nullptr);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_limit_{};
  struct sigaction saved_action_ {};
};

/// The message of the error `action` throws while files are limited to `bytes` ("" if none).
template <typename Action>
std::string ErrorUnderFileSizeLimit(rlim_t bytes, Action action) {
  FileSizeLimit limit(bytes);
  try {
    action();
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

/// Names of the regular files directly in `dir`, sorted.
std::set<std::string> FileNames(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) names.insert(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("patch files: final names, hard links for shared bytes, removed unless committed") {
  const native::PatchFileMethods methods = MethodsOfThisSubcase();
  ScratchRoot data("patch-files");
  const fs::path final_dir = data.root / "image", staging = data.root / "staging";
  {
    native::PatchFiles files(final_dir, staging, methods);
    const std::size_t zeros = files.AddShared("all-zero mask");
    files.Write("a.png", "image a");
    files.Link("b.png", zeros);
    files.Link("c.png", zeros);
    // Visible under their final names before the commit, complete.
    CHECK(ReadText(final_dir / "a.png") == "image a");
    CHECK(ReadText(final_dir / "b.png") == "all-zero mask");
    CHECK(ReadText(final_dir / "c.png") == "all-zero mask");
    if (methods.hard_links) {
      // One inode for the shared bytes (its source in staging + the two names).
      CHECK(StatOf(final_dir / "b.png").st_ino == StatOf(final_dir / "c.png").st_ino);
      CHECK(StatOf(final_dir / "c.png").st_nlink == 3);
    } else {
      CHECK(StatOf(final_dir / "b.png").st_ino != StatOf(final_dir / "c.png").st_ino);
      CHECK(StatOf(final_dir / "c.png").st_nlink == 1);
    }
    CHECK(CountFiles(final_dir) == 3);
    CHECK(files.Names().size() == 3);
  }  // not committed: a failed slide
  CHECK(CountFiles(final_dir) == 0);

  {
    native::PatchFiles files(final_dir, staging, methods);
    files.Write("a.png", "image a");
    files.Link("b.png", files.AddShared("mask"));
    files.Commit();
  }
  fs::remove_all(staging);
  CHECK(ReadText(final_dir / "a.png") == "image a");
  CHECK(ReadText(final_dir / "b.png") == "mask");
  CHECK(StatOf(final_dir / "b.png").st_nlink == 1);  // the source went with the staging folder
}

TEST_CASE("patch files: an existing name is replaced only at commit, and kept on failure") {
  const native::PatchFileMethods methods = MethodsOfThisSubcase();
  ScratchRoot data("patch-files-existing");
  const fs::path final_dir = data.root / "image", staging = data.root / "staging";
  fs::create_directories(final_dir);
  std::ofstream(final_dir / "old.png") << "previous run";
  std::ofstream(final_dir / "mask.png") << "previous mask";
  {
    native::PatchFiles files(final_dir, staging, methods);
    files.Write("old.png", "this run");
    files.Link("mask.png", files.AddShared("new mask"));
    files.Write("new.png", "new patch");
    CHECK(ReadText(final_dir / "old.png") == "previous run");
    CHECK(ReadText(final_dir / "mask.png") == "previous mask");
  }
  CHECK(ReadText(final_dir / "old.png") == "previous run");
  CHECK(ReadText(final_dir / "mask.png") == "previous mask");
  CHECK(!fs::exists(final_dir / "new.png"));
  fs::remove_all(staging);
  {
    native::PatchFiles files(final_dir, staging, methods);
    files.Write("old.png", "this run");
    files.Link("mask.png", files.AddShared("new mask"));
    files.Commit();
  }
  CHECK(ReadText(final_dir / "old.png") == "this run");
  CHECK(ReadText(final_dir / "mask.png") == "new mask");
}

TEST_CASE("patch files: a folder that cannot be written is named") {
  ScratchRoot data("patch-files-unwritable");
  std::ofstream(data.root / "file") << "not a folder";
  CHECK_THROWS_WITH_AS(native::PatchFiles(data.root / "file" / "image", data.root / "staging"),
                       doctest::Contains((data.root / "file").c_str()), fs::filesystem_error);
}

TEST_CASE("patch files: past the link limit another copy of the shared bytes is started") {
  native::PatchFileMethods methods = MethodsOfThisSubcase();
  methods.max_links = 3;  // per copy: its source in staging and two final names
  ScratchRoot data("patch-files-link-limit");
  const fs::path final_dir = data.root / "image", staging = data.root / "staging";
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back(fmt::format("mask-{}.png", i));
  // Link counts and distinct inodes of `names`, which must all hold `bytes`.
  auto inodes_of = [&](const std::vector<std::string>& of, const std::string& bytes,
                       nlink_t links) {
    std::set<ino_t> inodes;
    for (const std::string& name : of) {
      CHECK_MESSAGE(ReadText(final_dir / name) == bytes, name);
      const struct stat info = StatOf(final_dir / name);
      CHECK_MESSAGE(info.st_nlink == (methods.hard_links ? links : 1), name);
      inodes.insert(info.st_ino);
    }
    return inodes.size();
  };
  {
    native::PatchFiles files(final_dir, staging, methods);
    const std::size_t zeros = files.AddShared("all-zero mask");
    for (const std::string& name : names) files.Link(name, zeros);
    CHECK(files.Names() == names);
    CHECK(FileNames(final_dir) == std::set<std::string>(names.begin(), names.end()));
    CHECK(inodes_of(names, "all-zero mask", 3) == (methods.hard_links ? 5 : 10));
    if (methods.hard_links)  // one source per copy, nothing else
      CHECK(FileNames(staging) == std::set<std::string>{".shared-0-0", ".shared-0-1", ".shared-0-2",
                                                        ".shared-0-3", ".shared-0-4"});
  }  // not committed: every name goes
  CHECK(CountFiles(final_dir) == 0);
  fs::remove_all(staging);

  {
    native::PatchFiles files(final_dir, staging, methods);
    const std::size_t zeros = files.AddShared("all-zero mask");
    for (const std::string& name : names) files.Link(name, zeros);
    files.Commit();
  }
  fs::remove_all(staging);
  CHECK(inodes_of(names, "all-zero mask", 2) == (methods.hard_links ? 5 : 10));

  // Tiled again with three more names: the ten existing ones are staged links (which count
  // against the limit too) until commit.
  std::vector<std::string> more = names;
  for (int i = 10; i < 13; ++i) more.push_back(fmt::format("mask-{}.png", i));
  {
    native::PatchFiles files(final_dir, staging, methods);
    const std::size_t ones = files.AddShared("all-one mask");
    for (const std::string& name : more) files.Link(name, ones);
    CHECK(inodes_of(names, "all-zero mask", 2) == (methods.hard_links ? 5 : 10));
    CHECK(ReadText(final_dir / "mask-12.png") == "all-one mask");
    // Ten staged names; with links, seven sources: five for them, two for the three new names.
    CHECK(FileNames(staging).size() == (methods.hard_links ? 17 : 10));
  }  // not committed: the previous files stay, the new names go
  CHECK(inodes_of(names, "all-zero mask", 2) == (methods.hard_links ? 5 : 10));
  CHECK(FileNames(final_dir) == std::set<std::string>(names.begin(), names.end()));
  fs::remove_all(staging);
  {
    native::PatchFiles files(final_dir, staging, methods);
    const std::size_t ones = files.AddShared("all-one mask");
    for (const std::string& name : more) files.Link(name, ones);
    files.Commit();
  }
  fs::remove_all(staging);
  // 13 names: 6 copies of two names and one of one.
  CHECK(FileNames(final_dir) == std::set<std::string>(more.begin(), more.end()));
  const std::vector<std::string> paired(more.begin(), more.begin() + 12);
  CHECK(inodes_of(paired, "all-one mask", 2) == (methods.hard_links ? 6 : 12));
  CHECK(inodes_of({"mask-12.png"}, "all-one mask", 1) == 1);
}

TEST_CASE("patch files: a real EMLINK from the file system starts another copy (65,001 links)") {
  ScratchRoot data("patch-files-real-link-limit");
  const fs::path final_dir = data.root / "ground-truth", staging = data.root / "staging";
  constexpr int kNames = 65'001;  // one past ext4's limit of 65,000 names per inode
  std::map<ino_t, nlink_t> names_per_inode;
  {
    native::PatchFiles files(final_dir, staging);  // no lowered limit: the file system's own
    const std::size_t zeros = files.AddShared("all-zero mask");
    for (int i = 0; i < kNames; ++i) files.Link(fmt::format("{}.png", i), zeros);
    for (int i = 0; i < kNames; ++i)
      ++names_per_inode[StatOf(final_dir / fmt::format("{}.png", i)).st_ino];
    if (names_per_inode.size() == 1) {
      MESSAGE("this file system takes more than 65,000 links per inode: no EMLINK to test");
    } else {
      for (const std::string& name : FileNames(staging)) {  // each copy: its source + its names
        const struct stat source = StatOf(staging / name);
        CHECK_MESSAGE(source.st_nlink == names_per_inode[source.st_ino] + 1, name);
      }
      CHECK(FileNames(staging).size() == names_per_inode.size());
      CHECK(ReadText(final_dir / fmt::format("{}.png", kNames - 1)) == "all-zero mask");
    }
    CHECK(files.Names().size() == kNames);
  }  // not committed: every name goes
  CHECK(CountFiles(final_dir) == 0);
}

TEST_CASE("patch files: a write that fails is named, leaves no partial file, and the slide's go") {
  const native::PatchFileMethods methods = MethodsOfThisSubcase();
  ScratchRoot data("patch-files-write-failure");
  const fs::path final_dir = data.root / "image", staging = data.root / "staging";
  const std::string big(64, 'x');  // past the 16-byte limit below
  auto error_of = [&](const std::string& name) {
    return "cannot write " + (final_dir / name).string() + ": File too large";
  };
  {
    native::PatchFiles files(final_dir, staging, methods);
    files.Write("a.png", "image a");
    files.Link("b.png", files.AddShared("mask"));
    CHECK(ErrorUnderFileSizeLimit(16, [&] { files.Write("big.png", big); }) == error_of("big.png"));
    CHECK(FileNames(final_dir) == std::set<std::string>{"a.png", "b.png"});
    CHECK(!fs::exists(staging / "big.png"));
    // Shared bytes that cannot be written: no partial copy for this name or the next.
    const std::size_t big_mask = files.AddShared(big);
    CHECK(ErrorUnderFileSizeLimit(16, [&] { files.Link("m1.png", big_mask); }) ==
          error_of("m1.png"));
    CHECK(ErrorUnderFileSizeLimit(16, [&] { files.Link("m2.png", big_mask); }) ==
          error_of("m2.png"));
    CHECK(FileNames(final_dir) == std::set<std::string>{"a.png", "b.png"});
    for (const std::string& name : FileNames(staging))
      CHECK_MESSAGE(ReadText(staging / name) == "mask", name);  // b.png's source only
    files.Link("m3.png", big_mask);                             // without the limit: whole
    CHECK(ReadText(final_dir / "m3.png") == big);
    if (methods.hard_links)  // a link to a new, whole copy (hard links still in use)
      CHECK(StatOf(final_dir / "m3.png").st_nlink == 2);
  }  // the failed slide: its files go
  CHECK(CountFiles(final_dir) == 0);
}

TEST_CASE("patch files: a folder under a final name stops the commit before any rename") {
  const native::PatchFileMethods methods = MethodsOfThisSubcase();
  ScratchRoot data("patch-files-commit-folder");
  const fs::path final_dir = data.root / "image", staging = data.root / "staging";
  fs::create_directories(final_dir / "b.png" / "inside");
  std::ofstream(final_dir / "a.png") << "previous a";
  std::ofstream(final_dir / "c.png") << "previous c";
  auto write_slide = [&](native::PatchFiles& files) {
    files.Write("a.png", "new a");
    files.Link("b.png", files.AddShared("new b"));
    files.Write("c.png", "new c");
    files.Write("d.png", "new d");
  };
  {
    native::PatchFiles files(final_dir, staging, methods);
    write_slide(files);
    CHECK_THROWS_WITH_AS(
        files.Commit(),
        ("cannot move " + (final_dir / "b.png").string() + " into place: Is a directory").c_str(),
        std::runtime_error);
    CHECK(ReadText(final_dir / "a.png") == "previous a");
    CHECK(ReadText(final_dir / "c.png") == "previous c");
    CHECK(ReadText(final_dir / "d.png") == "new d");  // placed; goes with the failed slide
  }
  CHECK(ReadText(final_dir / "a.png") == "previous a");
  CHECK(ReadText(final_dir / "c.png") == "previous c");
  CHECK(fs::is_directory(final_dir / "b.png" / "inside"));
  CHECK(FileNames(final_dir) == std::set<std::string>{"a.png", "c.png"});

  // Once the folder is gone the next run places every file.
  fs::remove_all(staging);
  fs::remove_all(final_dir / "b.png");
  {
    native::PatchFiles files(final_dir, staging, methods);
    write_slide(files);
    files.Commit();
  }
  for (const char* name : {"a", "b", "c", "d"})
    CHECK(ReadText(final_dir / (std::string(name) + ".png")) == std::string("new ") + name);
}

TEST_CASE("patch files: a rename that fails midway is named; the names before it are replaced") {
  const native::PatchFileMethods methods = MethodsOfThisSubcase();
  ScratchRoot data("patch-files-commit-rename");
  const fs::path final_dir = data.root / "image", staging = data.root / "staging";
  fs::create_directories(final_dir);
  for (const char* name : {"a", "b", "c"})
    std::ofstream(final_dir / (std::string(name) + ".png")) << "previous " << name;
  auto write_slide = [&](native::PatchFiles& files) {
    files.Write("a.png", "new a");
    files.Link("b.png", files.AddShared("new b"));
    files.Write("c.png", "new c");
  };
  {
    native::PatchFiles files(final_dir, staging, methods);
    write_slide(files);
    REQUIRE(fs::remove(staging / "b.png"));  // the staged file is gone before the commit
    CHECK_THROWS_WITH_AS(
        files.Commit(),
        ("cannot move " + (final_dir / "b.png").string() + " into place: No such file or directory")
            .c_str(),
        std::runtime_error);
  }
  // Not atomic across names: a.png is this run's, b.png and c.png the previous run's. The caller
  // keeps the previous metadata and checkpoint, so the next run tiles the slide again.
  CHECK(ReadText(final_dir / "a.png") == "new a");
  CHECK(ReadText(final_dir / "b.png") == "previous b");
  CHECK(ReadText(final_dir / "c.png") == "previous c");
  fs::remove_all(staging);
  {
    native::PatchFiles files(final_dir, staging, methods);
    write_slide(files);
    files.Commit();
  }
  for (const char* name : {"a", "b", "c"})
    CHECK(ReadText(final_dir / (std::string(name) + ".png")) == std::string("new ") + name);
}

TEST_CASE("tile: a slide that fails when tiled again keeps its previous outputs, adds nothing") {
  ScratchRoot data("retile-failure");
  data.AddSlide("slides/CMU-1-Small-Region.svs", "slide.svs");
  const std::map<std::string, std::string> args = {
      {"patch_size", "512"}, {"keep_unlabelled", "true"}, {"threads", "2"}};
  TileRun first = RunTile(data.root, args);
  REQUIRE(first.error == "");
  REQUIRE(first.patches > 0);
  const fs::path images = data.root / "slide-patch/train/image";
  const fs::path ground_truth = data.root / "slide-patch/train/ground-truth";
  const nlohmann::json metadata = ReadJson(data.root / "preprocess-metadata/slide.json");
  // Masks outside every region: hard links to one file per slide.
  const std::string first_name = metadata["patches"][0]["name"];
  CHECK(StatOf(ground_truth / (first_name + ".png")).st_nlink == first.patches);

  // The same name now holds a slide whose tiles cannot be decoded.
  fs::remove(data.root / "slide/train/slide.svs");
  data.AddSlide("slides/fixtures/unreadable.svs", "slide.svs");
  TileRun failed = RunTile(data.root, args);
  CHECK(failed.error ==
        "tile: 1 slide failed:\n  slide/train/slide.svs: level 0, tile (0, 0): corrupt JPEG data: "
        "Bogus marker length");
  CHECK(ReadJson(data.root / "preprocess-metadata/slide.json") == metadata);
  CHECK(CountFiles(images) == first.patches);
  CHECK(CountFiles(ground_truth) == first.patches);
  for (const auto& patch : metadata["patches"])
    CHECK(fs::exists(images / (patch["name"].get<std::string>() + ".png")));
  CHECK(!fs::exists(data.root / ".ctp-tile-staging"));
}

}  // namespace ctp::testing
