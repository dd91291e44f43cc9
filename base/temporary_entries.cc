#include "ctp/base/temporary_entries.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace ctp::base {
namespace {

constexpr std::string_view kMarker = ".tmp-";

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool Before(const timespec& time, const timespec& limit) {
  return time.tv_sec < limit.tv_sec ||
         (time.tv_sec == limit.tv_sec && time.tv_nsec < limit.tv_nsec);
}

// The names in the folder open as `fd` (without . and ..); the descriptor stays open.
std::vector<std::string> Names(int fd) {
  std::vector<std::string> names;
  const int copy = ::dup(fd);
  if (copy < 0) return names;
  DIR* dir = ::fdopendir(copy);
  if (!dir) {
    ::close(copy);
    return names;
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  return names;
}

// A descriptor closed on scope exit.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// Removes the temporary folder `name` of the folder open as `parent` when it holds nothing but
// files and neither it nor they changed since `before`.
bool RemoveStaleFolder(int parent, const std::string& name, const timespec& before) {
  const Descriptor folder{
      ::openat(parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  struct stat info {};
  if (folder.fd < 0 || ::fstat(folder.fd, &info) != 0 || !Before(info.st_mtim, before))
    return false;
  const std::vector<std::string> files = Names(folder.fd);
  for (const std::string& file : files)
    if (::fstatat(folder.fd, file.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(info.st_mode) || !Before(info.st_mtim, before))
      return false;
  for (const std::string& file : files)
    if (::unlinkat(folder.fd, file.c_str(), 0) != 0) return false;
  return ::unlinkat(parent, name.c_str(), AT_REMOVEDIR) == 0;
}

}  // namespace

std::string TemporaryFileTemplate(const std::filesystem::path& path) {
  return path.string() + std::string(kMarker) + "XXXXXX";
}

std::filesystem::path TemporaryFolderFor(const std::filesystem::path& path) {
  return path.parent_path() /
         (std::string(kMarker) + path.filename().string() + "-" + std::to_string(::getpid()));
}

bool IsTemporaryFileName(std::string_view name) {
  constexpr std::size_t kRandom = 6;
  if (name.size() <= kMarker.size() + kRandom) return false;
  const std::string_view random = name.substr(name.size() - kRandom);
  return name.substr(name.size() - kRandom - kMarker.size(), kMarker.size()) == kMarker &&
         std::all_of(random.begin(), random.end(), [](unsigned char c) { return std::isalnum(c); });
}

bool IsTemporaryFolderName(std::string_view name) {
  if (name.substr(0, kMarker.size()) != kMarker) return false;
  const std::size_t dash = name.rfind('-');
  return dash > kMarker.size() && AllDigits(name.substr(dash + 1));
}

std::vector<std::filesystem::path> RemoveStaleTemporaries(const std::filesystem::path& folder,
                                                          const timespec& before) {
  std::vector<std::filesystem::path> removed;
  const Descriptor parent{::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (parent.fd < 0) return removed;
  for (const std::string& name : Names(parent.fd)) {
    struct stat info {};
    if (::fstatat(parent.fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) continue;
    bool gone = false;
    if (S_ISREG(info.st_mode))
      gone = IsTemporaryFileName(name) && Before(info.st_mtim, before) &&
             ::unlinkat(parent.fd, name.c_str(), 0) == 0;
    else if (S_ISDIR(info.st_mode))
      gone = IsTemporaryFolderName(name) && RemoveStaleFolder(parent.fd, name, before);
    if (gone) removed.push_back(folder / name);
  }
  return removed;
}

}  // namespace ctp::base
