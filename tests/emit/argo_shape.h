// The structure of an Argo resource, for comparing ctp's output with upstream examples: which
// containers run, in what order, under which condition/loop/retry, with which volumes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "yaml_get.h"

namespace ctp::testing {

/// One container invocation.
struct ArgoLeaf {
  std::string image;
  std::vector<std::string> argv;  ///< command + args; placeholders and file paths as `{}`
  std::set<std::string> deps;     ///< invocations it waits for
  bool when = false;
  std::string loop;  ///< "", "items:N" or "param"
  std::string retry_limit;
  std::map<std::string, std::string> mounts;  ///< volume -> mount path
  std::map<std::string, std::string> env;     ///< name -> value ("secret:NAME/KEY" for secrets)
  bool operator==(const ArgoLeaf&) const = default;
};

/// The comparable structure of one Argo resource (and its CronWorkflow, if any).
struct ArgoShape {
  std::map<std::string, ArgoLeaf> leaves;      ///< by invocation name
  std::set<std::string> exit_leaves;           ///< invocations of the onExit template
  std::map<std::string, std::string> params;   ///< workflow parameters -> default
  std::map<std::string, std::string> volumes;  ///< name -> claim / "template:SIZE" / kind
  std::map<std::string, std::string> cron;     ///< schedule fields
};

namespace argo_shape_detail {

inline std::string Normalize(std::string text, const std::map<std::string, std::string>& arguments,
                             const std::set<std::string>& paths) {
  static const std::regex input(R"(\{\{\s*inputs\.parameters\.([-\w]+)\s*\}\})");
  std::smatch match;
  std::string out;
  while (std::regex_search(text, match, input)) {
    auto found = arguments.find(match[1].str());
    out += match.prefix().str() + (found == arguments.end() ? "{}" : found->second);
    text = match.suffix().str();
  }
  out += text;
  for (const std::string& path : paths)
    for (std::size_t at; !path.empty() && (at = out.find(path)) != std::string::npos;)
      out.replace(at, path.size(), "{}");
  static const std::regex any(R"(\{\{[^}]*\}\})");
  return std::regex_replace(out, any, "{}");
}

struct Walker {
  std::map<std::string, YAML::Node> templates;
  std::map<std::string, ArgoLeaf>* leaves;

  void Invoke(const std::string& template_name, const std::string& name,
              const std::map<std::string, std::string>& arguments, ArgoLeaf context) {
    const YAML::Node tmpl = templates.at(template_name);
    if (Get(tmpl, "container")) {
      std::set<std::string> paths;
      for (const char* kind : {"parameters", "artifacts"}) {
        for (const auto& out : Get(tmpl, "outputs", kind)) {
          paths.insert(Scalar(Get(out, "path")));
          paths.insert(Scalar(Get(out, "valueFrom", "path")));
        }
        for (const auto& in : Get(tmpl, "inputs", kind)) paths.insert(Scalar(Get(in, "path")));
      }
      paths.erase("");
      std::map<std::string, std::string> values = arguments;
      for (const auto& in : Get(tmpl, "inputs", "parameters"))
        if (!values.count(Scalar(Get(in, "name"))) && Get(in, "value"))
          values[Scalar(Get(in, "name"))] = Normalize(Scalar(Get(in, "value")), {}, {});
      const YAML::Node c = Get(tmpl, "container");
      context.image = Scalar(Get(c, "image"));
      for (const char* key : {"command", "args"})
        for (const auto& word : Get(c, key))
          context.argv.push_back(Normalize(Scalar(word), values, paths));
      for (const auto& m : Get(c, "volumeMounts"))
        context.mounts[Scalar(Get(m, "name"))] = Scalar(Get(m, "mountPath"));
      for (const auto& e : Get(c, "env"))
        context.env[Scalar(Get(e, "name"))] =
            Get(e, "valueFrom") ? "secret:" + Scalar(Get(e, "valueFrom", "secretKeyRef", "name")) +
                                      "/" + Scalar(Get(e, "valueFrom", "secretKeyRef", "key"))
                                : Normalize(Scalar(Get(e, "value")), values, paths);
      context.retry_limit = Scalar(Get(tmpl, "retryStrategy", "limit"));
      (*leaves)[name] = context;
      return;
    }
    if (Get(tmpl, "dag")) {
      for (const auto& task : Get(tmpl, "dag", "tasks")) {
        ArgoLeaf inner = context;
        static const std::regex word(R"([-\w]+)");
        const std::string depends = Scalar(Get(task, "depends"));
        for (auto it = std::sregex_iterator(depends.begin(), depends.end(), word);
             it != std::sregex_iterator(); ++it)
          inner.deps.insert(it->str());
        for (const auto& d : Get(task, "dependencies")) inner.deps.insert(Scalar(d));
        InvokeTask(task, arguments, inner);
      }
    }
    if (Get(tmpl, "steps")) {
      std::set<std::string> previous;
      for (const auto& group : Get(tmpl, "steps")) {
        std::set<std::string> names;
        for (const auto& step : group) {
          ArgoLeaf inner = context;
          inner.deps.insert(previous.begin(), previous.end());
          InvokeTask(step, arguments, inner);
          names.insert(Scalar(Get(step, "name")));
        }
        previous = names;
      }
    }
  }

  void InvokeTask(const YAML::Node& task, const std::map<std::string, std::string>& outer,
                  ArgoLeaf context) {
    std::map<std::string, std::string> arguments;
    for (const auto& p : Get(task, "arguments", "parameters"))
      arguments[Scalar(Get(p, "name"))] = Normalize(Scalar(Get(p, "value")), outer, {});
    context.when = context.when || Get(task, "when");
    if (Get(task, "withItems"))
      context.loop = "items:" + std::to_string(Get(task, "withItems").size());
    if (Get(task, "withParam")) context.loop = "param";
    Invoke(Scalar(Get(task, "template")), Scalar(Get(task, "name")), arguments, context);
  }
};

}  // namespace argo_shape_detail

/// The shape of the Workflow/WorkflowTemplate (or CronWorkflow with an inline workflowSpec) and
/// the CronWorkflow fields found in `yaml` (one or more documents).
inline ArgoShape ShapeOfArgo(const std::string& yaml) {
  ArgoShape shape;
  for (const YAML::Node& doc : YAML::LoadAll(yaml)) {
    const bool cron = Scalar(Get(doc, "kind")) == "CronWorkflow";
    const YAML::Node spec = cron ? Get(doc, "spec", "workflowSpec") : Get(doc, "spec");
    if (cron) {
      const YAML::Node cron_spec = Get(doc, "spec");
      shape.cron["schedule"] = Get(cron_spec, "schedules") ? Scalar(Get(cron_spec, "schedules", 0))
                                                           : Scalar(Get(cron_spec, "schedule"));
      for (const char* key : {"timezone", "concurrencyPolicy", "successfulJobsHistoryLimit",
                              "failedJobsHistoryLimit", "startingDeadlineSeconds"})
        shape.cron[key] = Scalar(Get(cron_spec, key));
      if (!Get(spec, "templates")) continue;
    }
    for (const auto& p : Get(spec, "arguments", "parameters"))
      shape.params[Scalar(Get(p, "name"))] = Scalar(Get(p, "value"));
    for (const auto& v : Get(spec, "volumes"))
      shape.volumes[Scalar(Get(v, "name"))] =
          Get(v, "persistentVolumeClaim") ? Scalar(Get(v, "persistentVolumeClaim", "claimName"))
          : Get(v, "secret")              ? "secret:" + Scalar(Get(v, "secret", "secretName"))
                                          : "emptyDir";
    for (const auto& v : Get(spec, "volumeClaimTemplates"))
      shape.volumes[Scalar(Get(v, "metadata", "name"))] =
          "template:" + Scalar(Get(v, "spec", "resources", "requests", "storage"));
    argo_shape_detail::Walker walker;
    for (const auto& t : Get(spec, "templates"))
      walker.templates.emplace(Scalar(Get(t, "name")), YAML::Node(t));
    walker.leaves = &shape.leaves;
    const std::string entry = Scalar(Get(spec, "entrypoint"));
    // The entrypoint's inputs are filled from the workflow's arguments (`argo submit -p`).
    for (const auto& p : Get(walker.templates.at(entry), "inputs", "parameters"))
      shape.params.emplace(Scalar(Get(p, "name")),
                           Scalar(Get(p, "value")) + Scalar(Get(p, "default")));
    walker.Invoke(entry, entry, {}, {});
    if (Get(spec, "onExit")) {
      std::map<std::string, ArgoLeaf> exit;
      walker.leaves = &exit;
      walker.Invoke(Scalar(Get(spec, "onExit")), Scalar(Get(spec, "onExit")), {}, {});
      for (const auto& [name, leaf] : exit) shape.exit_leaves.insert(name);
    }
  }
  return shape;
}

}  // namespace ctp::testing
