"""How long the places picker takes from a key press to the next frame.

Three cases run in one process, interleaved round by round so that they see
the same machine load:

- ``tree space``: space on a département in the picker's checkbox tree, which
  also refills the cell on the map;
- ``map space``: space on a cell of the picker's map, which also updates the
  tree;
- ``bare Tree down``: the cursor moving down in a plain Textual ``Tree`` with
  the same nodes, folded the same way, in a widget of the same size: the
  cheapest thing a tree does, and the yardstick.

The app runs headless at the chosen size. A frame is the moment the screen's
compositor has produced its update and the update has been turned into the
bytes a terminal would receive; the latency of a key is the time from
handing the key to the driver until the first frame after it. Textual
limits frames to 60 per second by default, which adds up to 16.7 ms of wait
to every case alike; the script lifts that limit (``--fps``) so that the
figures show the work done, not the wait for the next tick.

Run from the repository root (it is not a test)::

    python benchmarks/places_keypress.py
    python benchmarks/places_keypress.py --size 120x40 --presses 400
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL = 1.5
"""The most a toggle may cost, as a multiple of the bare tree's cursor move."""


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="80x24", help="terminal size, WxH")
    parser.add_argument("--presses", type=int, default=300, help="per case")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds")
    parser.add_argument("--fps", type=int, default=1000, help="Textual's frame cap")
    return parser.parse_args()


async def measure(
    args: argparse.Namespace,
) -> dict[str, list[tuple[float, float]]]:
    """Run the three cases; return each press's latencies in milliseconds."""
    from textual import events
    from textual._compositor import CompositorUpdate
    from textual.app import App, ComposeResult
    from textual.pilot import Pilot
    from textual.widgets import Tree

    from screens.dialogs.places_picker import PlacesPicker
    from screens.widgets.checkbox_tree import CheckboxNode
    from screens.widgets.places_tree import place_nodes

    width, height = (int(part) for part in args.size.split("x"))
    frames: list[float] = []
    display = App._display

    def record_frame(app: App[Any], screen: Any, renderable: Any) -> None:
        display(app, screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
            frames.append(time.perf_counter())

    App._display = record_frame  # type: ignore[method-assign, assignment]

    class PickerApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(PlacesPicker({"67", "75"}))

    class BareTreeApp(App[None]):
        def __init__(self, tree_size: tuple[int, int]) -> None:
            super().__init__()
            self.tree_size = tree_size

        def compose(self) -> ComposeResult:
            tree: Tree[str] = Tree("Lieux")
            tree.show_root = False

            def add(parent: Any, spec: CheckboxNode) -> None:
                if spec.is_leaf:
                    parent.add_leaf(spec.plain_label, spec.key)
                    return
                node = parent.add(spec.plain_label, spec.key, expand=spec.expanded)
                for child in spec.children:
                    add(node, child)

            for spec in place_nodes({"44", "11"}):
                add(tree.root, spec)
            tree.styles.width, tree.styles.height = self.tree_size
            yield tree

    async def latency(pilot: Pilot[Any], key: str) -> tuple[float, float]:
        """Milliseconds to the first frame after ``key``, and to the last
        frame of the burst it causes (when both views show the change)."""
        await pilot.pause()
        # Let a whole frame period pass, so that no case waits for a tick
        # that an earlier press started.
        await asyncio.sleep(1.5 / args.fps)
        frames.clear()
        started = time.perf_counter()
        event = events.Key(key, " " if key == "space" else None)
        event.set_sender(pilot.app)
        assert pilot.app._driver is not None
        pilot.app._driver.send_message(event)
        for _ in range(10_000):
            if frames:
                break
            await asyncio.sleep(0)
        else:
            raise RuntimeError(f"no frame after {key}")
        first = frames[0]
        await pilot.pause()
        await asyncio.sleep(3 / args.fps)
        await pilot.pause()
        return (first - started) * 1000, (frames[-1] - started) * 1000

    results: dict[str, list[tuple[float, float]]] = {
        "tree space": [],
        "map space": [],
        "bare Tree down": [],
    }
    per_round = max(1, args.presses // args.rounds)
    picker_app = PickerApp()
    async with picker_app.run_test(size=(width, height)) as picker_pilot:
        await picker_pilot.pause()
        picker = picker_app.screen
        assert isinstance(picker, PlacesPicker)
        picker.tree_view.focus()
        picker.tree_view.reveal("67")
        await picker_pilot.pause()
        tree_region = picker.tree_view.size
        tree_app = BareTreeApp((tree_region.width, tree_region.height))
        async with tree_app.run_test(size=(width, height)) as tree_pilot:
            bare = tree_app.query_one(Tree)
            bare.focus()
            bare.cursor_line = 10
            await tree_pilot.pause()
            cases: list[tuple[str, Pilot[Any], Callable[[int], str], Any]] = [
                ("tree space", picker_pilot, lambda n: "space", picker.tree_view),
                ("map space", picker_pilot, lambda n: "space", picker.map_view),
                (
                    "bare Tree down",
                    tree_pilot,
                    lambda n: "down" if n % 2 == 0 else "up",
                    bare,
                ),
            ]
            for _ in range(args.rounds):
                for name, pilot, key_for, widget in cases:
                    widget.focus()
                    await pilot.pause()
                    for n in range(per_round):
                        results[name].append(await latency(pilot, key_for(n)))
    App._display = display  # type: ignore[method-assign]
    return results


def report(
    results: dict[str, list[tuple[float, float]]], args: argparse.Namespace
) -> None:
    """Print medians and 90th percentiles, and the ratios to the yardstick."""
    first = {name: [pair[0] for pair in pairs] for name, pairs in results.items()}
    settled = {name: [pair[1] for pair in pairs] for name, pairs in results.items()}
    print(
        f"Key press to frame, {args.size}, Textual frame cap {args.fps} fps, "
        f"{len(results['bare Tree down'])} presses per case"
    )
    print(
        f"{'case':<16} {'next frame: median':>19} {'p90':>6} {'ratio':>6}"
        f" {'last frame: median':>19} {'p90':>6} {'ratio':>6}"
    )
    yardsticks = [
        statistics.median(figures["bare Tree down"]) for figures in (first, settled)
    ]
    for name in results:
        cells = []
        for figures, yardstick in zip((first, settled), yardsticks, strict=True):
            median = statistics.median(figures[name])
            p90 = statistics.quantiles(figures[name], n=10)[-1]
            cells.append(f"{median:>19.2f} {p90:>6.2f} {median / yardstick:>6.2f}")
        print(f"{name:<16} {' '.join(cells)}")
    worst = max(statistics.median(first[name]) for name in ("tree space", "map space"))
    verdict = "met" if worst <= GOAL * yardsticks[0] else "missed"
    print(
        f"goal: a toggle's next frame at most {GOAL}x the bare Tree's cursor "
        f"move: {verdict}"
    )


def main() -> int:
    """Measure and print."""
    args = parse_args()
    os.environ["TEXTUAL_FPS"] = str(args.fps)
    results = asyncio.run(measure(args))
    report(results, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
