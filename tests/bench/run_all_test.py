#!/usr/bin/env python3
"""bench/run_all's report on fixed measurements: statistics, ratios and the exact table text.
Runs no benchmark."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "harness"))
from measure import Sample  # noqa: E402
from table import Line, commands_section, number, ratio_cell, report, spread, table_row  # noqa: E402

HEADER = ("| what | ratio | wall | CPU | goal | ctp wall (min / median / max) "
          "| peer wall (min / median / max) | ctp CPU (min / median / max) "
          "| peer CPU (min / median / max) |\n|---|---|---|---|---|---|---|---|---|")


def emit_line():
    return Line("`ctp emit --format kfp` vs the KFP compiler, 2,000 steps", "s", "KFP", "peer/ctp",
                "≥100×", ctp=[Sample(0.30, 0.26), Sample(0.267, 0.25), Sample(0.28, 0.255)],
                peers=[Sample(71.5, 69.0), Sample(70.0, 68.0), Sample(69.0, 67.5)])


class NumberTest(unittest.TestCase):
    def test_three_significant_digits_and_thousands(self):
        self.assertEqual([number(x) for x in (0.267, 0.28, 0.0123, 1.5, 12.34, 262.4, 1368.2, 70.0)],
                         ["0.267", "0.280", "0.0123", "1.50", "12.3", "262", "1,368", "70.0"])

    def test_spread_is_min_median_max_with_the_unit(self):
        self.assertEqual(spread([3.0, 1.0, 2.0, 10.0], "ms"), "1.00 / 2.50 / 10.0 ms")
        self.assertEqual(spread([], "ms"), "—")


class RatioTest(unittest.TestCase):
    def test_peer_over_ctp_is_the_ratio_of_medians_with_the_range_over_pairs(self):
        # medians 70.0 / 0.28 = 250; pairs 71.5/0.30, 70.0/0.267, 69.0/0.28
        self.assertEqual(ratio_cell(emit_line(), "wall"), "250× (238–262×)")
        self.assertEqual(ratio_cell(emit_line(), "cpu"), "267× (265–272×)")

    def test_ctp_over_peer_for_an_overhead(self):
        line = Line("runner", "ms/step", "fork/exec", "ctp/peer", "≤1.2× (CPU)",
                    ctp=[Sample(1.56, 1.52), Sample(1.80, 1.60)],
                    peers=[Sample(1.50, 1.41), Sample(1.50, 1.50)])
        self.assertEqual(ratio_cell(line, "cpu"), "1.07× (1.07–1.08×)")
        self.assertEqual(ratio_cell(line, "wall"), "1.12× (1.04–1.20×)")

    def test_one_pair_has_no_range(self):
        line = Line("x", "s", "peer", ctp=[Sample(1.0, 1.0)], peers=[Sample(4.0, 2.0)])
        self.assertEqual(ratio_cell(line, "wall"), "4.00×")


class TableTest(unittest.TestCase):
    def test_skipped_line_says_why_and_keeps_the_goal(self):
        line = Line("reference CNN, one epoch, 2 threads", "s", goal="≥1×",
                    skipped="skipped: PyTorch not installed (pip install torch)")
        self.assertEqual(table_row(line), "| reference CNN, one epoch, 2 threads | skipped: PyTorch "
                                          "not installed (pip install torch) | | | ≥1× | | | | |")

    def test_line_without_a_peer_gives_ctp_medians(self):
        line = Line("`ctp emit`, 5 steps", "ms", goal="<10 ms wall",
                    ctp=[Sample(7.2, 6.1), Sample(7.5, 6.3)])
        self.assertEqual(table_row(line), "| `ctp emit`, 5 steps | — | 7.35 ms median | 6.20 ms median "
                                          "| <10 ms wall | 7.20 / 7.35 / 7.50 ms | — "
                                          "| 6.10 / 6.20 / 6.30 ms | — |")

    def test_quiet_report(self):
        text = report(["AMD EPYC, 2 usable cores of 2", "load average before the runs: 0.10 (1 min)"],
                      False, 3, [emit_line()])
        self.assertEqual(text, "\n".join([
            "## `make bench`",
            "",
            "- AMD EPYC, 2 usable cores of 2",
            "- load average before the runs: 0.10 (1 min)",
            "- 3 run(s) of each side, interleaved (ctp, peer, ctp, peer, ...); CPU = user + system "
            "time of the whole process tree",
            "",
            HEADER,
            "| `ctp emit --format kfp` vs the KFP compiler, 2,000 steps | KFP / ctp | 250× (238–262×) "
            "| 267× (265–272×) | ≥100× | 0.267 / 0.280 / 0.300 s | 69.0 / 70.0 / 71.5 s "
            "| 0.250 / 0.255 / 0.260 s | 67.5 / 68.0 / 69.0 s |",
            ""]))

    def test_busy_report_is_marked(self):
        text = report(["load average before the runs: 9.40 (1 min): BUSY"], True, 1, [])
        self.assertEqual(text, "\n".join([
            "## `make bench` — MEASURED UNDER LOAD, not comparable",
            "",
            "- load average before the runs: 9.40 (1 min): BUSY",
            "- 1 run(s) of each side, interleaved (ctp, peer, ctp, peer, ...); CPU = user + system "
            "time of the whole process tree",
            "",
            "**The machine was busy while this ran** (see the load average above): wall times "
            "include waiting for a core. The CPU columns are steadier; rerun on a quiet machine "
            "before quoting any number.",
            "",
            HEADER,
            ""]))

    def test_commands_section(self):
        self.assertEqual(commands_section([("emit-kfp", ["build-bench/ctp emit g.lua", "python3 kfp.py"]),
                                           ("cnn", [])]), "\n".join([
            "",
            "Commands (each row alone: `bench/run_all --only NAME`):",
            "",
            "- `emit-kfp`:",
            "  - `build-bench/ctp emit g.lua`",
            "  - `python3 kfp.py`",
            "- `cnn`: nothing ran",
            ""]))


if __name__ == "__main__":
    unittest.main()
