#include <doctest/doctest.h>
#include <png.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "data/dataset_batches.h"

namespace {

namespace fs = std::filesystem;

void WritePng(const fs::path& path, int width, int height, std::uint8_t value, bool color) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(image), value);
  REQUIRE(png_image_write_to_file(&image, path.c_str(), 0, pixels.data(), 0, nullptr));
}

ctp::native::Dataset Square() {  // one 1×3×3 image with pixels 0..8
  ctp::native::Dataset set;
  set.height = set.width = 3;
  set.pixels.resize(9);
  std::iota(set.pixels.begin(), set.pixels.end(), 0);
  set.labels = {0};
  return set;
}

}  // namespace

TEST_CASE("image folders: one sub-folder per class, sorted, PNG decoded") {
  const fs::path root = fs::temp_directory_path() / "ctp-dataset-test";
  fs::remove_all(root);
  fs::create_directories(root / "train" / "tumor");
  fs::create_directories(root / "train" / "normal");
  WritePng(root / "train" / "tumor" / "a.png", 4, 3, 200, true);
  WritePng(root / "train" / "normal" / "b.png", 4, 3, 10, true);
  WritePng(root / "train" / "normal" / "c.png", 4, 3, 20, true);
  const ctp::native::Dataset set = ctp::native::LoadDataset({root, "train", {}, 0});
  CHECK(set.class_names == std::vector<std::string>{"normal", "tumor"});
  CHECK(set.labels == std::vector<int>{0, 0, 1});
  CHECK(set.channels == 3);
  CHECK(set.height == 3);
  CHECK(set.width == 4);
  CHECK(set.pixels[2 * 36] == 200);
  CHECK(set.item_names[2] == "tumor/a.png");
  WritePng(root / "train" / "tumor" / "d.png", 5, 3, 1, true);
  const std::string expected = (root / "train" / "tumor" / "d.png").string() +
                               ": image is 5x3, the data set's first image is 4x3";
  CHECK_THROWS_WITH(ctp::native::LoadDataset({root, "train", {}, 0}), expected.c_str());
  fs::remove_all(root);
}

TEST_CASE("image files: grey/RGB conversion to the data set's channels, errors name the file") {
  const fs::path root = fs::temp_directory_path() / "ctp-dataset-decode-test";
  fs::remove_all(root);
  fs::create_directories(root);
  WritePng(root / "grey.png", 2, 2, 77, false);
  WritePng(root / "rgb.png", 2, 2, 100, true);
  CHECK(ctp::native::ImageChannels(root / "grey.png") == 1);
  CHECK(ctp::native::ImageChannels(root / "rgb.png") == 3);
  int height = 0, width = 0;
  CHECK(ctp::native::DecodeImage(root / "grey.png", 3, height, width) ==
        std::vector<std::uint8_t>(12, 77));  // grey repeated into R, G and B
  CHECK((height == 2 && width == 2));
  CHECK(ctp::native::DecodeImage(root / "rgb.png", 1, height, width) ==
        std::vector<std::uint8_t>(4, 100));  // equal R, G, B keep their value as grey
  std::ofstream(root / "text.png") << "not an image";
  CHECK_THROWS_WITH(ctp::native::DecodeImage(root / "text.png", 1, height, width),
                    ((root / "text.png").string() + ": not a PNG or JPEG file").c_str());
  std::ofstream(root / "cut.png", std::ios::binary) << "\x89PNG\r\n\x1a\n";
  const std::string cut_prefix = (root / "cut.png").string() + ": cannot decode: PNG";
  CHECK_THROWS_WITH(ctp::native::DecodeImage(root / "cut.png", 1, height, width),
                    doctest::Contains(cut_prefix.c_str()));
  fs::remove_all(root);
}

TEST_CASE("augmentation: flips, 90 degree turns and crops move pixels as stated") {
  const ctp::native::Dataset set = Square();
  std::vector<std::uint8_t> out(9);
  bool saw_flip = false, saw_identity = false, saw_crop = false;
  for (std::uint64_t position = 0; position < 64; ++position) {
    ctp::native::AugmentItem(set, 0, {true, false, false, 0}, 1, position, out.data());
    if (out == std::vector<std::uint8_t>{2, 1, 0, 5, 4, 3, 8, 7, 6}) saw_flip = true;
    if (out == set.pixels) saw_identity = true;
    ctp::native::AugmentItem(set, 0, {false, false, true, 0}, 1, position, out.data());
    // Every result of a turn is one of the four rotations: the centre stays, corners rotate.
    CHECK(out[4] == 4);
    CHECK((out[0] == 0 || out[0] == 2 || out[0] == 6 || out[0] == 8));
    ctp::native::AugmentItem(set, 0, {false, false, false, 1}, 1, position, out.data());
    // Shift (+1, +1): the window moves down-right, zero padding enters at the bottom and right.
    if (out == std::vector<std::uint8_t>{4, 5, 0, 7, 8, 0, 0, 0, 0}) saw_crop = true;
  }
  CHECK(saw_crop);
  CHECK(saw_flip);
  CHECK(saw_identity);
}

TEST_CASE("batches: normalised, in order, last batch partial, prefetched") {
  ctp::native::Dataset set = Square();
  set.pixels.insert(set.pixels.end(), 9 * 4, 255);
  set.labels = {0, 1, 1, 1, 1};
  const ctp::native::Normalization norm = ctp::native::ComputeNormalization(set);
  REQUIRE(norm.mean.size() == 1);
  ctp::native::BatchStream stream(set, {4, 0, 1, 2, 3}, 2, norm, {}, 0);
  ctp::native::Batch batch;
  std::vector<int> counts;
  std::vector<float> first_values;
  while (stream.Next(batch)) {
    counts.push_back(batch.count);
    first_values.push_back(batch.inputs[0]);
  }
  CHECK(counts == std::vector<int>{2, 2, 1});
  CHECK(first_values[0] == doctest::Approx((1.0f - norm.mean[0]) / norm.std[0]));
}
