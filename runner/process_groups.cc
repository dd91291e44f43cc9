#include "process_groups.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

namespace ctp::runner {
namespace {

/// The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses):
/// [0] is the state (field 3), [2] the process group (field 5), [19] the start time (field 22).
/// Read with plain read(2): every container step reads its own once.
std::vector<std::string_view> StatFields(int pid, std::array<char, 1024>& buffer) {
  std::vector<std::string_view> fields;
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fields;
  const ssize_t size = ::read(fd, buffer.data(), buffer.size());
  ::close(fd);
  if (size <= 0) return fields;
  const std::string_view stat(buffer.data(), static_cast<std::size_t>(size));
  const std::size_t name_end = stat.rfind(')');
  if (name_end == std::string_view::npos) return fields;
  std::size_t at = name_end + 1;
  while (fields.size() < 20) {
    at = stat.find_first_not_of(" \n", at);
    if (at == std::string_view::npos) break;
    const std::size_t end = std::min(stat.find_first_of(" \n", at), stat.size());
    fields.push_back(stat.substr(at, end - at));
    at = end;
  }
  return fields;
}

std::optional<long long> Number(std::string_view text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<long long> ProcessStartTime(int pid) {
  std::array<char, 1024> buffer;
  const std::vector<std::string_view> fields = StatFields(pid, buffer);
  if (fields.size() < 20) return std::nullopt;
  return Number(fields[19]);
}

std::string BootId() {
  static const std::string id = [] {  // read once: it does not change while ctp runs
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string line;
    std::getline(in, line);
    return line;
  }();
  return id;
}

std::map<int, long long> LiveGroupMembers(int pgid) {
  std::map<int, long long> members;
  std::error_code error;
  std::filesystem::directory_iterator entry("/proc", error);
  for (; !error && entry != std::filesystem::directory_iterator(); entry.increment(error)) {
    const std::optional<long long> pid = Number(entry->path().filename().string());
    if (!pid) continue;
    std::array<char, 1024> buffer;
    const std::vector<std::string_view> fields = StatFields(static_cast<int>(*pid), buffer);
    if (fields.size() < 20 || fields[0] == "Z" || fields[0] == "X") continue;
    if (Number(fields[2]) != pgid) continue;
    if (const std::optional<long long> start = Number(fields[19]))
      members[static_cast<int>(*pid)] = *start;
  }
  return members;
}

}  // namespace ctp::runner
