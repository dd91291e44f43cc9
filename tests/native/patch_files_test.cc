// Placing per-patch files: straight under final names, shared bytes as hard links, existing
// names staged until commit, and nothing of a failed slide left behind; plus the tile step's
// failed retiling keeping the previous outputs.
#include "../../stdlib/native/patch_files.h"

#include <doctest/doctest.h>
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
  CHECK(failed.error.find("slide/train/slide.svs: read failed") != std::string::npos);
  CHECK(ReadJson(data.root / "preprocess-metadata/slide.json") == metadata);
  CHECK(CountFiles(images) == first.patches);
  CHECK(CountFiles(ground_truth) == first.patches);
  for (const auto& patch : metadata["patches"])
    CHECK(fs::exists(images / (patch["name"].get<std::string>() + ".png")));
  CHECK(!fs::exists(data.root / ".ctp-tile-staging"));
}

}  // namespace ctp::testing
