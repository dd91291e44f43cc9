// Content hashes for the step cache (SHA-256 from OpenSSL).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace ctp::runner {

/// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  /// Adds bytes.
  void Update(std::string_view bytes);
  /// Adds a length-prefixed field, so that ("ab","c") and ("a","bc") differ.
  void Field(std::string_view text);
  /// The digest as 64 hex digits (the object cannot be used afterwards).
  std::string HexDigest();

 private:
  void* context_;
};

/// The SHA-256 of a file's content, or of a folder's relative paths and file contents (sorted);
/// "missing" when `path` does not exist.
std::string HashPath(const std::filesystem::path& path);

}  // namespace ctp::runner
