#include "ctp/model/kfp_metrics.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "ctp/model/json_field.h"

namespace ctp {
namespace {

using nlohmann::json;

[[noreturn]] void Malformed(const std::string& source, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {}", source, what));
}

json ParseJson(const std::string& text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for 1e400
    Malformed(source, fmt::format("not valid JSON ({})", e.what()));
  }
}

}  // namespace

std::vector<KfpMetric> ParseKfpMetrics(const std::string& text, const std::string& source) {
  const json document = ParseJson(text, source);
  std::vector<KfpMetric> entries;
  for (const JsonField& entry : JsonField(document, source)["metrics"].Elements())
    entries.push_back({entry["name"].Get<std::string>(), entry["numberValue"].Get<double>()});
  return entries;
}

std::vector<KfpMetric> ReadKfpMetrics(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Malformed(path.string(), "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseKfpMetrics(text.str(), path.string());
}

}  // namespace ctp
