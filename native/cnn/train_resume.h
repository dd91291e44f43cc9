// Resume checkpoints of the train step: the whole training state, written now and then, from
// which a training that was interrupted (killed, evicted, retried) continues exactly where the
// newest one stands. A resume checkpoint is a folder `<resume folder>/state-EEEEEE-BBBBBBBBB/`
// (epoch under way, its batches done) holding model.safetensors (weights and batch-norm
// statistics), optimizer.safetensors (cnn/optimizer_state.h) and state.json (format
// "ctp-train-resume" version 1: the configuration's fingerprint and arguments, the position, the
// optimiser step count, the dropout streams' positions, the epoch's sums so far, the metrics
// reported so far, and the size and CRC-32C of each tensor file). It is filled under a temporary
// name and renamed into place, then the older ones are removed; one whose files do not match
// their recorded sizes and checksums is never used.
#pragma once

#include <time.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cnn/model_checkpoint.h"
#include "cnn/train_loop.h"

namespace ctp::native {

/// When resume checkpoints are written: the `resume_every` argument.
struct ResumeSchedule {
  enum class Kind { kOff, kEpoch, kBatches, kSeconds };
  Kind kind = Kind::kSeconds;
  long long every = 600;  ///< kBatches: batches; kSeconds: seconds

  /// Parses "off", "epoch", "N batches" ("1 batch") or a duration "Ns", "Nm", "Nh" (N >= 1).
  /// Throws std::invalid_argument "resume_every 'TEXT': expected ...".
  static ResumeSchedule Parse(const std::string& text);
  /// Whether a resume checkpoint is due at a resume point: `batches` and `seconds` since the
  /// last one was written (or training started). kEpoch: at epoch ends; kBatches: every `every`
  /// batches and at epoch ends; kSeconds: once `every` seconds have passed.
  bool Due(bool epoch_end, long long batches, double seconds) const;
};

/// 16 hex digits identifying a training: its configuration (the arguments that change the
/// result), the content of its data sets, and its starting weights and optimiser state.
std::string TrainingFingerprint(const nlohmann::json& configuration,
                                const std::vector<const Dataset*>& sets,
                                const std::string& start_weights,
                                const std::string& start_optimizer_state);

/// The resume checkpoints of one training in one folder.
class ResumeFolder {
 public:
  /// `log` (may be null) receives a line for each checkpoint not used and why.
  ResumeFolder(std::filesystem::path folder, std::string fingerprint,
               nlohmann::json configuration, std::ostream* log);

  const std::filesystem::path& path() const { return folder_; }

  /// Loads the newest complete resume checkpoint of this training into `network` and
  /// `progress` and returns its folder; nullopt (nothing changed) when there is none. A damaged
  /// one, or one of another training (another fingerprint), is skipped with a logged line. Throws
  /// std::runtime_error naming the file when a complete one does not load.
  std::optional<std::filesystem::path> Restore(const ModelInfo& info,
                                               const std::string& optimizer,
                                               kernels::cnn::Sequential& network,
                                               TrainProgress& progress) const;

  /// Writes a resume checkpoint of `progress` (atomically: a reader sees all of it or none),
  /// then removes the older ones and leftovers of interrupted writes.
  void Save(const ModelInfo& info, const std::string& optimizer,
            const kernels::cnn::Sequential& network, const TrainProgress& progress) const;

  /// Removes the resume checkpoints and leftovers, then the folder when nothing else is in it.
  void Remove() const;

 private:
  std::filesystem::path folder_;
  std::string fingerprint_;
  nlohmann::json configuration_;
  std::ostream* log_;
  timespec created_{};  ///< leftovers of interrupted writes are older than this
};

}  // namespace ctp::native
