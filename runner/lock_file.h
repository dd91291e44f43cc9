// What the workdir lock and the volume locks share: an exclusive, non-blocking flock(2) on a file
// that records its holder. The kernel releases the lock when the descriptor is closed or the
// holder ends, kill -9 included; the file stays and names the last holder.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ctp::runner {

/// Locks the open file `fd` exclusively without waiting. On success replaces its content with
/// `holder` (best effort: a file this process cannot write locks all the same) and returns 0;
/// otherwise returns flock's errno (EWOULDBLOCK: another process holds it).
int LockAndRecordHolder(int fd, const std::string& holder);

/// The lines the holder recorded in the lock file `path` (none when it has not written them yet).
std::vector<std::string> RecordedHolder(const std::filesystem::path& path);

}  // namespace ctp::runner
