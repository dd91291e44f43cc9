// Placing a slide's per-patch files: O_TMPFILE + linkat into the final folder, hard links for
// shared bytes, staging only for names that already exist.
#include "patches/patch_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace ctp::native {
namespace {

namespace fs = std::filesystem;

int OpenDirectory(const fs::path& dir) {
  fs::create_directories(dir);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("cannot open folder {}: {}", dir.string(), std::strerror(errno)));
  return fd;
}

// Writes all of `bytes` to `fd` (one write call unless the kernel takes less).
bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

// Errors that say "this file system (or sandbox) cannot do that", not "this file failed".
bool Unsupported(int error) {
  return error == EOPNOTSUPP || error == EISDIR || error == EINVAL || error == ENOENT ||
         error == EPERM || error == EACCES || error == EXDEV || error == ENOSYS;
}

[[noreturn]] void Fail(const fs::path& path, int error) {
  throw std::runtime_error(fmt::format("cannot write {}: {}", path.string(), std::strerror(error)));
}

}  // namespace

PatchFiles::PatchFiles(const fs::path& final_dir, const fs::path& staging_dir,
                       PatchFileMethods methods)
    : final_dir_(final_dir),
      staging_dir_(staging_dir),
      tmpfile_(methods.unnamed_files),
      links_(methods.hard_links),
      max_links_(methods.max_links) {
  final_fd_ = OpenDirectory(final_dir_);
  try {
    staging_fd_ = OpenDirectory(staging_dir_);
  } catch (...) {
    ::close(final_fd_);
    throw;
  }
}

PatchFiles::~PatchFiles() {
  if (!committed_)
    for (const std::string& name : placed_) ::unlinkat(final_fd_, name.c_str(), 0);
  ::close(staging_fd_);
  ::close(final_fd_);
}

std::size_t PatchFiles::AddShared(std::string bytes) {
  std::lock_guard lock(mutex_);
  shared_.push_back({std::move(bytes), "", 0});
  return shared_.size() - 1;
}

void PatchFiles::Remember(const std::string& name, bool placed) {
  std::lock_guard lock(mutex_);
  names_.push_back(name);
  (placed ? placed_ : staged_).push_back(name);
}

PatchFiles::Placement PatchFiles::LinkTemporary(int fd, const std::string& name) {
  char proc[40];
  std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  if (::linkat(AT_FDCWD, proc, final_fd_, name.c_str(), AT_SYMLINK_FOLLOW) == 0)
    return Placement::kPlaced;
  int error = errno;
  if (error == EEXIST) {  // a previous run's file: stage this one, renamed over it at commit
    if (::linkat(AT_FDCWD, proc, staging_fd_, name.c_str(), AT_SYMLINK_FOLLOW) == 0)
      return Placement::kStaged;
    error = errno;
  }
  if (Unsupported(error)) return Placement::kUnsupported;  // e.g. no /proc to link from
  Fail(final_dir_ / name, error);
}

void PatchFiles::WriteStaged(const std::string& name, std::string_view bytes) {
  const int fd =
      ::openat(staging_fd_, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0 || !WriteAll(fd, bytes)) {
    const int error = errno;
    if (fd >= 0) {
      ::close(fd);
      ::unlinkat(staging_fd_, name.c_str(), 0);  // no partial file left in staging
    }
    Fail(final_dir_ / name, error);
  }
  ::close(fd);
  // Moved now unless that would replace a file (or the file system cannot say): commit does.
  if (::renameat2(staging_fd_, name.c_str(), final_fd_, name.c_str(), RENAME_NOREPLACE) == 0)
    return Remember(name, true);
  if (errno != EEXIST && !Unsupported(errno)) Fail(final_dir_ / name, errno);
  Remember(name, false);
}

void PatchFiles::Write(const std::string& name, std::string_view bytes) {
  if (tmpfile_) {
    const int fd = ::openat(final_fd_, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0 && !Unsupported(errno)) Fail(final_dir_ / name, errno);
    if (fd >= 0) {
      if (!WriteAll(fd, bytes)) {
        const int error = errno;
        ::close(fd);
        Fail(final_dir_ / name, error);
      }
      const Placement placement = LinkTemporary(fd, name);
      ::close(fd);
      if (placement != Placement::kUnsupported)
        return Remember(name, placement == Placement::kPlaced);
    }
    tmpfile_ = false;  // staged and renamed from here on
  }
  WriteStaged(name, bytes);
}

int PatchFiles::LinkShared(const std::string& source, int dir_fd, const std::string& name) {
  std::unique_lock lock(mutex_, std::defer_lock);
  if (max_links_ > 0) {  // the lowered limit: checked and linked in one step, as the kernel does
    lock.lock();
    struct stat info {};
    if (::fstatat(staging_fd_, source.c_str(), &info, 0) == 0 && info.st_nlink >= max_links_)
      return EMLINK;
  }
  return ::linkat(staging_fd_, source.c_str(), dir_fd, name.c_str(), 0) == 0 ? 0 : errno;
}

void PatchFiles::Link(const std::string& name, std::size_t id) {
  if (!links_) {
    Write(name, shared_.at(id).bytes);
    return;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string source;
    {
      std::lock_guard lock(mutex_);
      Shared& shared = shared_.at(id);
      if (shared.source.empty()) {  // (re)create the file the links point at
        shared.source = fmt::format(".shared-{}-{}", id, shared.copies++);
        const int fd = ::openat(staging_fd_, shared.source.c_str(),
                                O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        const bool ok = fd >= 0 && WriteAll(fd, shared.bytes);
        const int error = errno;
        if (fd >= 0) ::close(fd);
        if (!ok) {  // no partial source left for the next link to point at
          ::unlinkat(staging_fd_, shared.source.c_str(), 0);
          shared.source.clear();
          Fail(final_dir_ / name, error);
        }
      }
      source = shared.source;
    }
    int error = LinkShared(source, final_fd_, name);
    if (error == 0) return Remember(name, true);
    if (error == EEXIST) {  // a previous run's file: stage a link, renamed over it at commit
      error = LinkShared(source, staging_fd_, name);
      if (error == 0) return Remember(name, false);
    }
    if (error == EMLINK) {  // the file system's link count limit: start another source file
      std::lock_guard lock(mutex_);
      if (shared_.at(id).source == source) shared_.at(id).source.clear();
      continue;
    }
    if (!Unsupported(error)) Fail(final_dir_ / name, error);
    links_ = false;  // no hard links here: plain files from now on
    break;
  }
  Write(name, shared_.at(id).bytes);
}

void PatchFiles::Commit() {
  auto fail = [&](const std::string& name, int error) {
    throw std::runtime_error(fmt::format("cannot move {} into place: {}",
                                         (final_dir_ / name).string(), std::strerror(error)));
  };
  // A folder under a final name (the one failure a rename over a previous file foresees) stops
  // the commit before anything is renamed.
  for (const std::string& name : staged_) {
    struct stat info {};
    if (::fstatat(final_fd_, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(info.st_mode))
      fail(name, EISDIR);
  }
  for (const std::string& name : staged_)
    if (::renameat(staging_fd_, name.c_str(), final_fd_, name.c_str()) != 0) fail(name, errno);
  committed_ = true;
}

}  // namespace ctp::native
