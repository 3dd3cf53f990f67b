"""Cold start, memory and terminal traffic, in a real pseudo-terminal.

``amp-tui demo`` runs as a user starts it, on an 80×24 pseudo-terminal, and
so do the yardsticks of ``bare_apps.py``:

- cold start: from launching the command to the first complete frame of the
  account screen (title, the agent's name in NOM, the footer), against the
  minimal Textual app's first frame;
- memory: the editor's peak resident memory once every tab and the places
  picker have been opened and used, against the minimal app's;
- traffic: the bytes written to the terminal in answer to one key, which is
  what an SSH connection carries, against the same key in a bare widget.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bare_apps import LABEL
from benchmarks.report import Figure
from benchmarks.terminal import Terminal, python_command

BARE_APPS = str(Path(__file__).resolve().with_name("bare_apps.py"))


def amp_tui_command() -> list[str]:
    """``amp-tui demo`` as installed next to this Python, else through -m."""
    script = Path(sys.executable).with_name("amp-tui")
    if script.exists():
        return [str(script), "demo"]
    return python_command("-m", "amp_tui", "demo")


def account_ready(screen: str) -> bool:
    """The account screen is complete: title, a field's value, the footer."""
    return all(text in screen for text in ("Mon compte personnel", "MARTIN", "^s"))


def label_ready(screen: str) -> bool:
    """The minimal app shows its label."""
    return LABEL in screen


@contextmanager
def running(argv: Sequence[str]) -> Iterator[Terminal]:
    """Run a program in its own pseudo-terminal and temporary folder."""
    folder = tempfile.mkdtemp(prefix="amp-tui-bench-")
    env = {key: value for key, value in os.environ.items() if key != "TEXTUAL_FPS"}
    env["TMPDIR"] = folder
    terminal = Terminal.spawn(argv, env=env)
    try:
        yield terminal
    finally:
        terminal.close()
        shutil.rmtree(folder, ignore_errors=True)


def time_to_frame(argv: Sequence[str], ready: Callable[[str], bool]) -> float:
    """Seconds from launch to the first frame that ``ready`` accepts."""
    with running(argv) as terminal:
        frame = terminal.wait_for(ready)
        return frame.at - terminal.started


def cold_start(rounds: int) -> Figure:
    """The editor's start against the minimal Textual app's, interleaved."""
    mine, theirs = [], []
    for _ in range(rounds):
        mine.append(time_to_frame(amp_tui_command(), account_ready))
        theirs.append(time_to_frame(python_command(BARE_APPS, "label"), label_ready))
    return Figure(
        section="cold start",
        name="amp-tui demo to the account screen",
        value=statistics.median(mine),
        baseline=statistics.median(theirs),
        unit="s",
        goal=1.5,
        note=f"minimal Textual app showing one label; median of {rounds} launches",
    )


def bare_memory() -> float:
    """The minimal app's peak resident memory, in MiB."""
    with running(python_command(BARE_APPS, "label")) as terminal:
        terminal.wait_for(label_ready)
        terminal.settle(0.3)
        return terminal.peak_memory_kib() / 1024


def press_all(terminal: Terminal, keys: Sequence[str]) -> None:
    """Press keys whose traffic is not counted, each once the screen is still.

    A longer wait than between counted keys: a tab switch moves the focus
    only after its first frame, and the next key must find it moved.
    """
    for key in keys:
        terminal.settle(0.3)
        terminal.press(key)
    terminal.settle(0.3)


def counted(terminal: Terminal, keys: Sequence[str], presses: int) -> list[int]:
    """The bytes of each of ``presses`` presses, cycling through ``keys``."""
    return [terminal.bytes_for(keys[number % len(keys)]) for number in range(presses)]


@dataclass(frozen=True)
class TrafficCase:
    """Keys to count in the editor, and the same keys in a yardstick app."""

    name: str
    ready: tuple[str, ...]
    """Keys that bring the editor to the case, not counted."""
    keys: tuple[str, ...]
    """Keys counted, in turn."""
    shows: str
    """Text on screen once ready, else the editor lacks the case."""
    yardstick: tuple[str, ...]
    """The yardstick app and its arguments (see bare_apps.py)."""
    note: str


TRAFFIC_CASES = (
    TrafficCase(
        "tab switch",
        ("f2",),
        ("f3", "f2"),
        "NOM",
        ("tabs",),
        "F3/F2 in a TabbedContent",
    ),
    TrafficCase(
        "typing in a field",
        ("f2", "end", "x"),
        ("a", "backspace"),
        "MARTINx",
        ("input",),
        "a letter/backspace in an Input",
    ),
    TrafficCase(
        "toggling a checkbox",
        ("f3", "down", "space", "down"),
        ("space",),
        "[x]",
        ("list", "13"),
        "space in a SelectionList",
    ),
    TrafficCase(
        "toggling a département on the map",
        ("f4", "enter", "space", "right"),
        ("space",),
        "Valider",
        ("list", "101"),
        "space in a SelectionList",
    ),
)


def editor_session(presses: int) -> tuple[dict[str, float | None], float]:
    """Use every tab of the editor; the median bytes per key, and peak MiB.

    A case whose screen never shows what it expects counts as missing.
    """
    traffic: dict[str, float | None] = {}
    with running(amp_tui_command()) as terminal:
        terminal.wait_for(account_ready)
        terminal.settle(0.3)
        for case in TRAFFIC_CASES:
            press_all(terminal, case.ready)
            if case.shows not in terminal.text():
                traffic[case.name] = None
                continue
            traffic[case.name] = statistics.median(
                counted(terminal, case.keys, presses)
            )
        return traffic, terminal.peak_memory_kib() / 1024


def bare_traffic(presses: int) -> dict[str, float]:
    """The same keys in the yardstick apps: median bytes per key."""
    traffic: dict[str, float] = {}
    for case in TRAFFIC_CASES:
        with running(python_command(BARE_APPS, *case.yardstick)) as terminal:
            terminal.settle(0.5)
            if case.yardstick[0] == "list":
                press_all(terminal, ("down",))
            if case.yardstick[0] == "input":
                press_all(terminal, ("end", "x"))
            traffic[case.name] = statistics.median(
                counted(terminal, case.keys, presses)
            )
    return traffic


def memory_and_traffic(presses: int) -> list[Figure]:
    """Peak memory and bytes per key of the editor against the yardsticks."""
    mine, peak = editor_session(presses)
    theirs = bare_traffic(presses)
    figures = [
        Figure(
            section="memory",
            name="peak resident memory of the editor",
            value=peak,
            baseline=bare_memory(),
            unit="MiB",
            note="after using every tab and the map; minimal Textual app",
        )
    ]
    for case in TRAFFIC_CASES:
        value = mine[case.name]
        if value is None:
            reason = f"the editor never showed {case.shows!r} for this case"
            figures.append(Figure.missing("terminal traffic", case.name, reason))
            continue
        figures.append(
            Figure(
                section="terminal traffic",
                name=case.name,
                value=value,
                baseline=theirs[case.name],
                unit="B",
                note=f"bytes per key at 80×24; {case.note}; median of {presses}",
            )
        )
    return figures
