// ctp run SCRIPT: runs a pipeline on this machine (see ctp/runner.h).
#include <fmt/format.h>

#include <csignal>
#include <iostream>

#include "cli.h"
#include "workdir_option.h"
#include "ctp/interpreter/lua_step.h"
#include "ctp/runner/runner.h"

namespace ctp::cli {
namespace {

std::atomic<bool> stop_requested = false;

extern "C" void RequestStop(int) { stop_requested = true; }

// `claim=PATH` → (claim, PATH).
std::pair<std::string, std::string> VolumeAssignment(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
    throw std::invalid_argument(fmt::format("--volume expects CLAIM=PATH, got '{}'", text));
  return {text.substr(0, equals), text.substr(equals + 1)};
}

}  // namespace

Command AddRunCommand(CLI::App& app) {
  struct Options {
    ScriptOptions script;
    std::string workdir;
    int jobs = 0;
    std::string only, from, resume, secrets, runtime;
    std::vector<std::string> volumes;
    bool dry_run = false, no_cache = false, plain = false, verbose = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command =
      app.add_subcommand("run", "run the pipeline on this machine (local executor)");
  options->script.AddTo(*command);
  AddWorkdirOption(*command, options->workdir);
  command->add_option("-j,--jobs", options->jobs, "steps at once (default: the number of cores)");
  command->add_option("--only", options->only,
                      "run only this step (its inputs come from earlier runs)");
  command->add_option("--from", options->from, "run this step and everything downstream of it");
  command->add_flag("--dry-run", options->dry_run, "print the plan and run nothing");
  command->add_flag("--no-cache", options->no_cache, "run every step, even unchanged ones");
  command->add_option("--resume", options->resume,
                      "continue this run: steps that succeeded and did not change are kept");
  command->add_option("--volume", options->volumes,
                      "the local folder of a volume: --volume CLAIM=PATH (repeatable)");
  command->add_option(
      "--secrets", options->secrets,
      "a YAML file of secret values (name: {key: value}, vault: {path: {key: value}})");
  command->add_option("--runtime", options->runtime,
                      "docker or podman: run container steps in their image (default: on this "
                      "machine, without the image)");
  command->add_flag("--plain", options->plain, "plain timestamped lines, even on a terminal");
  command->add_flag("-v,--verbose", options->verbose, "stream step logs");
  return [options] {
    RunOptions run;
    run.lua_steps = RunLuaStep;
    for (const std::string& text : options->volumes) {
      auto [claim, path] = VolumeAssignment(text);
      run.volumes[claim] = path;
    }
    Pipeline pipeline = options->script.Load();
    run.workdir = WorkdirOf(options->workdir);
    run.script = options->script.script;
    run.jobs = options->jobs;
    run.only = options->only;
    run.from = options->from;
    run.dry_run = options->dry_run;
    run.use_cache = !options->no_cache;
    run.resume = options->resume;
    run.secrets_file = options->secrets;
    run.progress = options->plain ? ProgressStyle::kPlain : ProgressStyle::kAuto;
    run.verbose = options->verbose;
    run.runtime = options->runtime;
    run.stop = &stop_requested;
    std::signal(SIGINT, RequestStop);
    std::signal(SIGTERM, RequestStop);
    RunResult result = RunPipeline(pipeline, run);
    return result.ExitCode() == 0 ? kOk : kFailed;
  };
}

}  // namespace ctp::cli
