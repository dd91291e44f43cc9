#include "crypto_loader.h"

#include <string>

#include "ctp/base/shared_library.h"

namespace ctp::runner {

CryptoApi LoadCrypto(const std::string& name) {
  const base::SharedLibrary library(name, "OpenSSL's libcrypto, Debian package libssl3");
  CryptoApi api{};
  library.Bind("EVP_MD_CTX_new", api.md_ctx_new);
  library.Bind("EVP_MD_CTX_free", api.md_ctx_free);
  library.Bind("EVP_sha256", api.sha256);
  library.Bind("EVP_DigestInit_ex", api.digest_init_ex);
  library.Bind("EVP_DigestUpdate", api.digest_update);
  library.Bind("EVP_DigestFinal_ex", api.digest_final_ex);
  return api;
}

const CryptoApi& Crypto() {
  static const CryptoApi api = LoadCrypto(CTP_CRYPTO_SONAME);
  return api;
}

}  // namespace ctp::runner
