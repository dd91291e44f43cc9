// Conformance: every sample's Argo and KFP output passes the shared validators (Argo JSON schema
// with reference checks; KFP protos). One validator call per format keeps the test fast.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "ctp/emit.h"
#include "sample_pipelines.h"
#include "test_paths.h"

using namespace ctp;
using namespace ctp::testing;

namespace {

// A fresh temporary folder, removed at the end of the test.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("ctp_emit_conformance_" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string Write(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::filesystem::path file = dir.path / name;
  std::ofstream(file) << text;
  return " '" + file.string() + "'";
}

int Run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("emitted Argo and KFP YAML passes the shared validators") {
  TempDir dir;
  std::string argo_files, kfp_files;
  for (const auto& [name, pipeline] : AllSamplePipelines()) {
    argo_files += Write(dir, name + ".argo.yaml", EmitArgo(pipeline));
    kfp_files += Write(dir, name + ".kfp.yaml", EmitKfp(pipeline));
  }
  const Pipeline nightly = ScheduledPipeline({"0 2 * * *", "30 14 * * 1-5"});
  for (EmitOptions::Kind kind :
       {EmitOptions::Kind::kTemplate, EmitOptions::Kind::kCron, EmitOptions::Kind::kAll}) {
    EmitOptions options;
    options.kind = kind;
    argo_files += Write(dir, "nightly-" + std::to_string(static_cast<int>(kind)) + ".argo.yaml",
                        EmitArgo(nightly, options));
  }
  const std::string tools = SharedPath("tools/");
  const std::string argo_log = (dir.path / "argo.log").string();
  CHECK(Run("python3 '" + tools + "validate_argo.py' --refs" + argo_files + " > '" + argo_log +
            "' 2>&1 || { cat '" + argo_log + "'; exit 1; }") == 0);

  if (Run("python3 -c 'import kfp.pipeline_spec' > /dev/null 2>&1") != 0) {
    std::cout << "SKIPPED: KFP validation (pip install -r deps/python-test-requirements.txt)\n";
    return;
  }
  const std::string kfp_log = (dir.path / "kfp.log").string();
  CHECK(Run("python3 '" + tools + "validate_kfp.py'" + kfp_files + " > '" + kfp_log +
            "' 2>&1 || { cat '" + kfp_log + "'; exit 1; }") == 0);
}
