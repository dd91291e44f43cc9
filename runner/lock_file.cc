#include "lock_file.h"

#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace ctp::runner {

int LockAndRecordHolder(int fd, const std::string& holder) {
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) return errno;
  if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    // The holder is only named in messages; the lock holds all the same.
  }
  return 0;
}

std::vector<std::string> RecordedHolder(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace ctp::runner
