"""What support staff see at 80×24, pinned as SVG snapshots.

Generate with ``pytest tests/test_snapshots_finder.py --snapshot-update`` and
look at the files under ``tests/__snapshots__/`` before accepting them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import update
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.database import Database
from amp_tui.demo import seed_demo
from amp_tui.models import AuditEvent
from amp_tui.snapshots import AccountDraft, Actor
from amp_tui.support import reset_password, unlock_account
from screens.app import AmpApp
from screens.dialogs.temporary_password import TemporaryPasswordDialog
from tests.app_driver import settle, type_text
from tests.finder_driver import (
    searched,
)

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
SUPPORT = Actor(login="support.amp", role="support")


@pytest.fixture
def demo_sqlite(sqlite_db: Database) -> Database:
    """The demo dataset on SQLite: snapshots need one backend, not two."""
    seed_demo(sqlite_db)
    return sqlite_db


@pytest.fixture
def paris_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Show times in one zone whatever the machine's, for stable snapshots."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def steps(*keys: str, typed: str = "") -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` that waits for the finder, types, then presses keys."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await searched(pilot)
        if typed:
            await type_text(pilot, typed)
            await searched(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


class TestFinder:
    """The finder, as support staff land on it and search."""

    def test_every_account_with_locked_and_inactive_ones_marked(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = AmpApp(demo_sqlite, sign_in_as="support.amp")
        assert snap_compare(app, terminal_size=SIZE, run_before=steps())

    def test_a_search_with_the_cursor_on_a_result(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = AmpApp(demo_sqlite, sign_in_as="support.amp")
        assert snap_compare(
            app, terminal_size=SIZE, run_before=steps("down", "down", typed="fritsch")
        )

    def test_a_search_that_matches_nothing(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = AmpApp(demo_sqlite, sign_in_as="support.amp")
        assert snap_compare(app, terminal_size=SIZE, run_before=steps(typed="zzzz"))

    def test_without_colour_the_cursor_and_states_still_show(
        self,
        snap_compare: SnapCompare,
        demo_sqlite: Database,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        app = AmpApp(demo_sqlite, sign_in_as="support.amp")
        assert snap_compare(
            app, terminal_size=SIZE, run_before=steps("down", "down", "down", "down")
        )

    def test_a_password_reset_asks_first(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        app = AmpApp(demo_sqlite, sign_in_as="support.amp")
        assert snap_compare(
            app, terminal_size=SIZE, run_before=steps("down", "f8", typed="barr")
        )


class TestTemporaryPassword:
    """The one time a temporary password is shown."""

    def test_the_password_stands_out_with_what_to_do_with_it(
        self, snap_compare: SnapCompare
    ) -> None:
        class Harness(App[None]):
            def on_mount(self) -> None:
                self.push_screen(
                    TemporaryPasswordDialog("acheteur.barr", "Exemple-Temp!2026")
                )

        assert snap_compare(Harness(), terminal_size=SIZE)


class TestAuditTrail:
    """An account's audit trail, newest event first."""

    def test_events_with_their_changes(
        self, snap_compare: SnapCompare, demo_sqlite: Database, paris_time: None
    ) -> None:
        stored = load_account_by_login(
            demo_sqlite, actor=SUPPORT, login="acheteur.barr"
        )
        draft = AccountDraft.from_snapshot(stored)
        draft.nom = "FRITSCH-KLEIN"
        draft.alerts = {*stored.alerts, "publication_boamp"}
        save_account(
            demo_sqlite,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=draft,
        )
        unlock_account(demo_sqlite, actor=SUPPORT, agent_id=stored.id)
        reset_password(demo_sqlite, actor=SUPPORT, agent_id=stored.id)
        with demo_sqlite.session(write=True) as session:
            session.execute(
                update(AuditEvent).values(
                    at=dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
                )
            )
        app = AmpApp(demo_sqlite, sign_in_as="support.amp")
        assert snap_compare(
            app, terminal_size=SIZE, run_before=steps("f7", typed="acheteur.barr")
        )
