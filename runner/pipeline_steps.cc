#include "pipeline_steps.h"

namespace ctp::runner {

void ForEachStep(const Pipeline& owner, const Step& step,
                 const std::function<void(const Pipeline& owner, const Step& step)>& visit) {
  visit(owner, step);
  if (step.kind == Step::Kind::kPipeline && step.pipeline) ForEachStep(*step.pipeline, visit);
}

void ForEachStep(const Pipeline& pipeline,
                 const std::function<void(const Pipeline& owner, const Step& step)>& visit) {
  for (const Step& step : pipeline.steps) ForEachStep(pipeline, step, visit);
  if (pipeline.on_exit) ForEachStep(pipeline, *pipeline.on_exit, visit);
}

}  // namespace ctp::runner
