#include "temporary_sweep.h"

#include "ctp/base/temporary_entries.h"

namespace ctp::runner {

namespace fs = std::filesystem;

TemporarySweep::TemporarySweep() { ::clock_gettime(CLOCK_REALTIME_COARSE, &started_); }

void TemporarySweep::Note(const NativeStep& step,
                          const std::map<std::string, std::string>& inputs) {
  for (const NativeArg& arg : step.args) {
    if (arg.type != ArgType::kPath) continue;
    const auto given = inputs.find(arg.name);
    const std::string value = given != inputs.end() && !given->second.empty()
                                  ? given->second
                                  : arg.default_value.value_or("");
    if (value.empty()) continue;
    std::error_code error;
    fs::path path = fs::absolute(value, error).lexically_normal();
    if (error) continue;
    if (!path.has_filename()) path = path.parent_path();  // "dir/"
    const fs::path folder = fs::is_directory(path, error) ? path : path.parent_path();
    std::lock_guard lock(mutex_);
    folders_.insert(folder);
  }
}

std::vector<fs::path> TemporarySweep::Sweep() const {
  std::lock_guard lock(mutex_);
  std::vector<fs::path> removed;
  for (const fs::path& folder : folders_)
    for (fs::path& path : base::RemoveStaleTemporaries(folder, started_))
      removed.push_back(std::move(path));
  return removed;
}

}  // namespace ctp::runner
