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
                    "m.safetensors: safetensors: tensor 'fc.weight' has data_offsets [24, 48] "
                    "beyond the 44 bytes of data");
  bytes[0] = char(0xff);
  CHECK_THROWS_WITH(DecodeSafetensors(bytes, "m.safetensors"),
                    doctest::Contains("runs past the end of the file"));
  SafetensorsFile bad = Sample();
  bad.tensors[0].values.pop_back();
  CHECK_THROWS_AS(EncodeSafetensors(bad), std::invalid_argument);
}

namespace {

/// A safetensors file of `header` (padded to 8 bytes) and `data` zero bytes of data.
std::string Raw(const nlohmann::json& header, std::size_t data) {
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(char((text.size() >> (8 * i)) & 0xff));
  return out + text + std::string(data, '\0');
}

/// The error decoding a file whose header is `header` (JSON text) and whose data is `data` bytes.
std::string Error(const std::string& header, std::size_t data) {
  try {
    DecodeSafetensors(Raw(nlohmann::json::parse(header), data), "m.safetensors");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("safetensors: the tensors must cover the data exactly, in any order") {
  // Listed out of order, covering [0, 24): read, in data order.
  const SafetensorsFile file = DecodeSafetensors(
      Raw(nlohmann::json::parse(R"({"b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]},
                                   "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                   "e": {"dtype": "F32", "shape": [0], "data_offsets": [8, 8]}})"),
          24),
      "m.safetensors");
  REQUIRE(file.tensors.size() == 3);
  CHECK(file.tensors[0].name == "a");
  CHECK(file.tensors[1].name == "e");
  CHECK(file.tensors[2].values.size() == 4);
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                  "b": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}})",
              24) ==
        "m.safetensors: safetensors: bytes 8 to 16 of the data belong to no tensor "
        "(a gap before tensor 'b')");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                  "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
              12) ==
        "m.safetensors: safetensors: tensor 'b' (data_offsets [4, 12]) overlaps "
        "tensor 'a' (data_offsets [0, 8])");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})", 12) ==
        "m.safetensors: safetensors: bytes 0 to 4 of the data belong to no tensor (a gap before "
        "tensor 'a')");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 12) ==
        "m.safetensors: safetensors: bytes 8 to 12 of the data belong to no tensor (after the "
        "last one)");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}})", 8) ==
        "m.safetensors: safetensors: tensor 'a' has data_offsets [8, 0] that end before they "
        "begin");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})", 8) ==
        "m.safetensors: safetensors: tensor 'a' has data_offsets [0, 16] beyond the 8 bytes of "
        "data");
}

TEST_CASE("safetensors: headers that cannot describe the data are refused, naming the field") {
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 8) ==
        "m.safetensors: safetensors: tensor 'a' has 8 bytes (data_offsets [0, 8]) for shape [3] "
        "of F32, which needs 12");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [4294967296, 4294967296, 16],
                        "data_offsets": [0, 8]}})",
              8) ==
        "m.safetensors: safetensors: tensor 'a' has shape [4294967296, 4294967296, "
        "16], more values than any file holds");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [2, -1], "data_offsets": [0, 8]}})", 8) ==
        "m.safetensors: field 'a.shape[1]' must be a whole number of at least 0, got -1");
  CHECK(Error(R"({"a": {"dtype": 32, "shape": [2], "data_offsets": [0, 8]}})", 8) ==
        "m.safetensors: field 'a.dtype' must be a string, got 32");
  CHECK(Error(R"({"a": {"dtype": "F16", "shape": [4], "data_offsets": [0, 8]}})", 8) ==
        "m.safetensors: safetensors: tensor 'a' has dtype \"F16\"; only F32 is supported");
  CHECK(Error(R"({"a.b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4, 8]}})", 8) ==
        "m.safetensors: field '[\"a.b\"].data_offsets' must be [begin, end], got 3 numbers");
  CHECK(Error(R"({"a": {"dtype": "F32", "shape": [2]}})", 8) ==
        "m.safetensors: field 'a.data_offsets' is missing");
  // A header length above the format's bound is refused before anything is read or allocated.
  std::string bytes = Raw(nlohmann::json::object(), 0);
  bytes[0] = char(0x01);
  bytes[1] = char(0xe1);
  bytes[2] = char(0xf5);
  bytes[3] = char(0x05);  // 100,000,001
  CHECK_THROWS_WITH(DecodeSafetensors(bytes, "m.safetensors"),
                    "m.safetensors: safetensors: header length 100000001 is above the limit of "
                    "100000000 bytes");
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
