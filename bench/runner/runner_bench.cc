// Runner overhead per step: a pipeline of N no-op container steps (`true`) run by RunPipeline,
// against starting `true` N times with raw fork/exec. Both one step at a time (--jobs 1), so the
// difference is what the runner adds per step (scheduling, run folders, logs, the SQLite
// records, publishing outputs). Results: docs/benchmarks.md. `bench/run_all --only runner` runs
// BM_RunnerNoopSteps and BM_ForkExecTrue as separate processes, interleaved, on tmpfs and on the
// disk (TMPDIR), and sets two variables: CTP_RUNNER_BENCH_STEPS (steps per iteration, 1000 when
// unset) and CTP_RUNNER_BENCH_KEEP_WORKDIRS=1 (leave the workdirs to the caller, so that their
// removal is not part of this process's time).
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string_view>

#include "ctp/runner/runner.h"

namespace {

int Steps() {
  static const int steps = [] {
    const char* value = std::getenv("CTP_RUNNER_BENCH_STEPS");
    return value != nullptr && std::atoi(value) > 0 ? std::atoi(value) : 1000;
  }();
  return steps;
}

ctp::Pipeline NoopPipeline(int steps, bool chain) {
  ctp::Pipeline pipeline;
  pipeline.name = "noop";
  for (int i = 0; i < steps; ++i) {
    ctp::Step step;
    step.name = "s" + std::to_string(i);
    step.kind = ctp::Step::Kind::kContainer;
    step.image = "alpine";
    step.command = {ctp::Template::Of("true")};
    if (chain && i > 0) step.after = {"s" + std::to_string(i - 1)};
    pipeline.steps.push_back(std::move(step));
  }
  return pipeline;
}

void BM_ForkExecTrue(benchmark::State& state) {
  for (auto _ : state) {
    for (int i = 0; i < Steps(); ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::execl("/usr/bin/true", "true", static_cast<char*>(nullptr));
        ::_exit(127);
      }
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
  state.SetItemsProcessed(state.iterations() * Steps());
}

// Every run gets a fresh workdir, and they are all removed when the process exits: removing
// thousands of step folders between iterations made the next run's mkdirs pay for ext4's search
// past recently deleted inodes (no journal: `recently_deleted()` skips inodes freed in the last
// 30 s), which measured the benchmark's own churn, not the runner.
std::filesystem::path FreshWorkdir() {
  static const std::filesystem::path root = [] {
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("ctp_runner_bench_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    const char* keep = std::getenv("CTP_RUNNER_BENCH_KEEP_WORKDIRS");
    if (keep != nullptr && std::string_view(keep) == "1") return path;
    std::atexit([] {
      std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                  ("ctp_runner_bench_" + std::to_string(::getpid())));
    });
    return path;
  }();
  static int runs = 0;
  return root / std::to_string(runs++);
}

void RunNoop(benchmark::State& state, bool chain, int jobs) {
  const ctp::Pipeline pipeline = NoopPipeline(Steps(), chain);
  for (auto _ : state) {
    state.PauseTiming();
    const std::filesystem::path workdir = FreshWorkdir();
    state.ResumeTiming();
    std::ostringstream out;
    ctp::RunOptions options;
    options.workdir = workdir;
    options.jobs = jobs;
    options.use_cache = false;
    options.progress = ctp::ProgressStyle::kQuiet;
    options.out = &out;
    ctp::RunResult result = ctp::RunPipeline(pipeline, options);
    if (result.status != ctp::RunStatus::kSucceeded) state.SkipWithError("the run failed");
  }
  state.SetItemsProcessed(state.iterations() * Steps());
}

void BM_RunnerNoopSteps(benchmark::State& state) { RunNoop(state, false, 1); }
void BM_RunnerNoopChain(benchmark::State& state) { RunNoop(state, true, 1); }
void BM_RunnerNoopStepsAllCores(benchmark::State& state) { RunNoop(state, false, 0); }

}  // namespace

BENCHMARK(BM_ForkExecTrue)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_RunnerNoopSteps)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_RunnerNoopChain)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_RunnerNoopStepsAllCores)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
