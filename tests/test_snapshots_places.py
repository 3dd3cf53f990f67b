"""What the places picker and its tab look like, pinned as SVG snapshots.

Generate with ``pytest tests/test_snapshots_places.py --snapshot-update`` and
look at the files under ``tests/__snapshots__/`` before accepting them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from amp_tui.database import Database
from amp_tui.demo import seed_demo
from screens import account
from screens.app import AmpApp
from screens.tabs.places import PlacesTab
from tests.test_places_picker import PickerHarness, arrow_path, views

SnapCompare = Callable[..., bool]
CHOSEN = {"67", "68", "75", "2A", "971", "988"}


def prepare(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` step: stop the filter's cursor blinking, press keys."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        if keys:
            await pilot.press(*keys)
        await pilot.pause()

    return run_before


def cursor_to(code: str, *then: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` step that walks the map's cursor to ``code``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await prepare()(pilot)
        _, places_map = views(pilot)
        await pilot.press(*arrow_path(places_map.cursor, code), *then)
        await pilot.pause()

    return run_before


class TestPlacesPicker:
    """The picker alone, as ``Détails / Editer`` opens it."""

    def test_map_and_tree_stacked_at_80_by_24(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(
            PickerHarness(CHOSEN), terminal_size=(80, 24), run_before=cursor_to("57")
        )

    def test_map_with_region_outlines_beside_the_tree_at_120_by_40(
        self, snap_compare: SnapCompare
    ) -> None:
        assert snap_compare(
            PickerHarness(CHOSEN), terminal_size=(120, 40), run_before=cursor_to("57")
        )

    def test_map_reads_without_colour(
        self, snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        assert snap_compare(
            PickerHarness(CHOSEN), terminal_size=(120, 40), run_before=cursor_to("57")
        )

    def test_typing_rhin_filters_both_views(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(
            PickerHarness({"75"}),
            terminal_size=(80, 24),
            run_before=prepare("r", "h", "i", "n"),
        )


class TestPlacesTab:
    """The tab inside the account screen."""

    def test_tab_lists_the_places_as_the_platform_does(
        self,
        snap_compare: SnapCompare,
        sqlite_db: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        seed_demo(sqlite_db)
        wired = [
            (tab_id, title, key, PlacesTab if tab_id == "lieux" else tab_class)
            for tab_id, title, key, tab_class in account.TABS
        ]
        monkeypatch.setattr(account, "TABS", wired)

        async def open_tab(pilot: Pilot[Any]) -> None:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("f4")
            await pilot.pause()

        assert snap_compare(
            AmpApp(sqlite_db, sign_in_as="jerome.weiss"),
            terminal_size=(80, 24),
            run_before=open_tab,
        )
