// Which files in a folder are whole-slide images: the extensions OpenSlide reads.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ctp::native {

/// The file extensions (lower case, with the dot) of the slide formats OpenSlide reads.
const std::vector<std::string>& SlideExtensions();

/// The regular files directly in `folder` whose extension (any case) is a slide format, sorted
/// by name; empty when `folder` is not a folder.
std::vector<std::filesystem::path> SlideFilesIn(const std::filesystem::path& folder);

}  // namespace ctp::native
