#include "fingerprint.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "crypto_loader.h"

namespace ctp::runner {

Sha256::Sha256() : context_(Crypto().md_ctx_new()) {
  if (!context_ ||
      Crypto().digest_init_ex(static_cast<EVP_MD_CTX*>(context_), Crypto().sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 is not available");
}

Sha256::~Sha256() { Crypto().md_ctx_free(static_cast<EVP_MD_CTX*>(context_)); }

void Sha256::Update(std::string_view bytes) {
  Crypto().digest_update(static_cast<EVP_MD_CTX*>(context_), bytes.data(), bytes.size());
}

void Sha256::Field(std::string_view text) {
  Update(std::to_string(text.size()));
  Update(":");
  Update(text);
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  Crypto().digest_final_ex(static_cast<EVP_MD_CTX*>(context_), digest, &size);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

namespace {

void HashFile(const std::filesystem::path& path, Sha256& hash) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}' to hash it", path.string()));
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    hash.Update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
}

}  // namespace

std::string HashPath(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return "missing";
  Sha256 hash;
  if (!std::filesystem::is_directory(path)) {
    hash.Update("file:");
    HashFile(path, hash);
    return hash.HexDigest();
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  hash.Update("dir:");
  for (const auto& file : files) {
    hash.Field(std::filesystem::relative(file, path).generic_string());
    Sha256 content;
    HashFile(file, content);
    hash.Field(content.HexDigest());
  }
  return hash.HexDigest();
}

}  // namespace ctp::runner
