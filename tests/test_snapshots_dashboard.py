"""What the consultations dashboard looks like at 80×24, pinned as SVG.

Generate with ``pytest tests/test_snapshots_dashboard.py --snapshot-update``
and look at the files under ``tests/__snapshots__/`` before accepting them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from amp_tui.database import Database
from amp_tui.demo import seed_demo
from tests.app_driver import settle
from tests.test_dashboard import DashboardHarness, actor_of

SnapCompare = Callable[..., bool]


@pytest.fixture
def demo_sqlite(sqlite_db: Database) -> Database:
    """The demo dataset on SQLite: snapshots need one backend, not two."""
    seed_demo(sqlite_db)
    return sqlite_db


def pressing(*keys: str) -> Callable[[Pilot[Any]], Any]:
    """A ``run_before`` step: wait for the cards, press ``keys``, wait again."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


class TestDashboard:
    """The dashboard of the demo buyer of CEA."""

    def test_buyer_sees_the_cards_of_their_entity(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = DashboardHarness(demo_sqlite, actor_of(demo_sqlite, "acheteur.cea"))
        assert snap_compare(app, terminal_size=(80, 24), run_before=pressing())

    def test_buyer_lists_their_favourites_only(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = DashboardHarness(demo_sqlite, actor_of(demo_sqlite, "acheteur.cea"))
        assert snap_compare(
            app, terminal_size=(80, 24), run_before=pressing("ctrl+f", "down")
        )
