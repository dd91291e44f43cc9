// The pipeline's DAG: which step waits for which, checked for cycles and dangling references.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"

namespace ctp {

/// An edge of the DAG: `to` runs after `from`.
struct DagEdge {
  enum class Reason {
    kData,   ///< `to` reads an output of `from`
    kAfter,  ///< `to` lists `from` in `after`
  };
  std::string from;
  std::string to;
  Reason reason = Reason::kData;
};

/// The dependency graph of a pipeline's steps (the exit handler is not a node).
/// Built with Boost.Graph; callers see only names.
class Dag {
 public:
  /// Builds the graph. Throws ctp::Error for references to unknown steps and for cycles
  /// (`dependency cycle: a (p.lua:3) -> b (p.lua:7) -> a`).
  static Dag Build(const Pipeline& pipeline);

  Dag(Dag&&) noexcept;
  Dag& operator=(Dag&&) noexcept;
  ~Dag();

  /// Step names in an order where every step comes after its dependencies: a depth-first
  /// order that visits steps and their dependencies in declaration order (deterministic).
  const std::vector<std::string>& TopologicalOrder() const;
  /// Every edge, sorted by (to, from) in declaration order, without duplicates.
  const std::vector<DagEdge>& Edges() const;
  /// The steps `step` waits for, in declaration order.
  std::vector<std::string> Upstream(const std::string& step) const;
  /// The steps that wait for `step`, in declaration order.
  std::vector<std::string> Downstream(const std::string& step) const;
  std::size_t size() const;

 private:
  struct Impl;
  explicit Dag(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The names of the steps `step` reads outputs from, deduplicated, in order of first use.
std::vector<std::string> DataDependencies(const Step& step);

/// Checks names (DNS-1123 and Argo's rules, lengths, uniqueness), references to params, steps,
/// outputs and volumes, and the graph (cycles). Throws ctp::Error with every problem found.
void CheckPipeline(const Pipeline& pipeline);

}  // namespace ctp
