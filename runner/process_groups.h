// Process groups on this machine as Linux's /proc shows them: which processes are in a group and
// when each started, so that a recorded group can be told apart from a later one that got the
// same id after its processes ended.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace ctp::runner {

/// The start time of process `pid` in clock ticks after boot (/proc/PID/stat, field 22), or
/// nothing when there is no such process.
std::optional<long long> ProcessStartTime(int pid);

/// This boot's id (/proc/sys/kernel/random/boot_id); empty when it cannot be read.
std::string BootId();

/// The processes of group `pgid` that have not ended (zombies excluded): pid → start time.
std::map<int, long long> LiveGroupMembers(int pgid);

}  // namespace ctp::runner
