// A secrets file, as `ctp run --secrets FILE` takes it (runner::SecretSource), and the lookups a
// run makes: a Kubernetes secret key and a Vault key, under the default path and a given one.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "secrets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = ctp::fuzz::WriteInput("secrets.yaml", ctp::fuzz::Text(data, size));
  ctp::fuzz::RefusalsAllowed(
      [&] {
        const ctp::runner::SecretSource secrets(path);
        secrets.Secret(ctp::SecretKeyRef{"slack", "webhook"});
        secrets.Vault(ctp::VaultRef{"", "slack-webhook"}, "secret/data/ctp/hello");
        secrets.Vault(ctp::VaultRef{"secret/data/other", "token"}, "secret/data/ctp/hello");
      },
      path.string());
  return 0;
}
