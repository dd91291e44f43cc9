// The confusion matrix as a table: rows are the true class, columns the predicted one; each cell
// is shaded by its share of the row, the diagonal in one hue and the errors in another.
#include <fmt/format.h>

#include <numeric>

#include "html_text.h"
#include "report_sections.h"

namespace ctp::report {

std::string RenderConfusionTable(const ConfusionMatrix& matrix) {
  const std::size_t k = matrix.class_names.size();
  std::string html =
      "<table class=\"confusion\">\n<thead><tr><th class=\"corner\">true \\ predicted</th>";
  for (const std::string& name : matrix.class_names)
    html += "<th scope=\"col\">" + EscapeHtml(name) + "</th>";
  html += "<th scope=\"col\">total</th></tr></thead>\n<tbody>\n";
  for (std::size_t t = 0; t < k; ++t) {
    const std::vector<long long>& row = matrix.counts[t];
    const long long total = std::accumulate(row.begin(), row.end(), 0LL);
    html += "<tr><th scope=\"row\">" + EscapeHtml(matrix.class_names[t]) + "</th>";
    for (std::size_t p = 0; p < k; ++p) {
      const double share = total ? double(row[p]) / double(total) : 0.0;
      html += fmt::format(
          "<td class=\"{}\" style=\"--share:{:.3f}\" title=\"{} → {}: {:.1f}% of the row\">{}</td>",
          t == p ? "hit" : "miss", share, EscapeHtml(matrix.class_names[t]),
          EscapeHtml(matrix.class_names[p]), share * 100, row[p]);
    }
    html += fmt::format("<td class=\"total\">{}</td></tr>\n", total);
  }
  return html + "</tbody></table>\n";
}

}  // namespace ctp::report
