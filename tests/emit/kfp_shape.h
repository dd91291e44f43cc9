// The structure of a KFP PipelineSpec, for comparing ctp's output with what the KFP compiler
// writes: leaf tasks with their enclosing groups, dependencies (through groups), conditions,
// iterators, retries, containers and kubernetes platform settings.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "yaml_get.h"

namespace ctp::testing {

/// One task that runs a container.
struct KfpLeaf {
  std::vector<std::string> groups;  ///< enclosing group kinds, outermost first ("for-loop", ...)
  std::set<std::string> deps;       ///< leaves it waits for, directly or through its groups
  bool condition = false;           ///< some enclosing group has a triggerPolicy.condition
  std::string iterator;             ///< "raw", "input" or "" (innermost loop)
  std::string image;
  std::vector<std::string> argv;  ///< command + args, constants substituted, placeholders as {};
                                  ///< empty for KFP lightweight Python components
  std::string retry;              ///< maxRetryCount
  std::string strategy;           ///< triggerPolicy.strategy
  bool final_status = false;      ///< receives a task final status
  std::map<std::string, std::string> env;
  std::set<std::string> platform;  ///< kubernetes settings, one string each
};

/// The comparable structure of a KFP pipeline file.
struct KfpShape {
  std::map<std::string, KfpLeaf> leaves;      ///< by task name
  std::map<std::string, std::string> params;  ///< root input -> parameterType
};

namespace kfp_shape_detail {

inline std::string Kind(const std::string& task) {
  for (const char* kind : {"condition", "for-loop", "exit-handler"})
    if (task.rfind(std::string(kind) + "-", 0) == 0) return kind;
  return "pipeline";
}

inline std::string Normalize(std::string text,
                             const std::map<std::string, std::string>& constants) {
  if (text.rfind("{\"Concat\"", 0) == 0) {
    std::string joined;
    for (const auto& part : YAML::Load(text)["Concat"]) joined += part.Scalar();
    text = joined;
  }
  for (const auto& [name, value] : constants) {
    const std::string placeholder = "{{$.inputs.parameters['" + name + "']}}";
    for (std::size_t at; (at = text.find(placeholder)) != std::string::npos;)
      text.replace(at, placeholder.size(), value);
  }
  static const std::regex any(R"(\{\{\$[^}]*\}\})");
  return std::regex_replace(text, any, "{}");
}

inline std::set<std::string> Platform(const YAML::Node& config) {
  std::set<std::string> out;
  for (const auto& m : Get(config, "pvcMount"))
    out.insert("pvcMount:" + Scalar(Get(m, "mountPath")) +
               (Get(m, "subPath") ? ":" + Scalar(Get(m, "subPath")) : ""));
  for (const auto& l : Get(config, "nodeSelector", "labels"))
    out.insert("nodeSelector:" + l.first.Scalar() + "=" + l.second.Scalar());
  for (const auto& t : Get(config, "tolerations"))
    out.insert("toleration:" + Scalar(Get(t, "key")) + "/" + Scalar(Get(t, "operator")) + "/" +
               Scalar(Get(t, "value")) + "/" + Scalar(Get(t, "effect")) + "/" +
               Scalar(Get(t, "tolerationSeconds")));
  for (const auto& s : Get(config, "secretAsEnv"))
    for (const auto& k : Get(s, "keyToEnv"))
      out.insert("secretAsEnv:" + Scalar(Get(s, "secretName")) + "/" + Scalar(Get(k, "secretKey")) +
                 "=" + Scalar(Get(k, "envVar")));
  for (const auto& s : Get(config, "secretAsVolume"))
    out.insert("secretAsVolume:" + Scalar(Get(s, "secretName")) + ":" +
               Scalar(Get(s, "mountPath")));
  for (const auto& e : Get(config, "emptyDirMounts"))
    out.insert("emptyDir:" + Scalar(Get(e, "mountPath")));
  if (Get(config, "activeDeadlineSeconds"))
    out.insert("timeout:" + Scalar(Get(config, "activeDeadlineSeconds")));
  return out;
}

struct Walker {
  YAML::Node spec, platform;
  KfpShape* shape = nullptr;

  std::set<std::string> LeavesOf(const YAML::Node& tasks, const std::string& name) {
    const YAML::Node component =
        Get(spec, "components", Scalar(Get(tasks, name, "componentRef", "name")));
    if (!Get(component, "dag")) return {name};
    std::set<std::string> leaves;
    for (const auto& task : Get(component, "dag", "tasks")) {
      std::set<std::string> inner = LeavesOf(Get(component, "dag", "tasks"), task.first.Scalar());
      leaves.insert(inner.begin(), inner.end());
    }
    return leaves;
  }

  void Walk(const YAML::Node& tasks, const KfpLeaf& context) {
    for (const auto& entry : tasks) {
      const std::string name = entry.first.Scalar();
      const YAML::Node task = entry.second;
      KfpLeaf leaf = context;
      for (const auto& d : Get(task, "dependentTasks")) {
        std::set<std::string> leaves = LeavesOf(tasks, d.Scalar());
        leaf.deps.insert(leaves.begin(), leaves.end());
      }
      leaf.condition = leaf.condition || Get(task, "triggerPolicy", "condition");
      leaf.strategy = Scalar(Get(task, "triggerPolicy", "strategy"));
      if (Get(task, "parameterIterator"))
        leaf.iterator = Get(task, "parameterIterator", "items", "raw") ? "raw" : "input";
      const YAML::Node component =
          Get(spec, "components", Scalar(Get(task, "componentRef", "name")));
      if (Get(component, "dag")) {
        leaf.groups.push_back(Kind(name));
        Walk(Get(component, "dag", "tasks"), leaf);
        continue;
      }
      std::map<std::string, std::string> constants;
      for (const auto& p : Get(task, "inputs", "parameters")) {
        if (Get(p.second, "runtimeValue"))
          constants[p.first.Scalar()] = Scalar(Get(p.second, "runtimeValue", "constant"));
        if (Get(p.second, "taskFinalStatus")) leaf.final_status = true;
      }
      const std::string label = Scalar(Get(component, "executorLabel"));
      const YAML::Node container = Get(spec, "deploymentSpec", "executors", label, "container");
      leaf.image = Scalar(Get(container, "image"));
      bool python = false;
      for (const auto& a : Get(container, "args")) python = python || a.Scalar() == "{{$}}";
      if (!python)
        for (const char* key : {"command", "args"})
          for (const auto& word : Get(container, key))
            leaf.argv.push_back(Normalize(word.Scalar(), constants));
      for (const auto& e : Get(container, "env"))
        leaf.env[Scalar(Get(e, "name"))] = Scalar(Get(e, "value"));
      leaf.retry = Scalar(Get(task, "retryPolicy", "maxRetryCount"));
      leaf.platform =
          Platform(Get(platform, "platforms", "kubernetes", "deploymentSpec", "executors", label));
      shape->leaves[name] = leaf;
    }
  }
};

}  // namespace kfp_shape_detail

/// The shape of a KFP pipeline file (PipelineSpec and optional platform document).
inline KfpShape ShapeOfKfp(const std::string& yaml) {
  std::vector<YAML::Node> docs = YAML::LoadAll(yaml);
  KfpShape shape;
  kfp_shape_detail::Walker walker;
  walker.spec = docs.at(0);
  if (docs.size() > 1) walker.platform = docs[1];
  walker.shape = &shape;
  walker.Walk(Get(walker.spec, "root", "dag", "tasks"), {});
  for (const auto& p : Get(walker.spec, "root", "inputDefinitions", "parameters"))
    shape.params[p.first.Scalar()] = Scalar(Get(p.second, "parameterType"));
  return shape;
}

}  // namespace ctp::testing
