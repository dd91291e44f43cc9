// KFP components → steps: a script that loads one v1 component.yaml (C++, yaml-cpp) and calls
// its factory N times (placeholders resolved in Lua), against the same N steps written with
// ctp.container.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ctp/interpreter/script.h"

namespace {

constexpr const char* kComponent = R"(name: Train
inputs:
- {name: Training data, type: CSV}
- {name: Epochs, type: Integer, default: '10', optional: true}
- {name: Learning rate, type: Float, default: '0.1', optional: true}
- {name: Run name, type: String, optional: true}
outputs:
- {name: Model, type: Model}
- {name: Accuracy, type: Float}
implementation:
  container:
    image: python:3.11-slim
    command: [python3, -m, trainer]
    args:
    - --data
    - {inputPath: Training data}
    - --epochs
    - {inputValue: Epochs}
    - {concat: [--learning-rate=, {inputValue: Learning rate}]}
    - if:
        cond: {isPresent: Run name}
        then: [--run-name, {inputValue: Run name}]
    - --model
    - {outputPath: Model}
    - --accuracy
    - {outputPath: Accuracy}
)";

// A folder with component.yaml, removed at exit.
struct ComponentDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("ctp_component_bench_" + std::to_string(::getpid()));
  ComponentDir() {
    std::filesystem::create_directories(path);
    std::ofstream(path / "component.yaml") << kComponent;
  }
  ~ComponentDir() { std::filesystem::remove_all(path); }
};

// N steps reading one source step: through the component, or as ctp.container.
std::string Script(int steps, bool component) {
  std::string lua =
      "local ctp = require 'ctp'\n"
      "local train = ctp.load_component 'component.yaml'\n"
      "local src = ctp.container { name = 'src', image = 'a', outputs = { t = 'artifact' } }\n"
      "local s = { src }\n";
  for (int i = 1; i <= steps; ++i) {
    lua += component
               ? fmt::format("s[#s + 1] = train {{ name = 'train-{}', training_data = "
                             "src.outputs.t, epochs = {}, run_name = 'r{}' }}\n",
                             i, i, i)
               : fmt::format("s[#s + 1] = ctp.container {{ name = 'train-{0}', image = "
                             "'python:3.11-slim', command = {{ 'python3', '-m', 'trainer' }}, "
                             "args = {{ '--data', src.outputs.t, '--epochs', {0}, "
                             "'--learning-rate=0.1', '--run-name', 'r{0}', '--model', "
                             "ctp.output_path 'model', '--accuracy', ctp.output_path 'accuracy' }}, "
                             "outputs = {{ model = 'artifact', accuracy = 'parameter' }} }}\n",
                             i);
  }
  return lua + "return ctp.pipeline { name = 'p', steps = s }\n";
}

void LoadSteps(benchmark::State& state, bool component) {
  static const ComponentDir dir;
  const std::string script = Script(static_cast<int>(state.range(0)), component);
  const std::string name = (dir.path / "p.lua").string();
  for (auto _ : state) {
    ctp::Pipeline pipeline = ctp::LoadPipelineFromString(script, name);
    benchmark::DoNotOptimize(pipeline.steps.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_LoadComponentSteps(benchmark::State& state) { LoadSteps(state, true); }
void BM_LoadContainerSteps(benchmark::State& state) { LoadSteps(state, false); }

}  // namespace

BENCHMARK(BM_LoadComponentSteps)->Arg(1)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadContainerSteps)->Arg(1)->Arg(1000)->Unit(benchmark::kMillisecond);
