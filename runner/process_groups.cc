#include "process_groups.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace ctp::runner {
namespace {

/// The fields of /proc/PID/stat after the command name (which may hold spaces and parentheses):
/// [0] is the state (field 3), [2] the process group (field 5), [19] the start time (field 22).
std::vector<std::string> StatFields(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const std::size_t name_end = stat.rfind(')');
  std::vector<std::string> fields;
  if (name_end == std::string::npos) return fields;
  std::istringstream rest(stat.substr(name_end + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

std::optional<long long> Number(const std::string& text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<long long> ProcessStartTime(int pid) {
  const std::vector<std::string> fields = StatFields(pid);
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
    const std::vector<std::string> fields = StatFields(static_cast<int>(*pid));
    if (fields.size() < 20 || fields[0] == "Z" || fields[0] == "X") continue;
    if (Number(fields[2]) != pgid) continue;
    if (const std::optional<long long> start = Number(fields[19]))
      members[static_cast<int>(*pid)] = *start;
  }
  return members;
}

}  // namespace ctp::runner
