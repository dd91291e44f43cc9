#include "ctp/report/report_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "ctp/model/json_field.h"
#include "ctp/model/kfp_metrics.h"
#include "kfp_files.h"
#include "png_size.h"

namespace fs = std::filesystem;

namespace ctp::report {
namespace {

constexpr std::size_t kLogTailLines = 20, kLogTailBytes = 4000;

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

nlohmann::json ReadJson(const fs::path& path) {
  try {
    return nlohmann::json::parse(ReadBytes(path));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e400
    throw std::runtime_error(fmt::format("{}: not valid JSON ({})", path.string(), e.what()));
  }
}

/// Runs `read`, prefixing what it throws with the file's path.
template <typename Read>
void InFile(const fs::path& path, Read read) {
  try {
    read();
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    if (what.rfind(path.string() + ":", 0) == 0) throw;
    throw std::runtime_error(path.string() + ": " + what);
  }
}

/// The last kLogTailLines lines of a log, at most kLogTailBytes.
std::string Tail(std::string_view log) {
  if (!log.empty() && log.back() == '\n') log.remove_suffix(1);
  std::size_t start = log.size();
  for (std::size_t lines = 0; lines < kLogTailLines && start > 0; ++lines) {
    const std::size_t newline = log.rfind('\n', start - 1);
    start = newline == std::string_view::npos ? 0 : newline;
  }
  if (start < log.size() && log[start] == '\n') ++start;
  std::string tail(log.substr(start));
  if (tail.size() > kLogTailBytes) tail = "…" + tail.substr(tail.size() - kLogTailBytes);
  return tail;
}

/// A file's name without the extension, and whether it names a KFP document of `kind`.
bool IsKfpFile(const fs::path& file, const std::string& kind) {
  std::string name = file.filename().string();
  if (name.size() > 5 && name.ends_with(".json")) name.resize(name.size() - 5);
  std::replace(name.begin(), name.end(), '_', '-');
  return name == kind;
}

SlideView& SlideFor(RunReport& report, const std::string& stem) {
  for (SlideView& slide : report.slides)
    if (fs::path(slide.slide).stem().string() == stem || slide.slide == stem) return slide;
  report.slides.push_back({});
  report.slides.back().slide = stem;
  return report.slides.back();
}

void LoadStepOutputs(const fs::path& outputs, const std::string& step, RunReport& report) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(outputs))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    if (IsKfpFile(file, "mlpipeline-metrics")) {
      for (const KfpMetric& metric : ReadKfpMetrics(file))
        AddScalar(report, step, metric.name, metric.value);
    } else if (IsKfpFile(file, "mlpipeline-ui-metadata")) {
      InFile(file, [&] {
        const nlohmann::json document = ReadJson(file);
        if (auto matrix = ReadKfpConfusion(JsonField(document, file.string()), step))
          report.confusion = *matrix;
      });
    } else if (name.ends_with(".heatmap.png")) {
      InFile(file, [&] {
        std::string bytes = ReadBytes(file);
        ReadPngSize(bytes);
        SlideFor(report, name.substr(0, name.size() - 12)).heatmap_png = std::move(bytes);
      });
    }
  }
}

void LoadSlide(const fs::path& metadata_file, RunReport& report) {
  const nlohmann::json metadata = ReadJson(metadata_file);
  const JsonField root(metadata, metadata_file.string());
  const double downsample = root.Value<double>("downsample", 1.0);
  const JsonField patch_size = root["patch_size"];
  const double size = patch_size.Get<double>() * downsample;
  if (!(size > 0)) patch_size.Fail("must be a positive number, got " + patch_size.Shown());
  const std::vector<JsonField> patches = root["patches"].Elements();
  SlideView& slide = SlideFor(report, metadata_file.stem().string());
  slide.slide = root.Value<std::string>("slide", metadata_file.stem().string());
  slide.split = root.Value<std::string>("split", "");
  slide.patches.clear();
  for (const JsonField& patch : patches)
    slide.patches.push_back({patch["x"].Get<double>(), patch["y"].Get<double>(), size,
                             patch.Value<std::string>("label", "none")});
  const std::optional<JsonField> thumbnail = root.Find("thumbnail");
  if (!thumbnail) return;
  const fs::path png = metadata_file.parent_path() / (*thumbnail)["file"].Get<std::string>();
  const JsonField thumbnail_downsample = (*thumbnail)["downsample"];
  if (!(thumbnail_downsample.Get<double>() > 0))
    thumbnail_downsample.Fail(
        "must be a positive number (level-0 pixels per thumbnail pixel), got " +
        thumbnail_downsample.Shown());
  std::string bytes = ReadBytes(png);
  try {
    const PngSize png_size = ReadPngSize(bytes);
    slide.thumbnail_width = png_size.width;
    slide.thumbnail_height = png_size.height;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(png.string() + ": " + e.what());
  }
  slide.thumbnail_png = std::move(bytes);
  slide.thumbnail_downsample = thumbnail_downsample.Get<double>();
}

/// The folders directly in `dir`, sorted by name.
std::vector<fs::path> SortedFolders(const fs::path& dir) {
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory()) folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  return folders;
}

/// The log and outputs of one task (a step, or one iteration `step[i]` of a looped step).
void LoadTaskFolder(const fs::path& dir, const std::string& task, RunReport& report) {
  const fs::path log_file = dir / "log.txt";
  if (fs::is_regular_file(log_file)) {
    const std::string log = ReadBytes(log_file);
    AddLoggedMetrics(log, task, report);
    report.log_tails[task] = Tail(log);
  }
  if (fs::is_directory(dir / "outputs")) LoadStepOutputs(dir / "outputs", task, report);
}

}  // namespace

void LoadRunFolder(const fs::path& run_dir, RunReport& report) {
  if (!fs::is_directory(run_dir))
    throw std::runtime_error(run_dir.string() + ": no such run folder");
  for (const fs::path& dir : SortedFolders(run_dir)) {
    const std::string step = dir.filename().string();
    LoadTaskFolder(dir, step, report);
    // A looped step's iterations live in <step>/<i>/ and are tasks named step[i].
    for (const fs::path& sub : SortedFolders(dir)) {
      const std::string index = sub.filename().string();
      if (std::all_of(index.begin(), index.end(), [](char c) { return c >= '0' && c <= '9'; }))
        LoadTaskFolder(sub, step + "[" + index + "]", report);
    }
  }
}

void LoadTiledSlides(const fs::path& data_root, RunReport& report, std::size_t max_slides) {
  const fs::path folder = data_root / "preprocess-metadata";
  if (!fs::is_directory(folder)) return;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.size() > max_slides) files.resize(max_slides);
  for (const fs::path& file : files) InFile(file, [&] { LoadSlide(file, report); });
}

}  // namespace ctp::report
