#include "step_lookup.h"

namespace ctp::emit {

const Step* StepLookup::Find(const Pipeline& pipeline, const std::string& name) const {
  auto [entry, created] = indexes_.try_emplace(&pipeline);
  Index& index = entry->second;
  if (created) {
    index.reserve(pipeline.steps.size() + 1);
    // First declaration wins, as in Pipeline::FindStep; the exit handler comes last.
    for (const Step& step : pipeline.steps) index.emplace(step.name, &step);
    if (pipeline.on_exit) index.emplace(pipeline.on_exit->name, &*pipeline.on_exit);
  }
  auto found = index.find(name);
  return found == index.end() ? nullptr : found->second;
}

UpstreamIndex::UpstreamIndex(const Dag& dag) {
  for (const DagEdge& edge : dag.Edges()) upstream_[edge.to].push_back(edge.from);
}

const std::vector<std::string>& UpstreamIndex::Of(const std::string& step) const {
  static const std::vector<std::string> kNone;
  auto found = upstream_.find(step);
  return found == upstream_.end() ? kNone : found->second;
}

}  // namespace ctp::emit
