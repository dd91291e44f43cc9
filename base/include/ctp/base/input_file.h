// Reading a file a user names (a script, a parameters or secrets file, a component spec): a
// regular file of bounded size, read whole. Devices, FIFOs and folders are refused instead of
// read forever.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace ctp::base {

/// The largest input file read whole: 64 MiB.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{64} << 20;

/// Why a file could not be read: what() is the reason alone ("No such file or directory", "it is
/// a directory", "it is not a regular file", "it is larger than 64 MiB"); callers prefix it.
class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The whole content of the regular file `path` (symlinks followed), at most `max_bytes` long.
/// Throws InputFileError.
std::string ReadInputFile(const std::filesystem::path& path,
                          std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace ctp::base
