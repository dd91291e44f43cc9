// Files that others read are written atomically: a temporary file in the same folder, flushed,
// then renamed into place. A reader sees the old file or the new one, never a part. A symbolic
// link is followed (its target is replaced, not the link); a device or FIFO is written to as it is.
#pragma once

#include <filesystem>
#include <string_view>

namespace ctp::base {

/// Writes `content` to `path` atomically (creating parent folders), following symbolic links;
/// devices and FIFOs are written directly, never replaced. Throws std::runtime_error naming the
/// file on failure; the temporary file is removed then.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

}  // namespace ctp::base
