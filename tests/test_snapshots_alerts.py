"""What Mes alertes électroniques looks like at 80×24, pinned as SVG snapshots.

Generate with ``pytest tests/test_snapshots_alerts.py --snapshot-update`` and
look at the files under ``tests/__snapshots__/`` before accepting them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from amp_tui.database import Database
from amp_tui.demo import seed_demo
from screens.app import AmpApp
from screens.widgets.checkbox_tree import CheckboxTree
from tests.app_driver import settle
from tests.test_alerts_tab import (
    AlertsHarness,
    alerts_in_the_editor,  # noqa: F401 (a fixture)
    arrow_to,
    load,
)

SnapCompare = Callable[..., bool]


@pytest.fixture
def demo_sqlite(sqlite_db: Database) -> Database:
    """The demo dataset on SQLite: snapshots need one backend, not two."""
    seed_demo(sqlite_db)
    return sqlite_db


def cursor_on(key: str) -> Callable[[Pilot[Any]], Any]:
    """A ``run_before`` step that walks the cursor to ``key``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await arrow_to(pilot, pilot.app.query_one(CheckboxTree), key)
        await pilot.pause()

    return run_before


class TestAlertsTab:
    """The tab alone, as the account screen shows it."""

    def test_permanent_guest_sees_its_alerts_and_the_group_note(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = AlertsHarness(load(demo_sqlite, "acheteur.cea"))
        assert snap_compare(
            app, terminal_size=(80, 24), run_before=cursor_on("favoris")
        )

    def test_buyer_without_permission_sees_why_an_alert_is_disabled(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = AlertsHarness(load(demo_sqlite, "acheteur.barr"))
        assert snap_compare(
            app,
            terminal_size=(80, 24),
            run_before=cursor_on("favoris_entites_dependantes"),
        )


class TestAlertsInTheEditor:
    """The tab in the account screen, under its header and above the footer."""

    @pytest.mark.usefixtures("alerts_in_the_editor")
    def test_buyer_opens_the_alerts_tab_with_f3(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        async def open_alerts(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await pilot.press("f3")
            await settle(pilot)
            await arrow_to(
                pilot, pilot.app.screen.query_one(CheckboxTree), "cloture_consultation"
            )
            await pilot.press("space")
            await settle(pilot)

        app = AmpApp(demo_sqlite, sign_in_as="acheteur.cea")
        assert snap_compare(app, terminal_size=(80, 24), run_before=open_alerts)
