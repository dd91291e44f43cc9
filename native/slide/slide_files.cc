#include "slide/slide_files.h"

#include <algorithm>
#include <cctype>

namespace ctp::native {

const std::vector<std::string>& SlideExtensions() {
  static const std::vector<std::string> extensions = {".svs", ".tif", ".tiff", ".ndpi",    ".vms",
                                                      ".vmu", ".scn", ".mrxs", ".svslide", ".bif"};
  return extensions;
}

std::vector<std::filesystem::path> SlideFilesIn(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) return files;
  for (const std::filesystem::directory_entry& entry :
       std::filesystem::directory_iterator(folder)) {
    std::string extension = entry.path().extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    const std::vector<std::string>& known = SlideExtensions();
    if (entry.is_regular_file() && std::find(known.begin(), known.end(), extension) != known.end())
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace ctp::native
