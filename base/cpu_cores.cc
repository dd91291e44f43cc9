#include "ctp/base/cpu_cores.h"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>

namespace ctp::base {
namespace {

/// Cores in this process's affinity mask; hardware_concurrency() when the mask cannot be read.
int AffinityCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

/// ceil(quota / period) from the cgroup v2 `cpu.max` of this process ("max 100000" = no limit);
/// 0 when there is no limit or no cgroup v2 file.
int CgroupQuotaCores() {
  std::ifstream cgroup("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(cgroup, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty()) return 0;
  std::ifstream max_file("/sys/fs/cgroup" + path + "/cpu.max");
  if (!max_file) max_file.open("/sys/fs/cgroup/cpu.max");
  std::string quota;
  long long period = 0;
  if (!(max_file >> quota >> period) || quota == "max" || period <= 0) return 0;
  try {
    const long long microseconds = std::stoll(quota);
    return static_cast<int>(std::max(1LL, (microseconds + period - 1) / period));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

int CountUsableCpuCores() {
  const int affinity = AffinityCores();
  const int quota = CgroupQuotaCores();
  return quota > 0 ? std::min(affinity, quota) : affinity;
}

int UsableCpuCores() {
  static const int cores = CountUsableCpuCores();
  return cores;
}

}  // namespace ctp::base
