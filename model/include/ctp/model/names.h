// The name rules of the model: Kubernetes (DNS-1123) labels for pipelines, steps and volumes,
// subdomains for the Kubernetes objects they name, identifiers for parameters and outputs. Plain
// character checks: no regular expression is compiled at start.
#pragma once

#include <string_view>

namespace ctp {

/// True for a DNS-1123 label: 1 to 63 of [a-z0-9-], starting and ending with [a-z0-9].
bool IsDnsLabel(std::string_view name);

/// True for a DNS-1123 subdomain, the rule of Kubernetes object names (claims, secrets, storage
/// classes): at most 253 characters, '.'-separated parts of [a-z0-9-] each starting and ending
/// with [a-z0-9].
bool IsDnsSubdomain(std::string_view name);

/// True for an identifier: [A-Za-z_] followed by any of [A-Za-z0-9_].
bool IsIdentifier(std::string_view name);

}  // namespace ctp
