// CheckPipeline: names, references and the graph, with every problem reported at its line.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "ctp/model/dag.h"
#include "ctp/model/diagnostic.h"
#include "ctp/model/names.h"
#include "ctp/model/step_refs.h"

namespace ctp {
namespace {

// A DNS-1123 label close to `name`: lowercased, '_' and ' ' turned into '-'.
std::string SuggestDnsLabel(const std::string& name) {
  std::string s;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z')
      s += static_cast<char>(c - 'A' + 'a');
    else if (c == '_' || c == ' ' || c == '.')
      s += '-';
    else
      s += c;
  }
  return IsDnsLabel(s) ? s : std::string();
}

class Checker {
 public:
  /// Checks `pipeline`, as the pipeline of `sub_pipeline_step` when one is given.
  explicit Checker(const Pipeline& pipeline, const Step* sub_pipeline_step = nullptr)
      : p_(pipeline), sub_pipeline_step_(sub_pipeline_step) {
    for (const Param& param : p_.params) {
      param_names_.push_back(param.name);
      params_.emplace(param.name, &param);
    }
    for (const Step& step : p_.steps) {
      step_names_.push_back(step.name);
      steps_.emplace(step.name, &step);
    }
    if (p_.on_exit) steps_.emplace(p_.on_exit->name, &*p_.on_exit);
    for (const Volume& volume : p_.volumes) volume_names_.push_back(volume.name);
  }

  std::vector<Diagnostic> Run() {
    CheckName("pipeline", p_.name, p_.location);
    CheckParams();
    for (const Volume& volume : p_.volumes) CheckVolume(volume);
    std::set<std::string> seen;
    for (const Step& step : p_.steps) CheckStep(step, seen, /*is_exit_handler=*/false);
    if (p_.on_exit) CheckStep(*p_.on_exit, seen, /*is_exit_handler=*/true);
    for (const auto& [name, value] : p_.outputs)
      for (const auto& part : value.parts)
        if (part.ref) CheckRef(*part.ref, nullptr, p_.location);
    return std::move(problems_);
  }

 private:
  void Report(const SourceLocation& at, std::string message, std::string highlight = {}) {
    problems_.push_back({at, std::move(message), std::move(highlight)});
  }

  void CheckName(const char* what, const std::string& name, const SourceLocation& at) {
    if (IsDnsLabel(name)) return;
    std::string suggestion = SuggestDnsLabel(name);
    Report(
        at,
        fmt::format("{} name '{}' is not a valid Kubernetes name: use at most 63 lowercase "
                    "letters, digits and '-', starting and ending with a letter or digit{}",
                    what, name, suggestion.empty() ? "" : " (did you mean '" + suggestion + "'?)"),
        name);
  }

  // Kubernetes names a volume with a label and the objects it refers to with subdomains. The
  // runner makes folders of these names, so a checked name also stays inside <workdir>/volumes.
  void CheckVolume(const Volume& volume) {
    CheckName("volume", volume.name, volume.location);
    const std::pair<const char*, const std::string*> objects[] = {
        {"claim", &volume.claim}, {"secret", &volume.secret}, {"storage_class", &volume.storage_class}};
    for (const auto& [field, value] : objects)
      if (!value->empty() && !IsDnsSubdomain(*value))
        Report(volume.location,
               fmt::format("volume '{}': {} '{}' is not a valid Kubernetes object name: use at most "
                           "253 lowercase letters, digits, '-' and '.', each part between dots "
                           "starting and ending with a letter or digit",
                           volume.name, field, *value),
               *value);
  }

  void CheckParams() {
    std::set<std::string> seen;
    for (const Param& param : p_.params) {
      if (!IsIdentifier(param.name))
        Report(param.location,
               fmt::format("parameter name '{}' must be an identifier (letters, digits, '_')",
                           param.name),
               param.name);
      if (!seen.insert(param.name).second)
        Report(param.location, fmt::format("duplicate parameter '{}'", param.name), param.name);
    }
  }

  void CheckStep(const Step& step, std::set<std::string>& seen, bool is_exit_handler) {
    CheckName("step", step.name, step.location);
    if (!seen.insert(step.name).second)
      Report(step.location, fmt::format("duplicate step name '{}'", step.name), step.name);
    std::set<std::string> outputs;
    for (const Output& output : step.outputs) {
      if (!IsIdentifier(output.name))
        Report(output.location,
               fmt::format("output name '{}' of step '{}' must be an identifier (letters, digits, "
                           "'_')",
                           output.name, step.name),
               output.name);
      if (!outputs.insert(output.name).second)
        Report(output.location,
               fmt::format("step '{}' declares output '{}' twice", step.name, output.name));
      if (output.from_stdout && step.kind != Step::Kind::kContainer)
        Report(output.location,
               fmt::format("{} step '{}' has no result: only container and script steps print "
                           "one (their standard output)",
                           StepKindName(step.kind), step.name));
    }
    if (step.IsScript() && step.command.empty())
      Report(step.location,
             fmt::format("script step '{}' needs a command: the interpreter that runs its source "
                         "(e.g. {{\"python3\"}})",
                         step.name));
    for (const Ref& ref : StepRefs(step)) CheckRef(ref, &step, step.location, is_exit_handler);
    for (const std::string& name : step.after) {
      if (name == step.name)
        Report(step.location, fmt::format("step '{}' cannot run after itself", step.name));
      else if (!FindStep(name) || (p_.on_exit && name == p_.on_exit->name))
        Report(step.location,
               fmt::format("step '{}' runs after unknown step '{}'{}", step.name, name,
                           DidYouMean(name, step_names_)),
               name);
    }
    for (const Mount& mount : step.mounts)
      if (!p_.FindVolume(mount.volume))
        Report(step.location,
               fmt::format("step '{}' mounts unknown volume '{}'{}", step.name, mount.volume,
                           DidYouMean(mount.volume, volume_names_)),
               mount.volume);
    if (step.kind == Step::Kind::kPipeline && step.pipeline) CheckSubPipeline(step);
  }

  void CheckSubPipeline(const Step& step) {
    const Pipeline& inner = *step.pipeline;
    std::vector<std::string> inner_params;
    for (const Param& param : inner.params) inner_params.push_back(param.name);
    for (const Input& input : step.inputs)
      if (!inner.FindParam(input.name))
        Report(input.location,
               fmt::format("pipeline '{}' has no parameter '{}'{}", inner.name, input.name,
                           DidYouMean(input.name, inner_params)),
               input.name);
    for (const Param& param : inner.params) {
      bool given = std::any_of(step.inputs.begin(), step.inputs.end(),
                               [&](const Input& i) { return i.name == param.name; });
      if (!given && !param.default_value)
        Report(step.location,
               fmt::format("step '{}' must set parameter '{}' of pipeline '{}' (it has no default)",
                           step.name, param.name, inner.name));
    }
    std::vector<Diagnostic> inner_problems = Checker(inner, &step).Run();
    if (inner_problems.empty()) {
      try {
        Dag::Build(inner);  // dangling `after` and cycles
      } catch (const Error& error) {
        inner_problems = error.diagnostics();
      }
    }
    problems_.insert(problems_.end(), inner_problems.begin(), inner_problems.end());
  }

  void CheckRef(const Ref& ref, const Step* step, const SourceLocation& at,
                bool is_exit_handler = false) {
    std::string who = step ? fmt::format("step '{}'", step->name) : std::string("pipeline outputs");
    switch (ref.kind) {
      case Ref::Kind::kParam:
        if (!params_.count(ref.name))
          Report(at,
                 fmt::format("{} uses unknown parameter '{}'{}", who, ref.name,
                             DidYouMean(ref.name, param_names_)),
                 ref.name);
        return;
      case Ref::Kind::kStepOutput: {
        const Step* producer = FindStep(ref.step);
        if (!producer) {
          Report(at,
                 fmt::format("{} uses an output of unknown step '{}'{}", who, ref.step,
                             DidYouMean(ref.step, step_names_)),
                 ref.step);
          return;
        }
        if (step && producer == step) {
          Report(at, fmt::format("{} uses its own output '{}'", who, ref.name), ref.name);
          return;
        }
        if (is_exit_handler) {
          Report(at,
                 fmt::format("the exit handler '{}' cannot use outputs of step '{}': it runs "
                             "after the whole pipeline (use parameters and ctp.workflow.status)",
                             step->name, ref.step));
          return;
        }
        if (p_.on_exit && producer == &*p_.on_exit) {
          Report(at, fmt::format("{} uses an output of the exit handler '{}'", who, ref.step));
          return;
        }
        std::vector<std::string> names;
        for (const Output& output : producer->outputs) names.push_back(output.name);
        if (std::find(names.begin(), names.end(), ref.name) == names.end())
          Report(at,
                 fmt::format("{} uses unknown output '{}' of step '{}'{}", who, ref.name, ref.step,
                             DidYouMean(ref.name, names)),
                 ref.name);
        return;
      }
      case Ref::Kind::kLoopItem:
        if (!step || !step->loop)
          Report(at, fmt::format("{} uses ctp.item but has no for_each", who));
        return;
      case Ref::Kind::kWorkflowStatus:
        if (is_exit_handler) return;
        if (sub_pipeline_step_)
          Report(at, fmt::format("{} of pipeline '{}' uses ctp.workflow.status, which the steps "
                                 "of a sub-pipeline cannot see, even when it is the exit handler: "
                                 "pass the status in as a parameter of sub-pipeline step '{}' "
                                 "(params = {{ status = ctp.workflow.status }}) and read the "
                                 "parameter",
                                 who, p_.name, sub_pipeline_step_->name));
        else
          Report(at, fmt::format("{} uses ctp.workflow.status, which only the exit handler can "
                                 "see",
                                 who));
        return;
      case Ref::Kind::kWorkflowName:
        return;
      case Ref::Kind::kOutputPath: {
        bool found = step && std::any_of(step->outputs.begin(), step->outputs.end(),
                                         [&](const Output& o) { return o.name == ref.name; });
        if (found && step->StdoutOutput(ref.name)) {
          Report(at,
                 fmt::format("{} writes to its result with ctp.output_path(\"{}\"): the result "
                             "is what the step prints (its standard output), not a file",
                             who, ref.name),
                 ref.name);
          return;
        }
        if (!found) {
          std::vector<std::string> names;
          if (step)
            for (const Output& output : step->outputs) names.push_back(output.name);
          Report(at,
                 fmt::format("{} writes to undeclared output '{}'{}", who, ref.name,
                             DidYouMean(ref.name, names)),
                 ref.name);
        }
        return;
      }
    }
  }

  const Step* FindStep(const std::string& name) const {
    auto found = steps_.find(name);
    return found == steps_.end() ? nullptr : found->second;
  }

  const Pipeline& p_;
  const Step* sub_pipeline_step_;  ///< the step that runs p_ as a sub-pipeline, or nullptr
  std::map<std::string, const Param*> params_;
  std::map<std::string, const Step*> steps_;
  std::vector<std::string> param_names_, step_names_, volume_names_;
  std::vector<Diagnostic> problems_;
};

}  // namespace

void CheckPipeline(const Pipeline& pipeline) {
  std::vector<Diagnostic> problems = Checker(pipeline).Run();
  if (!problems.empty()) throw Error(std::move(problems));
  Dag::Build(pipeline);  // dangling `after` and cycles
}

}  // namespace ctp
