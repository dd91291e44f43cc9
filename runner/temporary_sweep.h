// The sweep of temporary entries that interrupted writes left: a runner killed while a native step
// wrote a checkpoint folder or replaced a file leaves `.tmp-<name>-<pid>/` or `<file>.tmp-XXXXXX`
// (ctp/base/temporary_entries.h) for good. Native steps note where they may write (the folders
// their path arguments name); when the run has ended, the entries of those names there that were
// last modified before the run started are removed. The workdir lock keeps other runs of this
// workdir out while it runs, and the age rule keeps what anything else may still be writing.
#pragma once

#include <time.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ctp/step/step_registry.h"

namespace ctp::runner {

class TemporarySweep {
 public:
  /// Entries last modified from now on are kept (now on the coarse clock file times are set by).
  TemporarySweep();

  /// Notes where `step` may write when run with `inputs`: for each path argument (its declared
  /// default when not given), the folder it names, else the folder holding it.
  void Note(const NativeStep& step, const std::map<std::string, std::string>& inputs);

  /// Removes the stale temporary entries from the noted folders; returns their paths.
  std::vector<std::filesystem::path> Sweep() const;

 private:
  timespec started_{};
  mutable std::mutex mutex_;
  std::set<std::filesystem::path> folders_;
};

}  // namespace ctp::runner
