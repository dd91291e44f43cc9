// Every step a run may start: a pipeline's steps and exit handler, and those of the pipelines its
// sub-pipeline steps run, however deep.
#pragma once

#include <functional>

#include "ctp/model/pipeline.h"

namespace ctp::runner {

/// Calls `visit(owner, step)` for each step of `pipeline` (its exit handler last) with the
/// pipeline that declares it; after a sub-pipeline step, for each step of its pipeline.
void ForEachStep(const Pipeline& pipeline,
                 const std::function<void(const Pipeline& owner, const Step& step)>& visit);

/// The same below one step: the step, then (for a sub-pipeline step) its pipeline's steps.
void ForEachStep(const Pipeline& owner, const Step& step,
                 const std::function<void(const Pipeline& owner, const Step& step)>& visit);

}  // namespace ctp::runner
