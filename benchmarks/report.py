"""The figures of a run: a table on the terminal, and BENCHMARKS.md.

Every figure is amp-tui's measurement divided by a yardstick measured in the
same run, because absolute times on a shared machine are mostly noise. The
file records the machine and the date next to the figures, so that a reader
knows what they describe.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from dataclasses import dataclass
from pathlib import Path

RERUN = "python -m benchmarks"


@dataclass(frozen=True)
class Figure:
    """One line of the table: a measurement, its yardstick, and the goal."""

    section: str
    name: str
    value: float | None
    baseline: float | None
    unit: str
    goal: float | None = None
    note: str = ""

    @classmethod
    def missing(cls, section: str, name: str, reason: str) -> Figure:
        """A figure that could not be measured, and why."""
        return cls(section, name, None, None, "", None, reason)

    @property
    def ratio(self) -> float | None:
        """amp-tui over the yardstick."""
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        """Whether the goal is met, for figures that have one."""
        if self.goal is None or self.ratio is None:
            return ""
        return "met" if self.ratio <= self.goal else "missed"


def number(value: float | None, unit: str) -> str:
    """A measurement with its unit, at a sensible precision."""
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "B":
        return f"{value:.0f} B"
    return f"{value:g} {unit}".strip()


def rows(figures: list[Figure]) -> list[list[str]]:
    """The table's cells, one list per figure."""
    table = []
    for figure in figures:
        ratio = figure.ratio
        goal = f"≤ {figure.goal:g}×" if figure.goal is not None else ""
        table.append(
            [
                figure.section,
                figure.name,
                number(figure.value, figure.unit),
                number(figure.baseline, figure.unit),
                f"{ratio:.2f}×" if ratio is not None else "n/a",
                f"{goal} {figure.verdict}".strip(),
                figure.note,
            ]
        )
    return table


HEADINGS = ["section", "figure", "amp-tui", "yardstick", "ratio", "goal", "note"]


def text_table(figures: list[Figure]) -> str:
    """The table for a terminal, columns aligned."""
    table = [HEADINGS, *rows(figures)]
    widths = [max(len(row[column]) for row in table) for column in range(6)]
    lines = []
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[6]]).rstrip())
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    """The table in Markdown."""
    table = [HEADINGS, ["---"] * len(HEADINGS), *rows(figures)]
    return "\n".join(
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
        for row in table
    )


def machine(extra: list[str]) -> list[str]:
    """What the figures were measured on, one fact per line."""
    from importlib.metadata import version

    facts = [
        f"{platform.system()} {platform.release()} ({platform.machine()})",
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores",
        f"memory: {memory_gib():.0f} GiB",
        f"Python {platform.python_version()}, Textual {version('textual')}, "
        f"SQLAlchemy {version('sqlalchemy')}, SQLite {sqlite3.sqlite_version}",
    ]
    facts.extend(extra)
    load = os.getloadavg()
    facts.append(f"load average at the end of the run: {load[0]:.2f}, {load[1]:.2f}")
    return facts


def cpu_model() -> str:
    """The processor's name, from /proc/cpuinfo where there is one."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib() -> float:
    """Installed memory in GiB."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 0.0
    return pages / 2**30


def write_markdown(
    path: Path,
    figures: list[Figure],
    *,
    command: str,
    notes: list[str],
    facts: list[str],
) -> None:
    """Rewrite BENCHMARKS.md with this run's figures."""
    today = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "# Benchmarks",
        "",
        "How fast amp-tui feels, measured against plain Textual and plain SQL on",
        "the same machine in the same run. Every figure is a ratio: amp-tui's",
        "measurement over a yardstick measured alongside it, because absolute",
        "times on a shared machine are noise. This file is rewritten by:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Measured on {today}:",
        "",
        *(f"- {fact}" for fact in machine(facts)),
        "",
        markdown_table(figures),
        "",
        "## How each figure is measured",
        "",
        *notes,
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
