// How many CPU cores this process may really use: the scheduler affinity mask (taskset, cpusets,
// Kubernetes static CPU manager) capped by a cgroup v2 CPU quota (Kubernetes CPU limits, docker
// --cpus). std::thread::hardware_concurrency() counts the machine's cores instead, which
// oversubscribes a pinned or limited process.
#pragma once

namespace ctp::base {

/// min(cores in the calling thread's affinity mask, ceil(cgroup cpu.max quota / period)), >= 1.
int CountUsableCpuCores();

/// CountUsableCpuCores() as first read in this process (the thread pools' size).
int UsableCpuCores();

}  // namespace ctp::base
