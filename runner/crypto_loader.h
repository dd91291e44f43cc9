// OpenSSL's libcrypto, loaded when the first step cache key is hashed. Linking it would map
// libcrypto into every ctp process and cost ~2.5 M instructions of dynamic-loader work at each
// start, `ctp emit` and `ctp --version` included; only the runner's SHA-256 cache keys use it.
#pragma once

#include <openssl/evp.h>

#include <string>

namespace ctp::runner {

/// The libcrypto entry points the SHA-256 fingerprints use.
struct CryptoApi {
  decltype(&EVP_MD_CTX_new) md_ctx_new;
  decltype(&EVP_MD_CTX_free) md_ctx_free;
  decltype(&EVP_sha256) sha256;
  decltype(&EVP_DigestInit_ex) digest_init_ex;
  decltype(&EVP_DigestUpdate) digest_update;
  decltype(&EVP_DigestFinal_ex) digest_final_ex;
};

/// Loads the libcrypto library `name` (a soname or path) and binds its entry points. Throws
/// std::runtime_error naming the library when it cannot be loaded or lacks a symbol.
CryptoApi LoadCrypto(const std::string& name);

/// libcrypto (its soname, libcrypto.so.3), loaded on the first call (thread-safe) and kept.
const CryptoApi& Crypto();

}  // namespace ctp::runner
