// The local workspace: `<workdir>/ctp.db`, `runs/<run-id>/<step>/{outputs/, log.txt}`,
// `volumes/<claim>/`, and a lock so that one `ctp run` at a time uses it.
#pragma once

#include <filesystem>
#include <string>

namespace ctp {

/// The workdir when none is given: `$CTP_WORKDIR`, else `./.ctp`.
std::filesystem::path DefaultWorkdir();

/// An exclusive lock on a workdir (flock on `<workdir>/lock`), held while the object lives.
class WorkdirLock {
 public:
  /// Takes the lock. Throws std::runtime_error naming the workdir and the holder's pid when
  /// another process holds it.
  explicit WorkdirLock(const std::filesystem::path& workdir);
  ~WorkdirLock();
  WorkdirLock(const WorkdirLock&) = delete;
  WorkdirLock& operator=(const WorkdirLock&) = delete;

 private:
  int fd_ = -1;
};

/// Paths inside a workdir.
class Workspace {
 public:
  explicit Workspace(std::filesystem::path workdir) : root_(std::move(workdir)) {}

  const std::filesystem::path& root() const { return root_; }
  /// `<workdir>/ctp.db`
  std::filesystem::path Database() const { return root_ / "ctp.db"; }
  /// `<workdir>/runs/<run-id>`
  std::filesystem::path RunDir(const std::string& run_id) const { return root_ / "runs" / run_id; }
  /// `<workdir>/runs/<run-id>/<task>`: a loop iteration `s[2]` lives in `s/2`, a step of a
  /// sub-pipeline `pack.zip` in `pack/zip`, `sweep[2].train` in `sweep/2/train`.
  std::filesystem::path TaskDir(const std::string& run_id, const std::string& task) const;
  /// `<workdir>/volumes/<claim>`
  std::filesystem::path VolumeDir(const std::string& claim) const {
    return root_ / "volumes" / claim;
  }

 private:
  std::filesystem::path root_;
};

/// A new run id: `<pipeline>-<YYYYMMDD-HHMMSS>-<4 hex digits>`.
std::string NewRunId(const std::string& pipeline);

}  // namespace ctp
