"""The report of `bench/run_all`: statistics of the measured samples and the Markdown table.

Pure functions of their inputs (tests/bench/run_all_test.py checks the exact text).
"""
import statistics
from dataclasses import dataclass, field


@dataclass
class Line:
    """One line of the table: ctp's samples against the peer's, both already in `unit`."""
    what: str
    unit: str                  # "s", "ms", "ms/step"
    peer: str = ""             # the peer's name; "" when the line has no peer
    ratio: str = "peer/ctp"    # "peer/ctp" (how many times less ctp takes) or "ctp/peer"
    goal: str = ""
    ctp: list = field(default_factory=list)    # [Sample]
    peers: list = field(default_factory=list)  # [Sample], in the same order (interleaved pairs)
    skipped: str = ""          # "skipped: why" or "FAILED: ..." when the line was not measured


def number(x):
    """Three significant digits, thousands separated: 70.0, 0.267, 1,368."""
    if x >= 1000:
        return f"{x:,.0f}"
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:#.3g}"


def times(x):
    return f"{number(x)}×"


def spread(values, unit):
    """min / median / max of the values, with the unit."""
    if not values:
        return "—"
    return (f"{number(min(values))} / {number(statistics.median(values))} / "
            f"{number(max(values))} {unit}")


def ratio_cell(line, kind):
    """The ratio of the medians, and its range over the interleaved pairs (when more than one)."""
    mine = [getattr(s, kind) for s in line.ctp]
    theirs = [getattr(s, kind) for s in line.peers]
    if not mine or not theirs:
        return "—"

    def ratio(a, b):
        return b / a if line.ratio == "peer/ctp" else a / b
    cell = times(ratio(statistics.median(mine), statistics.median(theirs)))
    pairs = [ratio(a, b) for a, b in zip(mine, theirs)]
    if len(pairs) > 1:
        cell += f" ({number(min(pairs))}–{times(max(pairs))})"
    return cell


def ratio_name(line):
    if not line.peer:
        return "—"
    return f"{line.peer} / ctp" if line.ratio == "peer/ctp" else f"ctp / {line.peer}"


HEADER = ("| what | ratio | wall | CPU | goal | ctp wall (min / median / max) "
          "| peer wall (min / median / max) | ctp CPU (min / median / max) "
          "| peer CPU (min / median / max) |\n"
          "|---|---|---|---|---|---|---|---|---|")


def table_row(line):
    if line.skipped:
        return f"| {line.what} | {line.skipped} | | | {line.goal} | | | | |"
    if not line.peer:
        wall = f"{number(statistics.median(s.wall for s in line.ctp))} {line.unit} median"
        cpu = f"{number(statistics.median(s.cpu for s in line.ctp))} {line.unit} median"
    else:
        wall, cpu = ratio_cell(line, "wall"), ratio_cell(line, "cpu")
    return (f"| {line.what} | {ratio_name(line)} | {wall} | {cpu} | {line.goal} "
            f"| {spread([s.wall for s in line.ctp], line.unit)} "
            f"| {spread([s.wall for s in line.peers], line.unit)} "
            f"| {spread([s.cpu for s in line.ctp], line.unit)} "
            f"| {spread([s.cpu for s in line.peers], line.unit)} |")


def report(machine_lines, busy, repeat, lines):
    """The whole Markdown report: the machine, a warning when it was busy, the table and the
    commands of every row."""
    out = ["## `make bench`" + (" — MEASURED UNDER LOAD, not comparable" if busy else ""), ""]
    out += [f"- {text}" for text in machine_lines]
    out.append(f"- {repeat} run(s) of each side, interleaved (ctp, peer, ctp, peer, ...); "
               "CPU = user + system time of the whole process tree")
    if busy:
        out += ["", "**The machine was busy while this ran** (see the load average above): wall "
                "times include waiting for a core. The CPU columns are steadier; rerun on a quiet "
                "machine before quoting any number."]
    out += ["", HEADER] + [table_row(line) for line in lines]
    return "\n".join(out) + "\n"


def commands_section(rows):
    """rows: [(name, [command text])]: how to rerun each row alone and what it ran."""
    out = ["", "Commands (each row alone: `bench/run_all --only NAME`):", ""]
    for name, commands in rows:
        out.append(f"- `{name}`:" if commands else f"- `{name}`: nothing ran")
        out += [f"  - `{command}`" for command in commands]
    return "\n".join(out) + "\n"

