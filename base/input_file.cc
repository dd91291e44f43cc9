#include "ctp/base/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ctp::base {
namespace {

// Closes a descriptor at the end of the scope.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string SizeText(std::size_t bytes) {
  return bytes % (std::size_t{1} << 20) == 0 ? std::to_string(bytes >> 20) + " MiB"
                                              : std::to_string(bytes) + " bytes";
}

}  // namespace

std::string ReadInputFile(const std::filesystem::path& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO with no writer must not wait; a regular file ignores it.
  Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (file.fd < 0) throw InputFileError(std::strerror(errno));
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) throw InputFileError(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) throw InputFileError("it is a directory");
  if (!S_ISREG(info.st_mode)) throw InputFileError("it is not a regular file");
  const std::string too_large = "it is larger than " + SizeText(max_bytes);
  if (static_cast<std::size_t>(info.st_size) > max_bytes) throw InputFileError(too_large);
  std::string content(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t filled = 0;
  while (true) {
    if (filled == content.size()) {
      // The file may have grown since fstat: read on, within the limit.
      if (content.size() >= max_bytes + 1) throw InputFileError(too_large);
      content.resize(std::min(max_bytes + 1, std::max<std::size_t>(content.size() * 2, 4096)));
    }
    const ssize_t got = ::read(file.fd, content.data() + filled, content.size() - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputFileError(std::strerror(errno));
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  if (filled > max_bytes) throw InputFileError(too_large);
  content.resize(filled);
  return content;
}

}  // namespace ctp::base
