#include "secrets.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "ctp/base/input_file.h"
#include "ctp/base/text_check.h"
#include "ctp/model/diagnostic.h"
#include "pipeline_steps.h"

namespace ctp::runner {
namespace {

std::string EnvWord(const std::string& text) {
  std::string word;
  for (unsigned char c : text) word += std::isalnum(c) ? static_cast<char>(std::toupper(c)) : '_';
  return word;
}

std::optional<std::string> Env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> Lookup(
    const std::map<std::string, std::map<std::string, std::string>>& table,
    const std::string& group, const std::string& key) {
  auto found = table.find(group);
  if (found == table.end()) return std::nullopt;
  auto value = found->second.find(key);
  if (value == found->second.end()) return std::nullopt;
  return value->second;
}

// An error in a secrets file: it names the file, the line and the key, and never shows the line
// (it holds a secret value).
Error SecretsFileError(SourceLocation location, std::string message) {
  Diagnostic diagnostic;
  diagnostic.location = std::move(location);
  diagnostic.message = std::move(message);
  diagnostic.quote_line = false;
  return Error(std::move(diagnostic));
}

// A key of the file: a name, not a list or a map (`{a: b}: x` or `[a]: x`).
std::string KeyName(const YAML::Node& key, const std::string& file) {
  if (!key.IsScalar())
    throw SecretsFileError(SourceLocation{file, key.Mark().line + 1},
                           "a key must be a name, not a list or a map");
  return key.Scalar();
}

void ReadGroup(const YAML::Node& node, const std::string& file, const std::string& group,
               std::map<std::string, std::string>& into) {
  if (!node.IsMap())
    throw SecretsFileError(SourceLocation{file, node.Mark().line + 1},
                           fmt::format("'{}' must map keys to values", group));
  for (const auto& entry : node) {
    const std::string key = KeyName(entry.first, file);
    if (!entry.second.IsScalar())
      throw SecretsFileError(SourceLocation{file, entry.second.Mark().line + 1},
                             fmt::format("'{}.{}' must be a single value", group, key));
    std::string value = entry.second.Scalar();
    if (value.find('\0') != std::string::npos)  // an environment variable would end there
      throw SecretsFileError(SourceLocation{file, entry.second.Mark().line + 1},
                             fmt::format("'{}.{}': the value contains a NUL byte", group, key));
    into[key] = std::move(value);
  }
}

}  // namespace

SecretSource::SecretSource(const std::filesystem::path& file) {
  if (file.empty()) return;
  std::string text;
  try {
    text = base::ReadInputFile(file);
  } catch (const base::InputFileError& e) {
    throw SecretsFileError(SourceLocation{file.string(), 0},
                           std::string("cannot read the secrets file: ") + e.what());
  }
  if (auto at = base::TextProblemOffset(text)) {
    const auto line =
        1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*at), '\n');
    throw SecretsFileError(SourceLocation{file.string(), static_cast<int>(line)},
                           "the secrets file " + *base::TextProblem(text));
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw SecretsFileError(SourceLocation{file.string(), e.mark.line + 1}, e.msg);
  }
  if (root.IsNull()) return;
  if (!root.IsMap())
    throw SecretsFileError(
        SourceLocation{file.string(), 1},
        "a secrets file maps secret names to {key: value} (and 'vault' to paths)");
  for (const auto& entry : root) {
    const std::string name = KeyName(entry.first, file.string());
    if (name == "vault") {
      if (!entry.second.IsMap())
        throw SecretsFileError(SourceLocation{file.string(), entry.second.Mark().line + 1},
                               "'vault' must map Vault paths to {key: value}");
      for (const auto& path : entry.second) {
        const std::string vault_path = KeyName(path.first, file.string());
        ReadGroup(path.second, file.string(), "vault." + vault_path, vault_[vault_path]);
      }
      continue;
    }
    ReadGroup(entry.second, file.string(), name, secrets_[name]);
  }
}

std::optional<std::string> SecretSource::Secret(const SecretKeyRef& ref) const {
  if (auto value = Env(SecretEnvName(ref))) return value;
  return Lookup(secrets_, ref.secret, ref.key);
}

std::optional<std::string> SecretSource::Vault(const VaultRef& ref,
                                               const std::string& default_path) const {
  if (auto value = Env(VaultEnvName(ref))) return value;
  return Lookup(vault_, ref.path.empty() ? default_path : ref.path, ref.key);
}

std::vector<Diagnostic> MissingSecrets(const Pipeline& pipeline,
                                       const std::set<std::string>& selected,
                                       const SecretSource& secrets) {
  std::vector<Diagnostic> warnings;
  auto check = [&](const Pipeline& owner, const Step& step) {
    if (step.kind != Step::Kind::kContainer) return;  // only a container's environment is set
    for (const EnvVar& env : step.env) {
      std::string missing;
      if (env.secret && !secrets.Secret(*env.secret))
        missing = fmt::format(
            "secret '{}' key '{}' has no value (add \"{}: {{{}: ...}}\" to the "
            "--secrets file, or set {})",
            env.secret->secret, env.secret->key, env.secret->secret, env.secret->key,
            SecretEnvName(*env.secret));
      else if (env.vault && !secrets.Vault(*env.vault, owner.vault_path)) {
        const std::string& path = env.vault->path.empty() ? owner.vault_path : env.vault->path;
        missing = fmt::format(
            "Vault key '{}' at '{}' has no value (add \"vault: {{{}: {{{}: ...}}}}\" "
            "to the --secrets file, or set {})",
            env.vault->key, path, path, env.vault->key, VaultEnvName(*env.vault));
      }
      if (missing.empty()) continue;
      Diagnostic warning;
      warning.location = env.location;
      warning.message =
          fmt::format("step '{}' would run without {}: {}", step.name, env.name, missing);
      warning.highlight = env.name;
      warning.severity = Diagnostic::Severity::kWarning;
      warnings.push_back(std::move(warning));
    }
  };
  for (const Step& step : pipeline.steps)
    if (selected.count(step.name)) ForEachStep(pipeline, step, check);
  if (pipeline.on_exit) ForEachStep(pipeline, *pipeline.on_exit, check);
  return warnings;
}

std::string SecretEnvName(const SecretKeyRef& ref) {
  return "CTP_SECRET_" + EnvWord(ref.secret) + "_" + EnvWord(ref.key);
}

std::string VaultEnvName(const VaultRef& ref) { return "CTP_VAULT_" + EnvWord(ref.key); }

}  // namespace ctp::runner
