// A generated pipeline script of N container steps for benchmarks: step i reads the outputs of
// steps i-1 (a chain) and i/2 (a fan-in), and every tenth step has a condition and a retry and is
// read by no other step (as KFP requires), so the script, the checks and the emitters all see
// realistic work. bench/peers/emit_vs_kfp.py generates the same shape for the KFP compiler.
#pragma once

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace ctp::bench {

/// The Lua source of a generated pipeline with `steps` steps.
inline std::string GeneratedPipelineScript(int steps) {
  std::string lua =
      "local ctp = require 'ctp'\n"
      "local params = ctp.params { size = ctp.int { default = 3 }, mode = ctp.string { default = 'fast' } }\n"
      "local s = {}\n";
  auto readable = [](int j) { return j % 10 == 0 ? j - 1 : j; };  // skip conditional steps
  for (int i = 1; i <= steps; ++i) {
    std::string reads = i == 1 ? "params.size"
                               : fmt::format("s[{}].outputs.out, s[{}].outputs.out",
                                             readable(i - 1), readable(std::max(1, i / 2)));
    std::string extra = i % 10 == 0 ? ", when = params.mode:eq('fast'), retry = { limit = 2, backoff = '5s' }" : "";
    lua += fmt::format(
        "s[{0}] = ctp.container {{ name = 'step-{0}', image = 'alpine:3.19', command = {{ 'sh', '-c' }}, "
        "args = {{ 'echo', {1}, ctp.output_path 'out' }}, outputs = {{ out = 'parameter' }}{2} }}\n",
        i, reads, extra);
  }
  lua += "return ctp.pipeline { name = 'generated', params = params, steps = s }\n";
  return lua;
}

}  // namespace ctp::bench
