#include <doctest/doctest.h>

#include "cnn/evaluate_metrics.h"

TEST_CASE("evaluate metrics: accuracy, per-class P/R/F1 and the KFP documents") {
  const auto report =
      ctp::native::Score({0, 0, 1, 1, 2, 2}, {0, 1, 1, 1, 2, 0}, {"cat", "Dog Big", "eel"});
  CHECK(report.accuracy == doctest::Approx(4.0 / 6));
  CHECK(report.confusion == std::vector<std::vector<long long>>{{1, 1, 0}, {0, 2, 0}, {1, 0, 1}});
  CHECK(report.precision[1] == doctest::Approx(2.0 / 3));
  CHECK(report.recall[1] == doctest::Approx(1.0));
  CHECK(report.f1[1] == doctest::Approx(0.8));
  const auto metrics = ctp::native::KfpMetrics(report);
  CHECK(metrics["metrics"][0]["name"] == "accuracy");
  CHECK(metrics["metrics"][0]["format"] == "RAW");
  CHECK(metrics["metrics"][5]["name"] == "precision_dog_big");
  const auto ui = ctp::native::KfpUiMetadata(report)["outputs"][0];
  CHECK(ui["storage"] == "inline");
  CHECK(ui["format"] == "csv");
  CHECK(ui["schema"][2] == nlohmann::json({{"name", "count"}, {"type", "NUMBER"}}));
  CHECK(ui["source"].get<std::string>().rfind("cat,cat,1\ncat,Dog Big,1\ncat,eel,0\n", 0) == 0);
}
