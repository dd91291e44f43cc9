// Secret values for local runs: Kubernetes secret keys and Vault values, from a YAML secrets
// file or environment variables. Values are handed to steps only; they are never printed, logged
// or part of a fingerprint.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ctp/model/diagnostic.h"
#include "ctp/model/pipeline.h"

namespace ctp::runner {

/// Where secret values come from. The secrets file is YAML:
///   slack:                      # a Kubernetes secret: key → value
///     webhook: https://...
///   vault:                      # Vault paths: key → value
///     secret/data/ctp/hello:
///       slack-webhook: https://...
/// The environment overrides it: CTP_SECRET_<SECRET>_<KEY> and CTP_VAULT_<KEY> (upper case,
/// other characters as '_').
class SecretSource {
 public:
  /// Reads the file (none when `file` is empty). Throws ctp::Error naming the file.
  explicit SecretSource(const std::filesystem::path& file);

  /// The value of a Kubernetes secret key, if known.
  std::optional<std::string> Secret(const SecretKeyRef& ref) const;
  /// The value of a Vault reference (`path` empty: `default_path`), if known.
  std::optional<std::string> Vault(const VaultRef& ref, const std::string& default_path) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> secrets_;
  std::map<std::string, std::map<std::string, std::string>> vault_;
};

/// A warning for each secret or Vault value that a container step among `selected` (or the exit
/// handler) takes as an environment variable and `secrets` has no value for: the step would run
/// with the variable unset. Names the step, the variable and what to provide; never a value.
std::vector<Diagnostic> MissingSecrets(const Pipeline& pipeline,
                                       const std::set<std::string>& selected,
                                       const SecretSource& secrets);

/// The environment variable that overrides a secret: CTP_SECRET_SLACK_WEBHOOK.
std::string SecretEnvName(const SecretKeyRef& ref);
/// The environment variable that overrides a Vault key: CTP_VAULT_SLACK_WEBHOOK.
std::string VaultEnvName(const VaultRef& ref);

}  // namespace ctp::runner
