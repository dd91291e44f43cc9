// The temporary entries of ctp's atomic writers, named in one place: a file is written as
// `<path>.tmp-XXXXXX` (mkstemp) and renamed over `<path>`; a folder is filled as
// `<parent>/.tmp-<name>-<pid>` and renamed to `<parent>/<name>`. A process killed between the two
// leaves the temporary entry behind; RemoveStaleTemporaries removes such leftovers.
#pragma once

#include <time.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ctp::base {

/// The mkstemp template of the temporary file written before `path` is replaced.
std::string TemporaryFileTemplate(const std::filesystem::path& path);

/// The temporary folder filled before it is renamed to `path` (hidden, so that listings of the
/// parent skip it; the pid keeps two writers apart).
std::filesystem::path TemporaryFolderFor(const std::filesystem::path& path);

/// `<name>.tmp-` and six letters or digits: a temporary file name.
bool IsTemporaryFileName(std::string_view name);

/// `.tmp-<name>-<digits>`: a temporary folder name.
bool IsTemporaryFolderName(std::string_view name);

/// Removes from `folder` (its own entries: no recursion into other folders, no symbolic link
/// followed) the temporary files, and the temporary folders holding nothing but files, that were
/// last modified before `before` (a folder: itself and every file in it). Returns the paths
/// removed. Best effort: an entry that cannot be read or removed is left as it is.
std::vector<std::filesystem::path> RemoveStaleTemporaries(const std::filesystem::path& folder,
                                                          const timespec& before);

}  // namespace ctp::base
