// Layered layout of the run's DAG: each step's rank (column) is the length of the longest path
// reaching it, from a topological order computed by Boost.Graph; within a rank, steps keep their
// declaration order. The exit handler gets a rank of its own after all others.
#pragma once

#include <string>
#include <vector>

#include "ctp/report/run_report.h"

namespace ctp::report {

/// Where one step sits in the layered layout.
struct LayoutNode {
  std::string name;           ///< The step.
  int rank = 0;               ///< Column: 0 for steps without upstream steps.
  int order = 0;              ///< Row within the column, from 0.
  bool exit_handler = false;  ///< True for the exit handler's node.
};

/// The layered layout of a run's steps.
struct DagLayout {
  std::vector<LayoutNode> nodes;  ///< In the order of RunReport::steps (plus edge-only names).
  int ranks = 0;                  ///< Number of columns.
  int max_rows = 0;               ///< Most nodes in one column.
};

/// Lays out `steps` (names in declaration order) joined by `edges`; names that appear only in
/// edges are added after the steps. Throws std::invalid_argument when the edges form a cycle.
DagLayout LayOutDag(const std::vector<std::string>& steps, const std::vector<DagLink>& edges,
                    const std::string& exit_handler);

}  // namespace ctp::report
