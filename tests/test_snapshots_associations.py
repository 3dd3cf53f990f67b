"""What Mes comptes associés looks like at 80×24, pinned by snapshots."""

from __future__ import annotations

from textual.pilot import Pilot

from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD, seed_demo
from tests.app_driver import settle, sign_in
from tests.test_snapshots_editor import SnapCompare, compare, steps


async def open_associations(pilot: Pilot[None]) -> None:
    await sign_in(pilot, "acheteur.cea", DEMO_PASSWORD)
    await pilot.press("f5")
    await settle(pilot)


async def open_associate_dialog(pilot: Pilot[None]) -> None:
    await open_associations(pilot)
    await pilot.press("a")


def test_the_associated_accounts_tab(
    snap_compare: SnapCompare, sqlite_db: Database
) -> None:
    seed_demo(sqlite_db)

    assert compare(snap_compare, sqlite_db, steps(open_associations))


def test_the_associate_dialog(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    seed_demo(sqlite_db)

    assert compare(snap_compare, sqlite_db, steps(open_associate_dialog))
