// A lock on each host folder a run mounts as a volume, so that runs from different workdirs do
// not write one volume at once (the workdir lock only keeps runs of one workdir apart). An
// exclusive flock on `<folder>/.ctp-lock`, which names the holder: its pid, workdir and run.
// The kernel releases it when the holder ends, killed or not.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ctp/model/pipeline.h"
#include "ctp/runner/runner.h"
#include "ctp/runner/workspace.h"

namespace ctp::runner {

/// The exclusive lock on one volume's folder, held while the object lives.
class VolumeLock {
 public:
  /// Takes the lock on `folder` (the folder of volume or claim `name`) for run `run_id` of
  /// `workdir`, creating the folder when missing. Throws std::runtime_error naming the volume,
  /// the folder and the holder when another run holds it. A folder this user cannot write is not
  /// locked (no run of this user can write it either).
  VolumeLock(const std::string& name, const std::filesystem::path& folder,
             const std::filesystem::path& workdir, const std::string& run_id);
  ~VolumeLock();
  VolumeLock(const VolumeLock&) = delete;
  VolumeLock& operator=(const VolumeLock&) = delete;

 private:
  int fd_ = -1;
};

/// Locks the folder of every volume a step of `pipeline` (or its exit handler) mounts, except
/// per-step scratch (emptyDir): one lock per folder, however many volumes name it.
std::vector<std::unique_ptr<VolumeLock>> LockVolumes(const Pipeline& pipeline,
                                                     const RunOptions& options,
                                                     const Workspace& workspace,
                                                     const std::string& run_id);

}  // namespace ctp::runner
