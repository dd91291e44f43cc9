// A tiled slide: the thumbnail with the kept patches drawn over it (outlined by label), and the
// prediction heatmap laid over the same thumbnail. Drawn in level-0 pixel coordinates, so the
// patches from the tile step's metadata need no conversion; the thumbnail is stretched to cover
// width × downsample level-0 pixels.
#include <fmt/format.h>

#include <algorithm>

#include "html_text.h"
#include "report_sections.h"

namespace ctp::report {
namespace {

/// The level-0 rectangle the drawing covers.
struct Extent {
  double width = 0, height = 0;
};

Extent ExtentOf(const SlideView& slide) {
  Extent extent;
  if (!slide.thumbnail_png.empty() && slide.thumbnail_downsample > 0) {
    extent.width = slide.thumbnail_width * slide.thumbnail_downsample;
    extent.height = slide.thumbnail_height * slide.thumbnail_downsample;
  }
  for (const PatchBox& p : slide.patches) {
    extent.width = std::max(extent.width, p.x + p.size);
    extent.height = std::max(extent.height, p.y + p.size);
  }
  return {std::max(extent.width, 1.0), std::max(extent.height, 1.0)};
}

std::string Image(const SlideView& slide, const std::string& png, const std::string& css_class) {
  return fmt::format(
      "<image class=\"{}\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" "
      "preserveAspectRatio=\"none\" href=\"{}\"/>\n",
      css_class, FormatCoordinate(slide.thumbnail_width * slide.thumbnail_downsample),
      FormatCoordinate(slide.thumbnail_height * slide.thumbnail_downsample),
      DataUri("image/png", png));
}

std::string Drawing(const SlideView& slide, const Extent& extent, bool heatmap) {
  const double display_width = 480, display_height = display_width * extent.height / extent.width;
  std::string svg = fmt::format(
      "<svg class=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" "
      "height=\"{}\" role=\"img\" aria-label=\"{}\">\n<rect class=\"slide-background\" x=\"0\" "
      "y=\"0\" width=\"{}\" height=\"{}\"/>\n",
      heatmap ? "heatmap" : "patch-grid", FormatCoordinate(extent.width),
      FormatCoordinate(extent.height), FormatCoordinate(display_width),
      FormatCoordinate(display_height),
      heatmap ? "prediction heatmap of " + EscapeHtml(slide.slide)
              : "kept patches of " + EscapeHtml(slide.slide),
      FormatCoordinate(extent.width), FormatCoordinate(extent.height));
  const bool has_thumbnail = !slide.thumbnail_png.empty() && slide.thumbnail_downsample > 0;
  if (has_thumbnail) svg += Image(slide, slide.thumbnail_png, "thumbnail");
  if (heatmap) {
    if (has_thumbnail) svg += Image(slide, slide.heatmap_png, "heatmap-layer");
    return svg + "</svg>\n";
  }
  // Outlines are a fixed share of the drawing, whatever the slide's size.
  const double stroke = std::max(extent.width, extent.height) / 400;
  svg += fmt::format("<g class=\"patches\" stroke-width=\"{}\">\n", FormatCoordinate(stroke));
  for (const PatchBox& p : slide.patches)
    svg +=
        fmt::format("<rect class=\"patch label-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                    EscapeHtml(p.label), FormatCoordinate(p.x), FormatCoordinate(p.y),
                    FormatCoordinate(p.size), FormatCoordinate(p.size));
  return svg + "\n</g></svg>\n";
}

std::string LabelCounts(const SlideView& slide) {
  std::size_t positive = 0, negative = 0, other = 0;
  for (const PatchBox& p : slide.patches) {
    if (p.label == "positive")
      ++positive;
    else if (p.label == "negative")
      ++negative;
    else
      ++other;
  }
  return fmt::format(
      "{} patches kept: <span class=\"key label-positive\">{} positive</span>, "
      "<span class=\"key label-negative\">{} negative</span>, "
      "<span class=\"key label-none\">{} unlabelled</span>",
      slide.patches.size(), positive, negative, other);
}

}  // namespace

std::string RenderSlideView(const SlideView& slide) {
  const Extent extent = ExtentOf(slide);
  std::string html = fmt::format(
      "<figure class=\"slide-view\" data-slide=\"{}\">\n<figcaption><strong>{}</strong>{} — {}"
      "</figcaption>\n<div class=\"slide-panels\">\n",
      EscapeHtml(slide.slide), EscapeHtml(slide.slide),
      slide.split.empty() ? "" : " (" + EscapeHtml(slide.split) + ")", LabelCounts(slide));
  html += Drawing(slide, extent, false);
  if (!slide.heatmap_png.empty()) {
    if (slide.thumbnail_png.empty() || slide.thumbnail_downsample <= 0)
      html += fmt::format("<img class=\"heatmap\" alt=\"prediction heatmap of {}\" src=\"{}\">\n",
                          EscapeHtml(slide.slide), DataUri("image/png", slide.heatmap_png));
    else
      html += Drawing(slide, extent, true);
  }
  if (slide.thumbnail_png.empty())
    html +=
        "<p class=\"note\">No thumbnail was recorded for this slide: the patch grid is drawn "
        "alone.</p>\n";
  return html + "</div></figure>\n";
}

}  // namespace ctp::report
