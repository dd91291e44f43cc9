// The example pipelines in scripts/: each passes `ctp check` (golden summary), emits Argo (every
// kind) and KFP YAML that the shared validators accept, and `ctp graph` shows the DAG emit writes.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "ctp/emit/emit.h"
#include "ctp/interpreter/script.h"
#include "ctp/native/builtin_steps.h"
#include "ctp/step/step_registry.h"
#include "run_ctp.h"

namespace fs = std::filesystem;
using namespace ctp::testing;

namespace {

std::vector<std::string> Scripts() {
  std::vector<std::string> scripts;
  for (const auto& entry : fs::directory_iterator(SourcePath("scripts")))
    if (entry.path().extension() == ".lua") scripts.push_back(entry.path().stem().string());
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

ctp::Pipeline Load(const std::string& name) {
  ctp::RegisterBuiltinSteps(ctp::StepRegistry::Default());
  return ctp::LoadPipeline(SourcePath("scripts/" + name + ".lua"));
}

// Edges "a->b" of a DOT graph.
std::set<std::string> DotEdges(const std::string& dot) {
  std::set<std::string> edges;
  static const std::regex edge("^(\\S+)->(\\S+) ");
  std::istringstream in(dot);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    line.erase(std::remove(line.begin(), line.end(), '"'), line.end());  // quoted ids
    if (std::regex_search(line, m, edge)) edges.insert(m[1].str() + "->" + m[2].str());
  }
  return edges;
}

// Edges "a->b" of an Argo Workflow's entry DAG (from each task's `depends`).
std::set<std::string> ArgoEdges(const std::string& yaml) {
  std::set<std::string> edges;
  YAML::Node doc = YAML::Load(yaml);
  std::string entry = doc["spec"]["entrypoint"].as<std::string>();
  for (const auto& tmpl : doc["spec"]["templates"]) {
    if (tmpl["name"].as<std::string>() != entry) continue;
    for (const auto& task : tmpl["dag"]["tasks"]) {
      if (!task["depends"]) continue;
      std::string depends = task["depends"].as<std::string>();
      static const std::regex name("[a-z0-9-]+");
      for (std::sregex_iterator it(depends.begin(), depends.end(), name), end; it != end; ++it)
        edges.insert(it->str() + "->" + task["name"].as<std::string>());
    }
  }
  return edges;
}

}  // namespace

TEST_CASE("every example script passes ctp check with its golden summary") {
  std::vector<std::string> scripts = Scripts();
  CHECK(scripts.size() >= 4);
  for (const std::string& name : scripts) {
    CAPTURE(name);
    CommandResult result = RunCtp("check scripts/" + name + ".lua");
    CHECK(result.err == "");
    CHECK(result.exit_code == 0);
    CheckGolden(result.out, SourcePath("tests/scripts/golden/" + name + ".check.txt"));
  }
}

TEST_CASE("every example script emits valid Argo (all kinds) and KFP YAML") {
  TempDir dir("scripts_conformance");
  std::string argo_files, kfp_files;
  for (const std::string& name : Scripts()) {
    CAPTURE(name);
    ctp::Pipeline pipeline = Load(name);
    ctp::EmitOptions options;
    argo_files += dir.Write(name + ".workflow.yaml", ctp::EmitArgo(pipeline, options));
    options.kind = ctp::EmitOptions::Kind::kTemplate;
    argo_files += dir.Write(name + ".template.yaml", ctp::EmitArgo(pipeline, options));
    if (pipeline.schedule) {
      options.kind = ctp::EmitOptions::Kind::kAll;
      argo_files += dir.Write(name + ".all.yaml", ctp::EmitArgo(pipeline, options));
    }
    kfp_files += dir.Write(name + ".kfp.yaml", ctp::EmitKfp(pipeline));
  }
  CheckArgoValid(dir, argo_files);
  CheckKfpValid(dir, kfp_files);
}

TEST_CASE("ctp graph shows the same dependencies as the emitted Argo DAG") {
  for (const std::string& name : Scripts()) {
    CAPTURE(name);
    ctp::Pipeline pipeline = Load(name);
    CHECK(DotEdges(ctp::EmitDot(pipeline)) == ArgoEdges(ctp::EmitArgo(pipeline)));
  }
}
