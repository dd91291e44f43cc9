// Conformance: every sample's Argo and KFP output passes the shared validators (Argo JSON schema
// with reference checks; KFP protos). One validator call per format keeps the test fast.
#include <doctest/doctest.h>

#include "ctp/emit/emit.h"
#include "sample_pipelines.h"
#include "validators.h"

using namespace ctp;
using namespace ctp::testing;

TEST_CASE("emitted Argo and KFP YAML passes the shared validators") {
  TempDir dir("emit_conformance");
  std::string argo_files, kfp_files;
  for (const auto& [name, pipeline] : AllSamplePipelines()) {
    argo_files += dir.Write(name + ".argo.yaml", EmitArgo(pipeline));
    kfp_files += dir.Write(name + ".kfp.yaml", EmitKfp(pipeline));
  }
  argo_files += dir.Write("result.argo.yaml", EmitArgo(ResultPipeline()));  // Argo only
  const Pipeline nightly = ScheduledPipeline({"0 2 * * *", "30 14 * * 1-5"});
  for (EmitOptions::Kind kind :
       {EmitOptions::Kind::kTemplate, EmitOptions::Kind::kCron, EmitOptions::Kind::kAll}) {
    EmitOptions options;
    options.kind = kind;
    argo_files += dir.Write("nightly-" + std::to_string(static_cast<int>(kind)) + ".argo.yaml",
                        EmitArgo(nightly, options));
  }
  CheckArgoValid(dir, argo_files);
  CheckKfpValid(dir, kfp_files);
}
