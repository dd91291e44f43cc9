// Steps by name for the emitters: every reference names its producing step, so a linear
// Pipeline::FindStep per reference makes emit quadratic in the number of steps.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ctp/model/dag.h"
#include "ctp/model/pipeline.h"

namespace ctp::emit {

/// The steps of every pipeline an emit call reads (the root and its sub-pipelines), indexed by
/// name on first use. One per emit call; the pipelines must outlive it.
class StepLookup {
 public:
  /// The step `name` of `pipeline` (its exit handler included), or nullptr; like
  /// Pipeline::FindStep in constant time.
  const Step* Find(const Pipeline& pipeline, const std::string& name) const;

 private:
  using Index = std::unordered_map<std::string_view, const Step*>;
  mutable std::unordered_map<const Pipeline*, Index> indexes_;
};

/// For each step of a DAG, the steps it waits for (Dag::Upstream for all steps in one pass).
class UpstreamIndex {
 public:
  /// Indexes the edges of `dag`.
  explicit UpstreamIndex(const Dag& dag);
  /// The steps `step` waits for, in Dag::Upstream's order.
  const std::vector<std::string>& Of(const std::string& step) const;

 private:
  std::unordered_map<std::string, std::vector<std::string>> upstream_;
};

}  // namespace ctp::emit
