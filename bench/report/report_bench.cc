// Rendering the HTML run report for runs of growing size: N steps (each reading the two before),
// a loss curve of 50 epochs per ten steps, and one slide with P kept patches.
#include <benchmark/benchmark.h>

#include <string>

#include "ctp/report/html_report.h"

namespace {

ctp::report::RunReport SyntheticRun(int steps, int patches) {
  ctp::report::RunReport run;
  run.run_id = "bench";
  run.pipeline = "synthetic";
  run.status = ctp::RunStatus::kSucceeded;
  run.start = 1.8e9;
  run.end = *run.start + steps;
  for (int i = 0; i < steps; ++i) {
    ctp::StepRecord step;
    step.step = "step-" + std::to_string(i);
    step.status = ctp::RunStatus::kSucceeded;
    step.started_at = *run.start + i;
    step.duration = 0.9;
    step.attempts = 1;
    run.steps.push_back(step);
    for (int back : {1, 2})
      if (i >= back) run.edges.push_back({"step-" + std::to_string(i - back), step.step});
    if (i % 10 == 0) {
      ctp::report::MetricSeries loss{step.step, "train_loss", {}};
      for (int epoch = 1; epoch <= 50; ++epoch) loss.points.push_back({epoch, 1.0 / epoch});
      run.series.push_back(loss);
    }
  }
  ctp::report::SlideView slide;
  slide.slide = "slide.svs";
  for (int p = 0; p < patches; ++p)
    slide.patches.push_back({double(p % 100) * 256, double(p / 100) * 256, 256, "positive"});
  run.slides.push_back(slide);
  return run;
}

void BM_RenderHtmlReport(benchmark::State& state) {
  const ctp::report::RunReport run = SyntheticRun(int(state.range(0)), int(state.range(1)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string html = ctp::report::RenderHtmlReport(run);
    bytes = html.size();
    benchmark::DoNotOptimize(html.data());
  }
  state.counters["html_KiB"] = double(bytes) / 1024;
}
BENCHMARK(BM_RenderHtmlReport)
    ->Args({10, 1000})
    ->Args({100, 1000})
    ->Args({1000, 1000})
    ->Args({100, 10000})
    ->Unit(benchmark::kMillisecond);

}  // namespace
