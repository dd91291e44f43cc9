#include "formats/safetensors.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace {

using ctp::native::DecodeSafetensors;
using ctp::native::EncodeSafetensors;
using ctp::native::SafetensorsFile;

SafetensorsFile Sample() {
  SafetensorsFile file;
  file.tensors = {{"features.0.weight", {2, 1, 1, 2}, {1.0f, -2.0f, 3.5f, 0.25f}},
                  {"features.0.bias", {2}, {0.5f, -0.5f}},
                  {"fc.weight", {3, 2}, {1, 2, 3, 4, 5, 6}}};
  file.metadata = {{"format", "pt"}, {"producer", "ctp"}};
  return file;
}

}  // namespace

TEST_CASE("safetensors: header layout follows the format spec") {
  const std::string bytes = EncodeSafetensors(Sample());
  // 8-byte little-endian header length N.
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | std::uint8_t(bytes[i]);
  REQUIRE(8 + n <= bytes.size());
  CHECK((8 + n) % 8 == 0);  // the data starts 8-byte aligned (header padded with spaces)
  const std::string header_text = bytes.substr(8, n);
  CHECK(header_text.front() == '{');
  const nlohmann::json header = nlohmann::json::parse(header_text);
  CHECK(header["__metadata__"] == nlohmann::json({{"format", "pt"}, {"producer", "ctp"}}));
  CHECK(header["features.0.weight"]["dtype"] == "F32");
  CHECK(header["features.0.weight"]["shape"] == nlohmann::json({2, 1, 1, 2}));
  CHECK(header["features.0.weight"]["data_offsets"] == nlohmann::json({0, 16}));
  CHECK(header["features.0.bias"]["data_offsets"] == nlohmann::json({16, 24}));
  CHECK(header["fc.weight"]["data_offsets"] == nlohmann::json({24, 48}));
  // The data region is exactly the tensors' bytes, little-endian float32.
  CHECK(bytes.size() == 8 + n + 48);
  float third = 0;
  std::memcpy(&third, bytes.data() + 8 + n + 8, 4);
  CHECK(third == 3.5f);
}

TEST_CASE("safetensors: round trip keeps names, shapes, values and metadata") {
  const SafetensorsFile decoded = DecodeSafetensors(EncodeSafetensors(Sample()), "x");
  const SafetensorsFile original = Sample();
  REQUIRE(decoded.tensors.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(decoded.tensors[i].name == original.tensors[i].name);
    CHECK(decoded.tensors[i].shape == original.tensors[i].shape);
    CHECK(decoded.tensors[i].values == original.tensors[i].values);
  }
  CHECK(decoded.metadata == original.metadata);
}

TEST_CASE("safetensors: malformed files give errors naming the file") {
  CHECK_THROWS_WITH(DecodeSafetensors("abc", "m.safetensors"),
                    "m.safetensors: safetensors: file shorter than its 8-byte header length");
  std::string bytes = EncodeSafetensors(Sample());
  CHECK_THROWS_WITH(DecodeSafetensors(bytes.substr(0, bytes.size() - 4), "m.safetensors"),
                    "m.safetensors: safetensors: tensor 'fc.weight' has data_offsets outside the "
                    "data or not matching its shape");
  bytes[0] = char(0xff);
  CHECK_THROWS_WITH(DecodeSafetensors(bytes, "m.safetensors"),
                    doctest::Contains("runs past the end of the file"));
  SafetensorsFile bad = Sample();
  bad.tensors[0].values.pop_back();
  CHECK_THROWS_AS(EncodeSafetensors(bad), std::invalid_argument);
}

TEST_CASE("safetensors: the Python safetensors package loads our file") {
  if (std::system("python3 -c 'import safetensors.numpy' >/dev/null 2>&1") != 0) {
    MESSAGE("SKIPPED: python3 safetensors/numpy not installed (pip install safetensors numpy)");
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() / "ctp-safetensors-py";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.safetensors", std::ios::binary) << EncodeSafetensors(Sample());
  const std::string script =
      "import sys; from safetensors.numpy import load_file; from safetensors import safe_open\n"
      "t = load_file(sys.argv[1])\n"
      "assert t['fc.weight'].shape == (3, 2) and t['fc.weight'].dtype.name == 'float32'\n"
      "assert t['fc.weight'][2, 1] == 6.0 and t['features.0.weight'][0, 0, 0, 1] == -2.0\n"
      "assert safe_open(sys.argv[1], 'np').metadata() == {'format': 'pt', 'producer': 'ctp'}\n";
  std::ofstream(dir / "check.py") << script;
  const std::string command =
      "python3 " + (dir / "check.py").string() + " " + (dir / "m.safetensors").string();
  CHECK(std::system(command.c_str()) == 0);
  std::filesystem::remove_all(dir);
}
