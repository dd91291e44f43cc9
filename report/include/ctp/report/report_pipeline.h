// What a run's report takes from its pipeline: the DAG's edges, the exit handler, and the steps
// in declaration order (steps the run never reached appear as pending).
#pragma once

#include "ctp/model/pipeline.h"
#include "ctp/report/run_report.h"

namespace ctp::report {

/// Sets `report.edges` and `report.exit_handler` from `pipeline` (its DAG, built with
/// ctp::Dag), and orders `report.steps` as the pipeline declares them: a looped step's tasks
/// (`s[0]`, `s[1]`) follow `s`, steps without a record are added as pending, records of steps the
/// pipeline lacks go last. Sets `report.pipeline` when it is empty. Throws ctp::Error as
/// Dag::Build does.
void AddPipelineShape(const Pipeline& pipeline, RunReport& report);

}  // namespace ctp::report
