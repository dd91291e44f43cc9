// TensorBoard scalar logs without TensorFlow or protobuf: `events.out.tfevents.*` files are
// TFRecord-framed `Event` protocol-buffer messages, encoded here at the wire level.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ctp::native {

/// CRC-32C (Castagnoli) of `data`.
std::uint32_t Crc32c(std::string_view data);

/// TFRecord's masked CRC: ((crc >> 15) | (crc << 17)) + 0xa282ead8, of Crc32c(data).
std::uint32_t MaskedCrc32c(std::string_view data);

/// One TFRecord: uint64 length (little-endian), masked CRC of those 8 bytes, the payload,
/// masked CRC of the payload (each CRC a little-endian uint32).
std::string FrameRecord(std::string_view payload);

/// An `Event` message holding `file_version` (the first record of every event file).
std::string EncodeFileVersionEvent(double wall_time, std::string_view version);

/// An `Event` message holding one scalar summary value `tag` = `value` at `step`.
std::string EncodeScalarEvent(double wall_time, std::int64_t step, std::string_view tag,
                              float value);

/// Scalar curves for `tensorboard --logdir`: one event file in `folder`, rewritten atomically
/// (whole) after each Add, so a reader never sees a partial record.
class TensorBoardWriter {
 public:
  /// Creates `folder`; the file is `events.out.tfevents.<unix seconds>.<host>.<pid>.ctp`.
  explicit TensorBoardWriter(std::filesystem::path folder);

  /// Appends scalar `tag` = `value` at `step`, stamped with the current time, and writes the file.
  void AddScalar(std::string_view tag, double value, std::int64_t step);

  /// The event file.
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::string records_;
};

}  // namespace ctp::native
