// Per-patch files of one slide (images or ground-truth masks) placed straight under their final
// names: each appears complete or not at all (O_TMPFILE + linkat, no staging copy and no rename),
// files with the same bytes (uniform ground-truth masks) are hard links to one inode, and a name
// that already exists (a slide tiled again) is staged and renamed over it only at commit, so a
// slide that fails leaves the previous outputs as they were and none of its own.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ctp::native {

/// The file-system features PatchFiles tries first; where one is missing it falls back by itself
/// (turning one off here takes the fallback from the start, as a file system without it would).
struct PatchFileMethods {
  bool unnamed_files = true;  ///< O_TMPFILE + linkat (else: write in staging, then rename)
  bool hard_links = true;     ///< shared bytes as hard links (else: the bytes written per file)
  /// Names a shared file may have before a link to it fails with EMLINK, as past the file
  /// system's link limit (65,000 on ext4); 0: the file system's own limit only.
  unsigned max_links = 0;
};

/// The files one slide writes into one output folder.
class PatchFiles {
 public:
  /// Files go to `final_dir`; `staging_dir` (same file system) holds staged files and the
  /// sources of hard links. Both are created.
  PatchFiles(const std::filesystem::path& final_dir, const std::filesystem::path& staging_dir,
             PatchFileMethods methods = {});
  /// Removes the files placed under final names unless Commit ran (a failed slide).
  ~PatchFiles();
  PatchFiles(const PatchFiles&) = delete;
  PatchFiles& operator=(const PatchFiles&) = delete;

  /// Registers bytes that many files share (e.g. an all-zero mask PNG); returns its id for Link.
  std::size_t AddShared(std::string bytes);
  /// Writes `name` with `bytes`; thread-safe. Throws std::runtime_error naming the file.
  void Write(const std::string& name, std::string_view bytes);
  /// Places `name` as a hard link to the shared bytes `id` (written out when links are not
  /// possible there); thread-safe.
  void Link(const std::string& name, std::size_t id);
  /// Renames the staged files over their final names; afterwards the files stay. Throws naming
  /// the file, before renaming any, if a final name is a folder; a rename that fails midway
  /// leaves the names before it renamed and the rest as they were.
  void Commit();
  /// The file names this slide wrote, staged or not (to tell them from a previous run's).
  const std::vector<std::string>& Names() const { return names_; }

 private:
  enum class Placement { kPlaced, kStaged, kUnsupported };
  // Names the unnamed (O_TMPFILE) file `fd` `name`, in the final folder unless the name exists.
  Placement LinkTemporary(int fd, const std::string& name);
  // Writes `name` in the staging folder and moves it into place unless the name exists.
  void WriteStaged(const std::string& name, std::string_view bytes);
  // Links the shared file `source` as `name` in `dir_fd`; 0 or the errno (EMLINK past max_links_).
  int LinkShared(const std::string& source, int dir_fd, const std::string& name);
  void Remember(const std::string& name, bool placed);

  std::filesystem::path final_dir_;
  std::filesystem::path staging_dir_;
  int final_fd_ = -1;
  int staging_fd_ = -1;
  std::atomic<bool> tmpfile_{true};  // O_TMPFILE works (else stage, rename without replacing)
  std::atomic<bool> links_{true};    // hard links work (else shared bytes are written per file)
  unsigned max_links_ = 0;           // PatchFileMethods::max_links
  bool committed_ = false;
  std::mutex mutex_;
  struct Shared {
    std::string bytes;
    std::string source;  // file in staging_dir_ the links point at ("" until first use)
    int copies = 0;      // sources made so far (a new one when the link count limit is hit)
  };
  std::vector<Shared> shared_;
  std::vector<std::string> names_;   // every file name written
  std::vector<std::string> placed_;  // written under the final name (removed on failure)
  std::vector<std::string> staged_;  // in staging_dir_, to rename at commit
};

}  // namespace ctp::native
