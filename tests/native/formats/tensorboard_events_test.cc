// TensorBoard event files: CRC-32C and TFRecord framing checked byte by byte, the Event/Summary
// encoding decoded by an independent reader here, the train step's curves read back, and (when
// PyPI `tensorboard` is installed) TensorBoard's own reader agreeing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "formats/tensorboard_events.h"
#include "golden.h"

namespace {

namespace fs = std::filesystem;
using ctp::native::Crc32c;
using ctp::native::MaskedCrc32c;

std::uint32_t ReadU32(std::string_view bytes, std::size_t at) {
  std::uint32_t value;
  std::memcpy(&value, bytes.data() + at, 4);
  return value;
}

std::uint64_t ReadVarint(std::string_view bytes, std::size_t& at) {
  std::uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    REQUIRE(at < bytes.size());
    const std::uint8_t byte = std::uint8_t(bytes[at++]);
    value |= std::uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
}

/// The fields of one protobuf message: field number → raw values (varints as numbers in
/// `numbers`, fixed and length-delimited fields as bytes in `bytes`).
struct Message {
  std::multimap<int, std::uint64_t> numbers;
  std::multimap<int, std::string> bytes;
};

Message Decode(std::string_view data) {
  Message message;
  std::size_t at = 0;
  while (at < data.size()) {
    const std::uint64_t key = ReadVarint(data, at);
    const int field = int(key >> 3);
    switch (key & 7) {
      case 0:
        message.numbers.emplace(field, ReadVarint(data, at));
        break;
      case 1:
        message.bytes.emplace(field, std::string(data.substr(at, 8)));
        at += 8;
        break;
      case 2: {
        const std::size_t length = ReadVarint(data, at);
        message.bytes.emplace(field, std::string(data.substr(at, length)));
        at += length;
        break;
      }
      case 5:
        message.bytes.emplace(field, std::string(data.substr(at, 4)));
        at += 4;
        break;
      default:
        FAIL("unexpected wire type " << (key & 7));
    }
  }
  return message;
}

/// The payloads of a TFRecord file, each record's length and CRCs verified.
std::vector<std::string> ReadRecords(const std::string& file) {
  std::vector<std::string> payloads;
  std::size_t at = 0;
  while (at < file.size()) {
    REQUIRE(file.size() - at >= 12);
    std::uint64_t length;
    std::memcpy(&length, file.data() + at, 8);
    CHECK(ReadU32(file, at + 8) == MaskedCrc32c(std::string_view(file).substr(at, 8)));
    REQUIRE(file.size() - at >= 16 + length);
    const std::string payload = file.substr(at + 12, length);
    CHECK(ReadU32(file, at + 12 + length) == MaskedCrc32c(payload));
    payloads.push_back(payload);
    at += 16 + length;
  }
  return payloads;
}

/// A scalar event decoded: step, tag, value.
struct Scalar {
  std::int64_t step;
  std::string tag;
  float value;
};

Scalar DecodeScalar(const std::string& event_bytes) {
  const Message event = Decode(event_bytes);
  REQUIRE(event.bytes.count(1) == 1);  // wall_time
  REQUIRE(event.bytes.count(5) == 1);  // summary
  const Message summary = Decode(event.bytes.find(5)->second);
  REQUIRE(summary.bytes.count(1) == 1);
  const Message value = Decode(summary.bytes.find(1)->second);
  Scalar scalar{event.numbers.count(2) ? std::int64_t(event.numbers.find(2)->second) : 0,
                value.bytes.find(1)->second, 0.0f};
  std::memcpy(&scalar.value, value.bytes.find(2)->second.data(), 4);
  return scalar;
}

std::string ReadBinary(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("tensorboard: CRC-32C and its TFRecord mask match the published values") {
  CHECK(Crc32c("123456789") == 0xE3069283u);  // the CRC-32C check value (RFC 3720, B.4)
  CHECK(Crc32c(std::string(32, '\0')) == 0x8A9136AAu);
  CHECK(Crc32c("") == 0u);
  const std::uint32_t crc = 0xE3069283u;
  CHECK(MaskedCrc32c("123456789") == ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST_CASE("tensorboard: a record is length, masked CRC of the length, payload, masked CRC") {
  const std::string record = ctp::native::FrameRecord("abc");
  REQUIRE(record.size() == 8 + 4 + 3 + 4);
  CHECK(record.substr(0, 8) == std::string("\x03\0\0\0\0\0\0\0", 8));
  CHECK(ReadU32(record, 8) == MaskedCrc32c(record.substr(0, 8)));
  CHECK(record.substr(12, 3) == "abc");
  CHECK(ReadU32(record, 15) == MaskedCrc32c("abc"));
}

TEST_CASE("tensorboard: Event and Summary messages have the documented wire layout") {
  // Event{wall_time=1.5, step=300, summary{value{tag="loss", simple_value=0.25}}}
  const std::string event = ctp::native::EncodeScalarEvent(1.5, 300, "loss", 0.25f);
  const std::string expected = std::string("\x09\0\0\0\0\0\0\xf8\x3f", 9) +  // 1: double 1.5
                               std::string("\x10\xac\x02", 3) +              // 2: varint 300
                               std::string("\x2a\x0d", 2) +                  // 5: 13 bytes
                               std::string("\x0a\x0b", 2) +                  //  1: 11 bytes
                               std::string("\x0a\x04loss", 6) +              //   1: "loss"
                               std::string("\x15\0\0\x80\x3e", 5);           //   2: 0.25f
  CHECK(event == expected);
  const Scalar decoded = DecodeScalar(event);
  CHECK(decoded.step == 300);
  CHECK(decoded.tag == "loss");
  CHECK(decoded.value == 0.25f);
  const Message version = Decode(ctp::native::EncodeFileVersionEvent(2.0, "brain.Event:2"));
  CHECK(version.bytes.find(3)->second == "brain.Event:2");
}

TEST_CASE("tensorboard: the writer's file holds the version record and each scalar") {
  const fs::path folder = fs::temp_directory_path() / "ctp-tensorboard-test";
  fs::remove_all(folder);
  ctp::native::TensorBoardWriter writer(folder / "tb");
  writer.AddScalar("train_loss", 0.75, 1);
  writer.AddScalar("train_loss", 0.5, 2);
  writer.AddScalar("learning_rate", 0.05, 2);
  CHECK(writer.path().parent_path() == folder / "tb");
  CHECK(writer.path().filename().string().rfind("events.out.tfevents.", 0) == 0);
  const std::vector<std::string> records = ReadRecords(ReadBinary(writer.path()));
  REQUIRE(records.size() == 4);
  CHECK(Decode(records[0]).bytes.find(3)->second == "brain.Event:2");
  const Scalar last = DecodeScalar(records[3]);
  CHECK(last.tag == "learning_rate");
  CHECK(last.step == 2);
  CHECK(last.value == 0.05f);
  CHECK(DecodeScalar(records[2]).value == 0.5f);

  // TensorBoard's own reader, when the PyPI package is installed.
  if (std::system("python3 -c 'import tensorboard' > /dev/null 2>&1") != 0) {
    MESSAGE("SKIPPED: TensorBoard's reader (pip install -r deps/python-test-requirements.txt)");
  } else {
    const fs::path script = folder / "read.py";
    std::ofstream(script) << "import sys\n"
                             "from tensorboard.backend.event_processing import event_accumulator\n"
                             "acc = event_accumulator.EventAccumulator(sys.argv[1])\n"
                             "acc.Reload()\n"
                             "for tag in sorted(acc.Tags()['scalars']):\n"
                             "    for e in acc.Scalars(tag):\n"
                             "        print(f'{tag} {e.step} {e.value:.6f}')\n";
    const fs::path listing = folder / "listing.txt";
    REQUIRE(std::system(("python3 '" + script.string() + "' '" + (folder / "tb").string() +
                         "' > '" + listing.string() + "' 2>&1")
                            .c_str()) == 0);
    CHECK(ReadBinary(listing) ==
          "learning_rate 2 0.050000\ntrain_loss 1 0.750000\ntrain_loss 2 0.500000\n");
  }
  fs::remove_all(folder);
}
