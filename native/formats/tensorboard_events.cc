// Wire format written here (protobuf encoding, field number << 3 | wire type):
//   Event            1 wall_time double (fixed64)   2 step int64 (varint)
//                    3 file_version string          5 summary Summary
//   Summary          1 value Summary.Value (repeated)
//   Summary.Value    1 tag string                   2 simple_value float (fixed32)
// (tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto), framed as
// TFRecords (tensorflow/core/lib/io/record_writer.cc).
#include "formats/tensorboard_events.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <boost/crc.hpp>
#include <chrono>
#include <cstring>

#include "ctp/base/atomic_file.h"

namespace ctp::native {
namespace {

enum WireType : std::uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

void AppendVarint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(char(std::uint8_t(value) | 0x80));
    value >>= 7;
  }
  out.push_back(char(value));
}

void AppendKey(std::string& out, int field, WireType type) {
  AppendVarint(out, std::uint64_t(field) << 3 | type);
}

template <typename T>
void AppendLittleEndian(std::string& out, T value) {
  static_assert(std::endian::native == std::endian::little, "big-endian hosts are not supported");
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void AppendBytesField(std::string& out, int field, std::string_view bytes) {
  AppendKey(out, field, kLengthDelimited);
  AppendVarint(out, bytes.size());
  out.append(bytes);
}

void AppendWallTime(std::string& out, double wall_time) {
  AppendKey(out, 1, kFixed64);
  AppendLittleEndian(out, wall_time);
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string HostName() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "localhost";
  return name.data();
}

}  // namespace

std::uint32_t Crc32c(std::string_view data) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

std::uint32_t MaskedCrc32c(std::string_view data) {
  const std::uint32_t crc = Crc32c(data);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

std::string FrameRecord(std::string_view payload) {
  std::string length;
  AppendLittleEndian(length, std::uint64_t(payload.size()));
  std::string record = length;
  AppendLittleEndian(record, MaskedCrc32c(length));
  record.append(payload);
  AppendLittleEndian(record, MaskedCrc32c(payload));
  return record;
}

std::string EncodeFileVersionEvent(double wall_time, std::string_view version) {
  std::string event;
  AppendWallTime(event, wall_time);
  AppendBytesField(event, 3, version);
  return event;
}

std::string EncodeScalarEvent(double wall_time, std::int64_t step, std::string_view tag,
                              float value) {
  std::string summary_value;
  AppendBytesField(summary_value, 1, tag);
  AppendKey(summary_value, 2, kFixed32);
  AppendLittleEndian(summary_value, value);
  std::string summary;
  AppendBytesField(summary, 1, summary_value);
  std::string event;
  AppendWallTime(event, wall_time);
  AppendKey(event, 2, kVarint);
  AppendVarint(event, std::uint64_t(step));
  AppendBytesField(event, 5, summary);
  return event;
}

TensorBoardWriter::TensorBoardWriter(std::filesystem::path folder) {
  const double now = NowSeconds();
  std::filesystem::create_directories(folder);
  path_ = folder / fmt::format("events.out.tfevents.{}.{}.{}.ctp", std::int64_t(now), HostName(),
                               ::getpid());
  records_ = FrameRecord(EncodeFileVersionEvent(now, "brain.Event:2"));
  base::WriteFileAtomically(path_, records_);
}

void TensorBoardWriter::AddScalar(std::string_view tag, double value, std::int64_t step) {
  records_ += FrameRecord(EncodeScalarEvent(NowSeconds(), step, tag, float(value)));
  base::WriteFileAtomically(path_, records_);
}

}  // namespace ctp::native
