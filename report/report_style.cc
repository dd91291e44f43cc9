#include "report_style.h"

namespace ctp::report {

std::string_view ReportStylesheet() {
  return R"css(
:root { --succeeded: #2e9d5b; --failed: #d64545; --running: #2f7fd8; --pending: #b0b7c3;
        --skipped: #c9a227; --omitted: #c9a227; --interrupted: #8a6fb8; --ink: #1d232b; --muted: #5d6875; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
       Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #f6f7f9; }
header#summary { background: #fff; border: 1px solid #dfe3e8; border-radius: 8px; padding: 16px 20px; }
h1 { margin: 0 0 6px; font-size: 22px; }
h2 { font-size: 17px; margin: 0 0 10px; }
section { background: #fff; border: 1px solid #dfe3e8; border-radius: 8px; padding: 16px 20px;
          margin-top: 16px; overflow-x: auto; }
nav { margin-top: 10px; } nav a { margin-right: 14px; color: #2f6fb8; text-decoration: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table { border-collapse: collapse; } th, td { padding: 4px 10px; text-align: left;
        border-bottom: 1px solid #e8ebef; vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.number { text-align: right;
        font-variant-numeric: tabular-nums; }
code, pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre.log { background: #15191e; color: #e4e8ee; padding: 8px 10px; border-radius: 6px;
          max-height: 260px; overflow: auto; white-space: pre-wrap; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff; font-size: 12px; }
.badge.status-succeeded { background: var(--succeeded); } .badge.status-failed { background: var(--failed); }
.badge.status-running { background: var(--running); } .badge.status-pending { background: var(--pending); }
.badge.status-skipped { background: var(--skipped); } .badge.status-omitted { background: var(--omitted); }
.badge.status-interrupted { background: var(--interrupted); }
.note { color: var(--muted); font-style: italic; }
svg text { font-family: inherit; }
svg.dag, svg.timeline { max-width: 100%; height: auto; }
svg.dag .node rect { stroke: #38414d; stroke-width: 1.2; }
svg.dag .node.exit-handler rect { stroke-dasharray: 5 3; }
svg.dag .node.cache-hit rect { stroke-width: 3; stroke: #6b7787; }
svg.dag .node-name { font-size: 13px; font-weight: 600; fill: #fff; }
svg.dag .node-status { font-size: 11px; fill: #f3f5f8; }
svg.dag .node.status-pending .node-name, svg.dag .node.status-pending .node-status { fill: #1d232b; }
svg.dag path.edge { fill: none; stroke: #7a8594; stroke-width: 1.6; }
svg.dag marker path { fill: #7a8594; }
.status-succeeded rect, rect.status-succeeded { fill: var(--succeeded); }
.status-failed rect, rect.status-failed { fill: var(--failed); }
.status-running rect, rect.status-running { fill: var(--running); }
.status-pending rect, rect.status-pending { fill: var(--pending); }
.status-skipped rect, rect.status-skipped { fill: var(--skipped); }
.status-omitted rect, rect.status-omitted { fill: var(--omitted); }
.status-interrupted rect, rect.status-interrupted { fill: var(--interrupted); }
rect.bar.cache-hit { fill-opacity: 0.45; stroke: #38414d; stroke-dasharray: 3 2; }
svg .grid { stroke: #e3e6ea; } svg .axis { stroke: #56606c; }
svg .tick, svg .lane-label, svg .not-run, svg .axis-label { font-size: 11px; fill: #4a5561; }
svg .not-run { font-style: italic; } svg .chart-title { font-size: 13px; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 14px; }
svg.chart polyline { fill: none; stroke-width: 2; }
.series-0 polyline { stroke: #2f7fd8; } .series-0 circle, .series-0 rect { fill: #2f7fd8; }
.series-1 polyline { stroke: #e0742c; } .series-1 circle, .series-1 rect { fill: #e0742c; }
.series-2 polyline { stroke: #2e9d5b; } .series-2 circle, .series-2 rect { fill: #2e9d5b; }
.series-3 polyline { stroke: #a347b8; } .series-3 circle, .series-3 rect { fill: #a347b8; }
.series-4 polyline { stroke: #c43d5a; } .series-4 circle, .series-4 rect { fill: #c43d5a; }
.series-5 polyline { stroke: #4a5561; } .series-5 circle, .series-5 rect { fill: #4a5561; }
table.confusion td { text-align: center; min-width: 58px; font-variant-numeric: tabular-nums; }
table.confusion td.hit { background: rgba(46, 157, 91, calc(0.08 + 0.8 * var(--share))); }
table.confusion td.miss { background: rgba(214, 69, 69, calc(0.04 + 0.8 * var(--share))); }
table.confusion td.total { color: var(--muted); }
.slide-panels { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
figure.slide-view { margin: 0 0 18px; }
svg .slide-background { fill: #eef0f3; }
svg .patch { fill: none; } svg .heatmap-layer { opacity: 0.6; }
.patch.label-positive { stroke: #d64545; } .patch.label-negative { stroke: #2f7fd8; }
.patch.label-none { stroke: #6b7787; }
.key.label-positive { color: #d64545; } .key.label-negative { color: #2f7fd8; }
.key.label-none { color: #6b7787; }
img.heatmap { max-width: 480px; image-rendering: pixelated; }
footer { margin-top: 18px; color: var(--muted); font-size: 12px; }
)css";
}

}  // namespace ctp::report
