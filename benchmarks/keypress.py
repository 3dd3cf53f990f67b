"""Key press to next frame in the account screen, against bare Textual widgets.

Four cases, each timed in the real editor (signed in on the demo dataset) and
with the same key in a plain Textual widget of the same size:

- tab switch: F3 / F2 on the account screen, and in a ``TabbedContent``;
- typing in a field: a letter / backspace in NOM, and in an ``Input``;
- toggling a checkbox: space in the alerts tree, and in a ``SelectionList``;
- toggling a département: space on the places picker's map, and in a
  ``SelectionList``.

The apps run headless at 80×24, in one process and interleaved round by
round, so that both sides of a ratio see the same machine load. A frame is
the moment the compositor's update has been turned into the bytes a
terminal would receive (the technique of ``places_keypress.py``). Textual's
cap of 60 frames a second is lifted by the caller (``TEXTUAL_FPS``), so that
the figures show the work a key causes rather than the wait for a tick.
The typing case leaves an untimed "x" in NOM, so that the unsaved-changes
marker stays shown from then on and every timed press costs the same.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.report import Figure

SIZE = (80, 24)
FRAME_TIMEOUT = 5.0
SECTION = "key to frame"
QUIET = 0.03
"""Seconds without a frame after which an app is taken to be at rest."""


@dataclass
class Case:
    """One comparison: how to ready each app, and the keys to time."""

    name: str
    yardstick: str
    keys: tuple[str, ...]
    prepare_amp: Callable[[], Awaitable[Any]]
    prepare_bare: Callable[[], Awaitable[Any]]
    amp: Any
    bare: Any


class FrameClock:
    """Timestamps every frame any app produces, with the app that drew it."""

    def __init__(self) -> None:
        from textual.app import App

        self.frames: list[tuple[Any, float]] = []
        self._original = App._display
        original = self._original
        frames = self.frames

        def display(app: Any, screen: Any, renderable: Any) -> None:
            from textual._compositor import CompositorUpdate

            original(app, screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                frames.append((app, time.perf_counter()))

        App._display = display  # type: ignore[method-assign, assignment]

    def restore(self) -> None:
        """Put Textual's own display method back."""
        from textual.app import App

        App._display = self._original  # type: ignore[method-assign]

    async def quiet(self, pilot: Any) -> None:
        """Wait until the app has handled its messages and drawn nothing lately.

        Quicker than Pilot.pause, which waits for the whole process to idle.
        """
        app = pilot.app
        await pilot._wait_for_screen()
        while True:
            await asyncio.sleep(QUIET / 2)
            latest = max((at for who, at in self.frames if who is app), default=0.0)
            if time.perf_counter() - latest >= QUIET:
                return

    async def latency(self, pilot: Any, key: str) -> float:
        """Send ``key`` as the terminal driver would; milliseconds to a frame."""
        from textual import events

        app = pilot.app
        await self.quiet(pilot)
        self.frames.clear()
        character = " " if key == "space" else (key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(app)
        started = time.perf_counter()
        app._driver.send_message(event)
        deadline = started + FRAME_TIMEOUT
        while time.perf_counter() < deadline:
            drawn = [at for who, at in self.frames if who is app]
            if drawn:
                return (drawn[0] - started) * 1000
            await asyncio.sleep(0)
        raise RuntimeError(f"no frame after {key}")


async def settle(pilot: Any) -> None:
    """Let workers finish and the screen catch up."""
    for _ in range(20):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


def in_app(pilot: Any, callback: Callable[..., Any], *args: Any) -> None:
    """Run ``callback`` inside the app's own task.

    Several apps share this event loop, and Textual finds "the" app through a
    context variable: a screen pushed from outside the app's task would draw
    into whichever app started last.
    """
    pilot.app.call_later(callback, *args)


def still_cursors(app: Any) -> None:
    """Stop input cursors blinking: a blink is a frame no key asked for."""
    from textual.widgets import Input

    for field in app.screen.query(Input):
        field.cursor_blink = False


async def measure(presses: int, rounds: int) -> list[Figure]:
    """Time every case, interleaved by rounds; one figure per case."""
    from contextlib import AsyncExitStack

    from benchmarks.bare_apps import InputApp, ListApp, TabsApp
    from screens.account import AccountScreen
    from screens.app import AmpApp

    clock = FrameClock()
    folder = Path(tempfile.mkdtemp(prefix="amp-tui-bench-keys-"))
    db = demo_database(folder)
    try:
        amp = AmpApp(db, sign_in_as="acheteur.cea")
        async with amp.run_test(size=SIZE) as pilot, AsyncExitStack() as stack:
            await settle(pilot)
            if not isinstance(amp.screen, AccountScreen):
                raise RuntimeError(f"the editor opened {amp.screen!r}")
            sizes = await widget_sizes(pilot)
            bare_apps = {
                "tabs": TabsApp(),
                "input": InputApp(sizes["nom"][0]),
                "alerts": ListApp(13, sizes.get("alerts", (76, 12))),
                "map": ListApp(101, sizes.get("map", (76, 12))),
            }
            bare = {}
            for name, app in bare_apps.items():
                bare[name] = await stack.enter_async_context(app.run_test(size=SIZE))
                await settle(bare[name])
                in_app(bare[name], still_cursors, app)
            return await run_cases(clock, build_cases(pilot, bare), presses, rounds)
    finally:
        clock.restore()
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def demo_database(folder: Path) -> Any:
    """A new SQLite database in ``folder`` holding the demo dataset."""
    from sqlalchemy.engine import make_url

    from amp_tui.database import Database
    from amp_tui.demo import seed_demo
    from amp_tui.schema import create_fresh

    db = Database(make_url(f"sqlite:///{folder / 'demo.db'}"))
    create_fresh(db)
    seed_demo(db)
    return db


async def widget_sizes(pilot: Any) -> dict[str, tuple[int, int]]:
    """The sizes of the widgets the keys go to, for same-sized yardsticks."""
    from screens.dialogs.places_picker import PlacesPicker

    sizes: dict[str, tuple[int, int]] = {}
    field = pilot.app.screen.query_one("#nom")
    sizes["nom"] = (field.size.width, field.size.height)
    await pilot.press("f3")
    await settle(pilot)
    tree = pilot.app.focused
    if tree is not None and type(tree).__name__ == "CheckboxTree":
        sizes["alerts"] = (tree.size.width, tree.size.height)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    picker = pilot.app.screen
    if isinstance(picker, PlacesPicker):
        sizes["map"] = (picker.map_view.size.width, picker.map_view.size.height)
        in_app(pilot, picker.dismiss, None)
        await settle(pilot)
    await pilot.press("f2")
    await settle(pilot)
    return sizes


class CaseUnavailable(RuntimeError):
    """The editor does not offer what a case presses (a tab not built yet)."""


async def run_cases(
    clock: FrameClock, cases: list[Case], presses: int, rounds: int
) -> list[Figure]:
    """Run the cases round after round; return their figures."""
    samples: dict[str, tuple[list[float], list[float]]] = {
        case.name: ([], []) for case in cases
    }
    missing: dict[str, str] = {}
    per_round = max(2, presses // rounds)
    for _ in range(rounds):
        for case in cases:
            if case.name in missing:
                continue
            try:
                await case.prepare_amp()
            except CaseUnavailable as reason:
                missing[case.name] = str(reason)
                continue
            await case.prepare_bare()
            mine, theirs = samples[case.name]
            for number in range(per_round):
                key = case.keys[number % len(case.keys)]
                mine.append(await clock.latency(case.amp, key))
                theirs.append(await clock.latency(case.bare, key))
            await leave_case(case)
    figures = []
    for case in cases:
        if case.name in missing:
            figures.append(Figure.missing(SECTION, case.name, missing[case.name]))
            continue
        mine, theirs = samples[case.name]
        figures.append(
            Figure(
                section=SECTION,
                name=case.name,
                value=statistics.median(mine),
                baseline=statistics.median(theirs),
                unit="ms",
                note=f"{case.yardstick}; median of {len(mine)} presses",
            )
        )
    return figures


async def leave_case(case: Case) -> None:
    """Close what a case opened (the places picker)."""
    from screens.dialogs.places_picker import PlacesPicker

    screen = case.amp.app.screen
    if isinstance(screen, PlacesPicker):
        in_app(case.amp, screen.dismiss, None)
        await settle(case.amp)


def build_cases(amp: Any, bare: dict[str, Any]) -> list[Case]:
    """The four cases and how each side gets ready for its keys."""

    async def on_tab(key: str) -> None:
        await amp.press(key)
        await settle(amp)
        in_app(amp, still_cursors, amp.app)
        await settle(amp)

    async def tabs_amp() -> None:
        await on_tab("f2")

    async def tabs_bare() -> None:
        await bare["tabs"].press("f2")
        await settle(bare["tabs"])
        in_app(bare["tabs"], still_cursors, bare["tabs"].app)

    async def typing_amp() -> None:
        await on_tab("f2")
        in_app(amp, amp.app.screen.query_one("#nom").focus)
        await amp.press("end", "x")
        await settle(amp)

    async def typing_bare() -> None:
        in_app(bare["input"], bare["input"].app.query_one("Input").focus)
        await bare["input"].press("end", "x")
        await settle(bare["input"])

    async def alerts_amp() -> None:
        await on_tab("f3")
        tree = amp.app.focused
        if tree is None or type(tree).__name__ != "CheckboxTree":
            raise CaseUnavailable("the alerts tab has no checkbox tree")
        # The second alert of the first group: enabled for every agent.
        in_app(amp, setattr, tree, "cursor_line", 2)
        await settle(amp)

    async def map_amp() -> None:
        from screens.dialogs.places_picker import PlacesPicker

        await on_tab("f4")
        await amp.press("enter")
        await settle(amp)
        picker = amp.app.screen
        if not isinstance(picker, PlacesPicker):
            raise CaseUnavailable("Détails / Editer did not open the places picker")
        in_app(amp, picker.map_view.focus)
        in_app(amp, picker.map_view.move_cursor, "68")
        await settle(amp)

    def list_ready(name: str) -> Callable[[], Awaitable[None]]:
        async def ready() -> None:
            pilot = bare[name]
            selection = pilot.app.query_one("SelectionList")
            in_app(pilot, selection.focus)
            in_app(pilot, setattr, selection, "highlighted", 1)
            await settle(pilot)

        return ready

    return [
        Case(
            "tab switch",
            "F3/F2 in a TabbedContent",
            ("f3", "f2"),
            tabs_amp,
            tabs_bare,
            amp,
            bare["tabs"],
        ),
        Case(
            "typing in a field",
            "a letter/backspace in an Input as wide as NOM",
            ("a", "backspace"),
            typing_amp,
            typing_bare,
            amp,
            bare["input"],
        ),
        Case(
            "toggling a checkbox",
            "space in a SelectionList the size of the alerts tree",
            ("space",),
            alerts_amp,
            list_ready("alerts"),
            amp,
            bare["alerts"],
        ),
        Case(
            "toggling a département on the map",
            "space in a SelectionList the size of the map",
            ("space",),
            map_amp,
            list_ready("map"),
            amp,
            bare["map"],
        ),
    ]


def run(presses: int, rounds: int) -> list[Figure]:
    """Measure the four cases (call with TEXTUAL_FPS already set)."""
    return asyncio.run(measure(presses, rounds))
