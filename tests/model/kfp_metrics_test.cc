// KFP metrics files: read strictly, with the file and the field in every error.
#include "ctp/model/kfp_metrics.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace ctp {
namespace {

std::string Error(const std::string& text) {
  try {
    ParseKfpMetrics(text, "m.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST_CASE("the entries of a metrics document, in order") {
  const std::vector<KfpMetric> metrics = ParseKfpMetrics(
      R"({"metrics": [{"name": "accuracy", "numberValue": 0.9, "format": "RAW"},
                      {"name": "loss", "numberValue": 2}]})",
      "m.json");
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0].name == "accuracy");
  CHECK(metrics[0].value == doctest::Approx(0.9));
  CHECK(metrics[1].name == "loss");
  CHECK(metrics[1].value == 2);
  CHECK(ParseKfpMetrics(R"({"metrics": []})", "m.json").empty());
}

TEST_CASE("a malformed document names the source and the field") {
  CHECK(Error("{\"metrics\": [").rfind("m.json: not valid JSON (", 0) == 0);
  CHECK(Error(R"({"metrics": [{"name": "a", "numberValue": 1e4001024}]})") ==
        "m.json: not valid JSON ([json.exception.out_of_range.406] number overflow parsing "
        "'1e4001024')");
  CHECK(Error("[1]") == "m.json: the document must be an object, got an array");
  CHECK(Error(R"({"metrics": {}})") == "m.json: field 'metrics' must be an array, got an object");
  CHECK(Error(R"({"metrics": [1]})") == "m.json: field 'metrics[0]' must be an object, got 1");
  CHECK(Error(R"({"metrics": [{"name": "a", "numberValue": 1}, {"numberValue": 1}]})") ==
        "m.json: field 'metrics[1].name' is missing");
  CHECK(Error(R"({"metrics": [{"name": "x", "numberValue": "NaN"}]})") ==
        "m.json: field 'metrics[0].numberValue' must be a number, got \"NaN\"");
}

TEST_CASE("a metrics file is read by its path; a missing one is named") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ctp_kfp_metrics_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.json") << R"({"metrics": [{"name": "acc", "numberValue": 0.5}]})";
  CHECK(ReadKfpMetrics(dir / "m.json").at(0).value == 0.5);
  std::ofstream(dir / "bad.json") << R"({"metrics": [{"name": 1, "numberValue": 0.5}]})";
  CHECK_THROWS_WITH_AS(
      ReadKfpMetrics(dir / "bad.json"),
      ((dir / "bad.json").string() + ": field 'metrics[0].name' must be a string, got 1").c_str(),
      std::runtime_error);
  CHECK_THROWS_WITH_AS(ReadKfpMetrics(dir / "none.json"),
                       ((dir / "none.json").string() + ": cannot be read").c_str(),
                       std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ctp
