#include "ctp/runner/workspace.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <stdexcept>
#include <vector>

#include "lock_file.h"

namespace ctp {

std::filesystem::path DefaultWorkdir() {
  const char* env = std::getenv("CTP_WORKDIR");
  if (env && *env) return env;
  return ".ctp";
}

WorkdirLock::WorkdirLock(const std::filesystem::path& workdir) {
  std::error_code error;
  std::filesystem::create_directories(workdir, error);
  if (error)
    throw std::runtime_error(
        fmt::format("cannot create workdir '{}': {}", workdir.string(), error.message()));
  const std::filesystem::path lock = workdir / "lock";
  fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error(
        fmt::format("cannot open '{}': {}", lock.string(), std::strerror(errno)));
  if (runner::LockAndRecordHolder(fd_, std::to_string(::getpid()) + "\n") != 0) {
    const std::vector<std::string> holder = runner::RecordedHolder(lock);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error(fmt::format(
        "workdir '{}' is in use by another ctp run{}; wait for it to finish or use another "
        "--workdir",
        workdir.string(), holder.empty() || holder[0].empty() ? "" : " (pid " + holder[0] + ")"));
  }
}

WorkdirLock::~WorkdirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::filesystem::path Workspace::TaskDir(const std::string& run_id, const std::string& task) const {
  // Step names are DNS labels: neither '.' nor '[' is part of one.
  std::filesystem::path dir = RunDir(run_id);
  std::string part;
  for (char c : task) {
    if (c == '.' || c == '[' || c == ']') {
      if (!part.empty()) dir /= part;
      part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) dir /= part;
  return dir;
}

std::string NewRunId(const std::string& pipeline) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  ::localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  std::random_device random;
  return fmt::format("{}-{}-{:04x}", pipeline, stamp, random() & 0xffff);
}

}  // namespace ctp
