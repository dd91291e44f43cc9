// ctp emit SCRIPT: Argo Workflows or Kubeflow Pipelines YAML for the pipeline.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli.h"
#include "ctp/base/atomic_file.h"
#include "ctp/emit/emit.h"

namespace ctp::cli {

Command AddEmitCommand(CLI::App& app) {
  struct Options {
    ScriptOptions script;
    std::string format = "argo";
    std::string kind = "workflow";
    int argo_version = 4;
    std::string image;
    std::string output;
    std::string dir;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("emit", "write Argo Workflows or Kubeflow Pipelines v2 YAML");
  options->script.AddTo(*command);
  command->add_option("--format", options->format, "argo (default) or kfp")
      ->check(CLI::IsMember({"argo", "kfp"}));
  command
      ->add_option("--kind", options->kind,
                   "Argo resource: workflow (default), template, cron, or all (template + cron)")
      ->check(CLI::IsMember({"workflow", "template", "cron", "all"}));
  command->add_option("--argo-version", options->argo_version, "target Argo major version (3 or 4)")
      ->check(CLI::IsMember({3, 4}));
  command->add_option("--image", options->image,
                      "the ctp image that runs native and Lua steps (overrides the pipeline's)");
  CLI::Option* output =
      command->add_option("-o,--output", options->output,
                          "write to this file (atomically; nothing is written on error)");
  command
      ->add_option("--dir", options->dir,
                   "write one file per resource into this folder (GitOps layout: "
                   "workflowtemplate-NAME.yaml, cronworkflow-NAME.yaml, workflow-NAME.yaml, "
                   "pipeline-NAME.yaml); other files there are left alone")
      ->excludes(output);
  return [options] {
    static const std::map<std::string, EmitOptions::Kind> kinds = {
        {"workflow", EmitOptions::Kind::kWorkflow},
        {"template", EmitOptions::Kind::kTemplate},
        {"cron", EmitOptions::Kind::kCron},
        {"all", EmitOptions::Kind::kAll}};
    EmitOptions emit;
    emit.kind = kinds.at(options->kind);
    emit.argo_major_version = options->argo_version;
    emit.ctp_image = options->image;
    Pipeline pipeline = options->script.Load();
    if (options->dir.empty()) {
      WriteOutput(options->output,
                  options->format == "kfp" ? EmitKfp(pipeline, emit) : EmitArgo(pipeline, emit));
      return kOk;
    }
    // Every resource is emitted before the first file is written: an error writes nothing.
    const std::vector<EmittedResource> resources =
        options->format == "kfp" ? std::vector<EmittedResource>{EmitKfpResource(pipeline, emit)}
                                 : EmitArgoResources(pipeline, emit);
    for (const EmittedResource& resource : resources) {
      const std::filesystem::path path = std::filesystem::path(options->dir) / resource.file_name;
      base::WriteFileAtomically(path, resource.yaml);
      std::cout << path.string() << "\n";
    }
    return kOk;
  };
}

}  // namespace ctp::cli
