#include "volume_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>

#include "lock_file.h"
#include "pipeline_steps.h"
#include "task_builder.h"

namespace ctp::runner {
namespace {

namespace fs = std::filesystem;

/// Who holds the lock, from its file: `run R of W (pid P)`, or a general word when the holder has
/// not written it (yet).
std::string Holder(const fs::path& lock) {
  const std::vector<std::string> lines = RecordedHolder(lock);
  if (lines.size() < 3 || lines[2].empty()) return "another ctp run";
  return fmt::format("run {} of {} (pid {})", lines[2], lines[1], lines[0]);
}

}  // namespace

VolumeLock::VolumeLock(const std::string& name, const fs::path& folder, const fs::path& workdir,
                       const std::string& run_id) {
  std::error_code error;
  fs::create_directories(folder, error);
  const fs::path lock = folder / ".ctp-lock";
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0 && (errno == EACCES || errno == EROFS)) {
    fd_ = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);  // another user's lock file
    if (fd_ < 0 && errno == ENOENT) return;            // a folder this user cannot write
  }
  if (fd_ < 0)
    throw std::runtime_error(fmt::format("volume '{}': cannot open '{}': {}", name, lock.string(),
                                         std::strerror(errno)));
  const int cause =
      LockAndRecordHolder(fd_, fmt::format("{}\n{}\n{}\n", ::getpid(), workdir.string(), run_id));
  if (cause == 0) return;
  ::close(fd_);
  fd_ = -1;
  if (cause != EWOULDBLOCK)
    throw std::runtime_error(fmt::format("volume '{}': cannot lock '{}': {}", name, lock.string(),
                                         std::strerror(cause)));
  throw std::runtime_error(fmt::format(
      "volume '{}' ({}) is in use by {}; wait for it to finish or give this run another "
      "folder with --volume {}=PATH",
      name, folder.string(), Holder(lock), name));
}

VolumeLock::~VolumeLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::vector<std::unique_ptr<VolumeLock>> LockVolumes(const Pipeline& pipeline,
                                                     const RunOptions& options,
                                                     const Workspace& workspace,
                                                     const std::string& run_id) {
  TaskInputs inputs;
  inputs.workspace = &workspace;
  inputs.volumes = &options.volumes;
  const fs::path workdir = fs::absolute(workspace.root()).lexically_normal();
  std::vector<std::unique_ptr<VolumeLock>> locks;
  std::set<fs::path> locked;
  auto lock_mounts = [&](const Pipeline& owner, const Step& step) {
    for (const Mount& mount : step.mounts) {
      const Volume* volume = owner.FindVolume(mount.volume);
      if (!volume || volume->kind == Volume::Kind::kEmptyDir) continue;
      const fs::path folder = fs::absolute(VolumeFolder(*volume, inputs)).lexically_normal();
      std::error_code error;
      const fs::path resolved = fs::weakly_canonical(folder, error);
      if (!locked.insert(error ? folder : resolved).second) continue;
      locks.push_back(std::make_unique<VolumeLock>(
          volume->claim.empty() ? volume->name : volume->claim, folder, workdir, run_id));
    }
  };
  ForEachStep(pipeline, lock_mounts);
  return locks;
}

}  // namespace ctp::runner
