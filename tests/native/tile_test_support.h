// Helpers of the tile step tests: a scratch data root, running the step, reading its outputs.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "test_paths.h"

namespace ctp::testing {

namespace fs = std::filesystem;

/// A test data file (tests/native/testdata/...).
inline fs::path TileData(const std::string& relative) {
  return SourcePath("tests/native/testdata/" + relative);
}

/// A fresh, empty scratch folder under the temp directory, removed by the destructor.
struct ScratchRoot {
  fs::path root;
  explicit ScratchRoot(const std::string& name)
      : root(fs::temp_directory_path() / ("ctp-tile-test-" + name)) {
    fs::remove_all(root);
    fs::create_directories(root / "slide" / "train");
  }
  ~ScratchRoot() { fs::remove_all(root); }
  /// Links a test slide into slide/<split>/<name>.
  void AddSlide(const std::string& data_file, const std::string& name,
                const std::string& split = "train") const {
    fs::create_directories(root / "slide" / split);
    fs::create_symlink(TileData(data_file), root / "slide" / split / name);
  }
  /// Copies test annotations into region-annotation/<kind>/<stem>/.
  void AddAnnotation(const std::string& data_file, const std::string& kind,
                     const std::string& stem) const {
    fs::path dir = root / "region-annotation" / kind / stem;
    fs::create_directories(dir);
    fs::copy_file(TileData(data_file), dir / fs::path(data_file).filename());
  }
};

/// What one run of the step produced.
struct TileRun {
  std::string error;  ///< The exception message, "" on success.
  std::string log;
  std::size_t patches = 0;
  std::size_t slides = 0;
  nlohmann::json summary;
  std::vector<StepProgress> progress;  ///< Every progress report, in order.
};

/// Runs the `tile` step on `root` with `args` (plus --data).
inline TileRun RunTile(const fs::path& root, std::map<std::string, std::string> args) {
  StepRegistry registry;
  RegisterBuiltinSteps(registry);
  const NativeStep* step = registry.Find("tile");
  REQUIRE(step != nullptr);
  StepContext context;
  args["data"] = root.string();
  context.args = std::move(args);
  context.output_dir = root / "outputs";
  std::ostringstream log;
  context.log = &log;
  TileRun run;
  context.progress = [&run](const StepProgress& p) { run.progress.push_back(p); };
  try {
    RunNativeStep(*step, context);
  } catch (const std::exception& e) {
    run.error = e.what();
  }
  run.log = log.str();
  std::ifstream patches(context.output_dir / "patches"), slides(context.output_dir / "slides");
  patches >> run.patches;
  slides >> run.slides;
  std::ifstream summary(context.output_dir / "summary");
  if (summary) run.summary = nlohmann::json::parse(summary);
  return run;
}

/// A JSON file.
inline nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in, path.string());
  return nlohmann::json::parse(in);
}

/// (x, y) of every patch in a metadata file.
inline std::set<std::pair<long long, long long>> PatchPositions(const nlohmann::json& metadata) {
  std::set<std::pair<long long, long long>> positions;
  for (const auto& p : metadata["patches"])
    positions.insert({p["x"].get<long long>(), p["y"].get<long long>()});
  return positions;
}

/// Number of files in a folder (0 when absent).
inline std::size_t CountFiles(const fs::path& dir) {
  if (!fs::is_directory(dir)) return 0;
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::recursive_directory_iterator(dir))
    count += entry.is_regular_file() ? 1 : 0;
  return count;
}

}  // namespace ctp::testing
