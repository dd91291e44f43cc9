// Checks made before a run starts (so that bad options fail with nothing written) and the
// selection of steps that --only and --from make.
#pragma once

#include <map>
#include <set>
#include <string>

#include "ctp/model/dag.h"
#include "ctp/model/pipeline.h"
#include "ctp/runner/runner.h"

namespace ctp::runner {

/// The parameter values of a loaded pipeline. Throws std::invalid_argument for a parameter
/// without a value.
std::map<std::string, std::string> ParamValuesOf(const Pipeline& pipeline);

/// Throws for what would make the run fail before it starts: an unknown --only/--from step (with
/// did-you-mean), a --volume naming no volume or a missing folder, a container step without a
/// command or whose program is not on PATH (in sub-pipelines too), a sub-pipeline with its own
/// exit handler.
void CheckRunnable(const Pipeline& pipeline, const RunOptions& options);

/// The steps that run: all of them, the --only step, or the --from step and everything
/// downstream of it.
std::set<std::string> SelectSteps(const Pipeline& pipeline, const Dag& dag,
                                  const RunOptions& options);

}  // namespace ctp::runner
