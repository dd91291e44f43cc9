#include "temporary_sweep.h"

#include "ctp/base/temporary_entries.h"

namespace ctp::runner {

namespace fs = std::filesystem;

TemporarySweep::TemporarySweep() { ::clock_gettime(CLOCK_REALTIME_COARSE, &started_); }

void TemporarySweep::Note(const NativeStep& step,
                          const std::map<std::string, std::string>& inputs) {
  ArgValues values;
  try {
    values = ArgValues::Resolve(step.name, step.args, inputs);
  } catch (const ArgError&) {
    return;  // the step fails on its arguments and writes nothing
  }
  for (const NativeArg& arg : step.args) {
    if (arg.type != ArgType::kPath || !values.Has(arg.name)) continue;
    std::error_code error;
    fs::path path = fs::absolute(values.Path(arg.name), error).lexically_normal();
    if (error || path.empty()) continue;
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
