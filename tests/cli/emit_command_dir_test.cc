// `ctp emit --dir OUT`: one file per resource (the layout an Argo CD application syncs), written
// atomically and deterministically, leaving every other file in OUT alone.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "run_ctp.h"

using namespace ctp::testing;

namespace {

// The names of the files in `dir`.
std::set<std::string> FilesIn(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.insert(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("emit --dir writes the template and the cron as two files and keeps other files") {
  TempDir dir("emit_dir");
  const std::string out = dir.path.string();
  dir.Write("keep.yaml", "kind: ConfigMap\n");
  dir.Write("workflowtemplate-old.yaml", "kind: WorkflowTemplate\n");

  CommandResult result = RunCtp("emit scripts/train.lua --kind all --dir '" + out + "'");
  CHECK(result.exit_code == 0);
  CHECK(result.err == "");
  const std::string template_file = out + "/workflowtemplate-wsi-continuous-training.yaml";
  const std::string cron_file = out + "/cronworkflow-wsi-continuous-training.yaml";
  CHECK(result.out == template_file + "\n" + cron_file + "\n");
  CHECK(FilesIn(dir.path) == std::set<std::string>{"keep.yaml", "workflowtemplate-old.yaml",
                                                   "workflowtemplate-wsi-continuous-training.yaml",
                                                   "cronworkflow-wsi-continuous-training.yaml"});
  CHECK(ReadText(out + "/keep.yaml") == "kind: ConfigMap\n");
  CHECK(ReadText(out + "/workflowtemplate-old.yaml") == "kind: WorkflowTemplate\n");

  // The files are the documents `--kind all` writes to stdout, one each.
  const std::string both = RunCtp("emit scripts/train.lua --kind all").out;
  const std::string first = ReadText(template_file), second = ReadText(cron_file);
  CHECK(both == first + "---\n" + second);
  CHECK(first.find("kind: WorkflowTemplate\n") != std::string::npos);
  CHECK(second.find("kind: CronWorkflow\n") != std::string::npos);
  CHECK(second.find("---") == std::string::npos);

  // Vault values stay placeholders for argocd-vault-plugin.
  CHECK(first.find("avp.kubernetes.io/path: secret/data/ctp/wsi\n") != std::string::npos);
  CHECK(first.find("value: <slack-webhook>\n") != std::string::npos);

  // Deterministic: a second run writes the same bytes.
  CHECK(RunCtp("emit scripts/train.lua --kind all --dir '" + out + "'").exit_code == 0);
  CHECK(ReadText(template_file) == first);
  CHECK(ReadText(cron_file) == second);
  CHECK(FilesIn(dir.path).size() == 4);  // no temporary file left
}

TEST_CASE("emit --dir names each kind of resource") {
  TempDir dir("emit_dir_kinds");
  const std::string out = dir.path.string();
  CHECK(RunCtp("emit scripts/hello.lua --dir '" + out + "'").exit_code == 0);
  CHECK(RunCtp("emit scripts/hello.lua --kind template --dir '" + out + "'").exit_code == 0);
  CHECK(RunCtp("emit scripts/train.lua --kind cron --dir '" + out + "'").exit_code == 0);
  CHECK(RunCtp("emit scripts/hello.lua --format kfp --dir '" + out + "'").exit_code == 0);
  CHECK(FilesIn(dir.path) ==
        std::set<std::string>{"workflow-hello.yaml", "workflowtemplate-hello.yaml",
                              "cronworkflow-wsi-continuous-training.yaml", "pipeline-hello.yaml"});
  CHECK(ReadText(out + "/workflow-hello.yaml") == RunCtp("emit scripts/hello.lua").out);
  CHECK(ReadText(out + "/pipeline-hello.yaml") ==
        RunCtp("emit scripts/hello.lua --format kfp").out);
}

TEST_CASE("emit --dir writes nothing on error, and does not combine with -o") {
  TempDir dir("emit_dir_error");
  const std::filesystem::path out = dir.path / "gitops";
  CommandResult bad =
      RunCtp("emit tests/interpreter/bad_scripts/cycle.lua --dir '" + out.string() + "'");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("dependency cycle") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  // A CronWorkflow for a pipeline without a schedule: the template is not written either.
  CommandResult no_schedule =
      RunCtp("emit scripts/hello.lua --kind all --dir '" + out.string() + "'");
  CHECK(no_schedule.exit_code == 1);
  CHECK(no_schedule.err.find("a CronWorkflow needs a schedule") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  CommandResult both =
      RunCtp("emit scripts/hello.lua --dir '" + out.string() + "' -o '" + out.string() + ".yaml'");
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("--output excludes --dir") != std::string::npos);
}
