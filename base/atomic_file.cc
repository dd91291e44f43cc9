#include "ctp/base/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "ctp/base/temporary_entries.h"

namespace ctp::base {
namespace {

// Where a write to `path` lands: the final target of a chain of symbolic links (at most 40, as
// the kernel allows), the path itself otherwise.
std::filesystem::path FinalTarget(const std::filesystem::path& path) {
  std::filesystem::path current = path;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code error;
    if (!std::filesystem::is_symlink(std::filesystem::symlink_status(current, error))) break;
    std::filesystem::path target = std::filesystem::read_symlink(current, error);
    if (error) break;
    current = target.is_absolute() ? target : current.parent_path() / target;
  }
  return current;
}

// Writes all of `content` to `fd`; false (errno set) on failure.
bool WriteAll(int fd, std::string_view content) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  return true;
}

}  // namespace

void WriteFileAtomically(const std::filesystem::path& requested, std::string_view content) {
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("cannot write " + requested.string() + ": " + what + ": " +
                             std::strerror(errno));
  };
  const std::filesystem::path path = FinalTarget(requested);
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode) &&
      !S_ISDIR(existing.st_mode)) {
    // A device or a FIFO (/dev/null, /dev/stdout): written to as it is, never replaced.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail("cannot open");
    const bool written = WriteAll(fd, content);
    const int saved = errno;
    ::close(fd);
    errno = saved;
    if (!written) fail("write failed");
    return;
  }
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::string temp = TemporaryFileTemplate(path);
  int fd = mkstemp(temp.data());
  if (fd < 0) fail("cannot create a temporary file");
  if (!WriteAll(fd, content)) {
    const int saved = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    errno = saved;
    fail("write failed");
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    fail("flush failed");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    fail("rename failed");
  }
}

}  // namespace ctp::base
