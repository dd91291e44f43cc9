// Fixtures for the report tests: a complete sample run and PNG encoding/decoding (libpng's
// simplified API) for thumbnails, heatmaps and Chromium's screenshots.
#pragma once

#include <png.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ctp/report/run_report.h"

namespace ctp::testing {

/// An 8-bit RGB or RGBA image.
struct TestImage {
  int width = 0, height = 0, channels = 3;
  std::vector<std::uint8_t> pixels;  ///< Rows of width * channels values.
};

/// PNG bytes of `image`.
inline std::string EncodeTestPng(const TestImage& image) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = std::uint32_t(image.width);
  png.height = std::uint32_t(image.height);
  png.format = image.channels == 4 ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr);
  std::string bytes(size, '\0');
  if (!png_image_write_to_memory(&png, bytes.data(), &size, 0, image.pixels.data(), 0, nullptr))
    throw std::runtime_error(std::string("PNG encoding failed: ") + png.message);
  bytes.resize(size);
  return bytes;
}

/// Decodes PNG bytes to RGB.
inline TestImage DecodeTestPng(const std::string& bytes) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()))
    throw std::runtime_error(std::string("PNG decoding failed: ") + png.message);
  png.format = PNG_FORMAT_RGB;
  TestImage image{int(png.width), int(png.height), 3, {}};
  image.pixels.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.pixels.data(), 0, nullptr))
    throw std::runtime_error(std::string("PNG decoding failed: ") + png.message);
  return image;
}

/// A w x h RGB gradient with a darker disc ("tissue") in the middle.
inline TestImage GradientImage(int width, int height) {
  TestImage image{width, height, 3, {}};
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const int dx = x - width / 2, dy = y - height / 2;
      const bool tissue = dx * dx + dy * dy < width * height / 8;
      image.pixels.push_back(std::uint8_t(tissue ? 190 : 245));
      image.pixels.push_back(std::uint8_t(tissue ? 110 + (x * 60) / width : 240));
      image.pixels.push_back(std::uint8_t(tissue ? 170 : 242));
    }
  return image;
}

/// A step record as the run store keeps it: started at `start` (0: never) for `duration` seconds.
inline StepRecord Recorded(std::string step, RunStatus status, double start, double duration,
                           int attempts, bool cache_hit = false, int exit_code = 0) {
  StepRecord record;
  record.step = std::move(step);
  record.status = status;
  record.started_at = start;
  record.duration = duration;
  record.attempts = attempts;
  record.cache_hit = cache_hit;
  record.exit_code = exit_code;
  return record;
}

/// A run of a diamond pipeline (prepare -> train, tile -> evaluate) with an exit handler,
/// curves, scalars, a confusion matrix and one tiled slide with thumbnail and heatmap.
inline report::RunReport SampleReport() {
  report::RunReport r;
  r.run_id = "20261122-205700-a1b2";
  r.pipeline = "wsi-training";
  r.script = "scripts/train.lua";
  r.status = RunStatus::kFailed;
  r.start = 1795381020.0;
  r.end = 1795381020.0 + 95.5;
  r.params = {{"epochs", "3"}, {"learning_rate", "0.01"}, {"note", "<b>bold</b> & 'quoted'"}};
  r.steps = {
      Recorded("prepare", RunStatus::kSucceeded, *r.start, 0, 4, 1, true),
      Recorded("tile", RunStatus::kSucceeded, *r.start + 4, 36, 1),
      Recorded("train", RunStatus::kSucceeded, *r.start + 4, 76, 2),
      Recorded("evaluate", RunStatus::kFailed, *r.start + 80, 10, 1, false, 3),
      Recorded("deploy", RunStatus::kSkipped, 0, 0, 0),
      Recorded("notify", RunStatus::kSucceeded, *r.start + 90, 5, 1),
  };
  r.log_tails = {{"prepare", "prepared 12 slides\n"},
                 {"evaluate", "Traceback <module>\nerror: 'bad' & \"worse\"\n"}};
  r.edges = {{"prepare", "tile"},
             {"prepare", "train"},
             {"tile", "evaluate"},
             {"train", "evaluate"},
             {"evaluate", "deploy"}};
  r.exit_handler = "notify";
  r.series = {{"train", "train_loss", {{1, 1.2}, {2, 0.8}, {3, 0.55}}},
              {"train", "eval_loss", {{1, 1.3}, {2, 0.95}, {3, 0.7}}},
              {"train", "train_accuracy", {{1, 0.55}, {2, 0.71}, {3, 0.83}}}};
  r.scalars = {{"evaluate", "accuracy", 0.8125}, {"evaluate", "macro_f1", 0.79}};
  r.confusion =
      report::ConfusionMatrix{"evaluate", {"negative", "positive <tumour>"}, {{40, 6}, {9, 25}}};
  report::SlideView slide;
  slide.slide = "CMU-1-Small-Region.svs";
  slide.split = "train";
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x)
      slide.patches.push_back({400.0 + x * 256, 300.0 + y * 256, 256,
                               x < 2 ? "positive" : (x < 4 ? "negative" : "none")});
  slide.thumbnail_png = EncodeTestPng(GradientImage(120, 90));
  slide.thumbnail_width = 120;
  slide.thumbnail_height = 90;
  slide.thumbnail_downsample = 16;
  TestImage heat{30, 22, 4, {}};
  for (int i = 0; i < 30 * 22; ++i) {
    const auto v = std::uint8_t((i * 7) % 255);
    heat.pixels.insert(heat.pixels.end(), {v, 40, std::uint8_t(255 - v), 200});
  }
  slide.heatmap_png = EncodeTestPng(heat);
  r.slides = {slide};
  return r;
}

/// Occurrences of `needle` in `text`.
inline std::size_t CountOf(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

}  // namespace ctp::testing
