// What the fuzz targets share: a private folder for the inputs a reader takes by path, and the
// rule for exceptions. A reader may refuse bad input only with the errors its callers report
// (ctp::Error and std::runtime_error, or std::invalid_argument), whose message names the file;
// any other exception escapes the target and libFuzzer reports it as a crash, like a sanitizer
// error, an input that runs past -timeout or an allocation past -malloc_limit_mb.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ctp::fuzz {

/// A folder of this process under TMPDIR (or /tmp), removed when the process exits normally.
inline const std::filesystem::path& WorkDir() {
  static char name[4096];  // no destructor: the exit handler below still reads it
  static const std::filesystem::path dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    const std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ctp-fuzz.XXXXXX";
    if (pattern.size() >= sizeof name) std::abort();
    pattern.copy(name, pattern.size());
    if (!::mkdtemp(name)) std::abort();
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(name, ignored);
    });
    return std::filesystem::path(name);
  }();
  return dir;
}

/// Writes `bytes` to WorkDir()/`name` (replacing it) and returns the path.
inline std::filesystem::path WriteInput(const std::string& name, std::string_view bytes) {
  const std::filesystem::path path = WorkDir() / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) std::abort();
  return path;
}

/// The fuzzer's input as text.
inline std::string_view Text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Aborts (a finding) when the message of `error` does not name `file`, the input's path: every
/// error a user sees names the file at fault.
inline void CheckNamesFile(const std::exception& error, std::string_view file) {
  if (file.empty() || std::string_view(error.what()).find(file) != std::string_view::npos) return;
  std::fprintf(stderr, "the error does not name %.*s: %s\n", static_cast<int>(file.size()),
               file.data(), error.what());
  std::abort();
}

/// Runs `read`; the errors a reader may give for bad input end it quietly, as long as their
/// message names `file` (when not empty).
template <typename Read>
void RefusalsAllowed(Read&& read, std::string_view file = {}) {
  try {
    read();
  } catch (const std::runtime_error& error) {  // ctp::Error, filesystem_error, the readers' errors
    CheckNamesFile(error, file);
  } catch (const std::invalid_argument& error) {
    CheckNamesFile(error, file);
  }
}

}  // namespace ctp::fuzz
