// The report page: summary, then one <section> per part, each with a stable id (dag, timeline,
// params, metrics, curves, confusion, tiling, steps) so readers and tests can find them.
#include "ctp/report/html_report.h"

#include <fmt/format.h>

#include <map>

#include "html_text.h"
#include "report_sections.h"
#include "report_style.h"

namespace ctp::report {
namespace {

std::string Badge(RunStatus status) {
  return fmt::format("<span class=\"badge status-{0}\">{0}</span>", StatusName(status));
}

std::string Section(const std::string& id, const std::string& title, const std::string& body) {
  return fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", id, title, body);
}

std::string Note(const std::string& text) { return "<p class=\"note\">" + text + "</p>\n"; }

std::string Summary(const RunReport& report) {
  std::string html = fmt::format(
      "<header id=\"summary\">\n<h1>Run <code class=\"run-id\">{}</code> {}</h1>\n<dl "
      "class=\"facts\">"
      "<dt>pipeline</dt><dd class=\"pipeline\">{}</dd>",
      EscapeHtml(report.run_id), Badge(report.status), EscapeHtml(report.pipeline));
  if (!report.script.empty())
    html += "<dt>script</dt><dd><code>" + EscapeHtml(report.script) + "</code></dd>";
  html += fmt::format(
      "<dt>started</dt><dd>{}</dd><dt>ended</dt><dd>{}</dd><dt>duration</dt><dd>{}</dd>",
      FormatTime(report.start), FormatTime(report.end), FormatDuration(report.start, report.end));
  std::map<RunStatus, int> counts;
  for (const StepRecord& step : report.steps) ++counts[step.status];
  std::string tally;
  for (const auto& [status, count] : counts)
    tally += fmt::format("{}{} {}", tally.empty() ? "" : ", ", count, StatusName(status));
  html += "<dt>steps</dt><dd>" + (tally.empty() ? std::string("none recorded") : tally) + "</dd>";
  html +=
      "</dl>\n<nav><a href=\"#dag\">DAG</a><a href=\"#timeline\">timeline</a>"
      "<a href=\"#params\">params</a><a href=\"#metrics\">metrics</a><a href=\"#curves\">curves</a>"
      "<a href=\"#confusion\">confusion matrix</a><a href=\"#tiling\">slides</a>"
      "<a href=\"#steps\">steps</a></nav>\n</header>\n";
  return html;
}

std::string ParamsTable(const RunReport& report) {
  if (report.params.empty()) return Note("This run has no parameters.");
  std::string html =
      "<table class=\"params\"><thead><tr><th>name</th><th>value</th></tr></thead><tbody>\n";
  for (const auto& [name, value] : report.params)
    html += fmt::format("<tr><td><code>{}</code></td><td><code>{}</code></td></tr>\n",
                        EscapeHtml(name), EscapeHtml(value));
  return html + "</tbody></table>\n";
}

std::string MetricsTable(const RunReport& report) {
  if (report.scalars.empty() && report.series.empty()) return Note("No metrics were logged.");
  std::string html =
      "<table class=\"metrics\"><thead><tr><th>step</th><th>metric</th><th>value</th>"
      "<th>points</th></tr></thead><tbody>\n";
  for (const ScalarMetric& m : report.scalars)
    html += fmt::format(
        "<tr><td>{}</td><td><code>{}</code></td><td class=\"number\">{}</td><td></td></tr>\n",
        EscapeHtml(m.step), EscapeHtml(m.name), FormatNumber(m.value));
  for (const MetricSeries& s : report.series) {
    if (s.points.empty()) continue;
    html += fmt::format(
        "<tr><td>{}</td><td><code>{}</code></td><td class=\"number\">{}</td>"
        "<td class=\"number\">last of {} (at {})</td></tr>\n",
        EscapeHtml(s.step), EscapeHtml(s.name), FormatNumber(s.points.back().value),
        s.points.size(), s.points.back().index);
  }
  return html + "</tbody></table>\n";
}

/// Series of one step that belong on one chart: same last word of the name (train_loss and
/// eval_loss; train_accuracy and eval_accuracy).
std::string Curves(const RunReport& report) {
  std::vector<std::pair<std::string, std::vector<const MetricSeries*>>> groups;
  std::map<std::string, std::size_t> group_of;
  for (const MetricSeries& s : report.series) {
    if (s.points.empty()) continue;
    const std::size_t underscore = s.name.rfind('_');
    const std::string kind =
        underscore == std::string::npos ? s.name : s.name.substr(underscore + 1);
    const std::string key = s.step + "\n" + kind;
    if (!group_of.count(key)) {
      group_of[key] = groups.size();
      groups.push_back({s.step, {}});
    }
    groups[group_of[key]].second.push_back(&s);
  }
  if (groups.empty()) return Note("No step logged a metric per epoch.");
  std::string html = "<div class=\"charts\">\n";
  for (const auto& [step, members] : groups) {
    std::string title = step + ":";
    for (std::size_t i = 0; i < members.size(); ++i) title += (i ? ", " : " ") + members[i]->name;
    html += RenderLineChart(title, members);
  }
  return html + "</div>\n";
}

std::string Tiling(const RunReport& report) {
  if (report.slides.empty()) return Note("No slides were tiled for this run.");
  std::string html;
  for (const SlideView& slide : report.slides) html += RenderSlideView(slide);
  return html;
}

std::string StepsTable(const RunReport& report) {
  if (report.steps.empty()) return Note("No steps were recorded.");
  std::string html =
      "<table class=\"steps\"><thead><tr><th>step</th><th>status</th><th>attempts</th>"
      "<th>cache</th><th>exit code</th><th>started</th><th>duration</th></tr></thead><tbody>\n";
  for (const StepRecord& step : report.steps) {
    html += fmt::format(
        "<tr data-step=\"{}\"><td><code>{}</code>{}</td><td>{}</td><td class=\"number\">{}</td>"
        "<td>{}</td><td class=\"number\">{}</td><td>{}</td><td class=\"number\">{}</td></tr>\n",
        EscapeHtml(step.step), EscapeHtml(step.step),
        step.step == report.exit_handler ? " <em>(exit handler)</em>" : "", Badge(step.status),
        step.attempts, step.cache_hit ? "hit" : "",
        step.attempts > 0 ? std::to_string(step.exit_code) : "", FormatTime(step.Start()),
        FormatDuration(step.Start(), step.End()));
    const auto log_tail = report.log_tails.find(step.step);
    if (log_tail != report.log_tails.end() && !log_tail->second.empty())
      html += fmt::format(
          "<tr class=\"log-row\"><td colspan=\"7\"><details{}><summary>log of {}</summary>"
          "<pre class=\"log\">{}</pre></details></td></tr>\n",
          step.status == RunStatus::kFailed ? " open" : "", EscapeHtml(step.step),
          EscapeHtml(log_tail->second));
  }
  return html + "</tbody></table>\n";
}

}  // namespace

std::string RenderHtmlReport(const RunReport& report) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>ctp run {} · {}</title>\n<style>{}</style>\n</head>\n<body>\n",
      EscapeHtml(report.run_id), EscapeHtml(report.pipeline), ReportStylesheet());
  html += Summary(report);
  html += Section("dag", "DAG",
                  report.steps.empty() && report.edges.empty() ? Note("No steps were recorded.")
                                                               : RenderDagSvg(report));
  const std::string timeline = RenderTimelineSvg(report);
  html += Section("timeline", "Timeline",
                  timeline.empty() ? Note("No step has recorded times.") : timeline);
  html += Section("params", "Parameters", ParamsTable(report));
  html += Section("metrics", "Metrics", MetricsTable(report));
  html += Section("curves", "Curves per epoch", Curves(report));
  html += Section("confusion", "Confusion matrix",
                  report.confusion ? fmt::format("<p>From step <code>{}</code>; rows: true class, "
                                                 "columns: predicted class.</p>\n{}",
                                                 EscapeHtml(report.confusion->step),
                                                 RenderConfusionTable(*report.confusion))
                                   : Note("No confusion matrix was recorded."));
  html += Section("tiling", "Tiled slides", Tiling(report));
  html += Section("steps", "Steps", StepsTable(report));
  return html +
         "<footer>Written by <code>ctp report</code>. Self-contained: no scripts, no "
         "network.</footer>\n</body>\n</html>\n";
}

}  // namespace ctp::report
