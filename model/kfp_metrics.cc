#include "ctp/model/kfp_metrics.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace ctp {
namespace {

using nlohmann::json;

[[noreturn]] void Malformed(const std::string& source, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {}", source, what));
}

json ParseJson(const std::string& text, const std::string& source) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    Malformed(source, fmt::format("not valid JSON ({})", e.what()));
  }
}

KfpMetric ReadEntry(const json& entry, std::size_t i, const std::string& source) {
  const std::string field = fmt::format("metrics[{}]", i);
  if (!entry.is_object()) Malformed(source, field + ": expected an object");
  const auto name = entry.find("name");
  if (name == entry.end() || !name->is_string())
    Malformed(source, field + ".name: expected a string");
  const auto value = entry.find("numberValue");
  if (value == entry.end() || !value->is_number())
    Malformed(source, field + ".numberValue: expected a number");
  return {name->get<std::string>(), value->get<double>()};
}

}  // namespace

std::vector<KfpMetric> ParseKfpMetrics(const std::string& text, const std::string& source) {
  const json document = ParseJson(text, source);
  const auto metrics = document.is_object() ? document.find("metrics") : document.end();
  if (!document.is_object() || metrics == document.end() || !metrics->is_array())
    Malformed(source, "expected an object with a \"metrics\" array");
  std::vector<KfpMetric> entries;
  for (const json& entry : *metrics) entries.push_back(ReadEntry(entry, entries.size(), source));
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
