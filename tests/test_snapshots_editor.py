"""What the editor looks like at 80×24, pinned by snapshots.

The screens are drawn on a fresh SQLite demo database; look at the SVG files
under __snapshots__/ after ``--snapshot-update`` before accepting them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD, seed_demo
from amp_tui.snapshots import AccountDraft, Actor
from screens.app import AmpApp
from tests.app_driver import SIZE, freeze_cursors, replace_text, save, settle, sign_in

SnapCompare = Callable[..., bool]
RunBefore = Callable[[Pilot[None]], Awaitable[None]]


@pytest.fixture
def demo_sqlite(sqlite_db: Database) -> Database:
    """The demo dataset on SQLite: pictures do not depend on the backend."""
    seed_demo(sqlite_db)
    return sqlite_db


def steps(*actions: RunBefore) -> RunBefore:
    """Run ``actions`` in turn, then make the screen still for the picture."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for action in actions:
            await action(pilot)
        await settle(pilot)
        pilot.app.clear_notifications()
        freeze_cursors(pilot)
        await pilot.pause()

    return run


async def as_buyer(pilot: Pilot[None]) -> None:
    await sign_in(pilot, "acheteur.cea", DEMO_PASSWORD)


def compare(snap_compare: SnapCompare, db: Database, run_before: Any) -> bool:
    return snap_compare(AmpApp(db), terminal_size=SIZE, run_before=run_before)


class TestLogin:
    def test_the_login_screen(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        assert compare(snap_compare, demo_sqlite, steps())

    def test_a_refused_sign_in(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        async def wrong_password(pilot: Pilot[None]) -> None:
            await sign_in(pilot, "acheteur.cea", "Mauvais-Passe-1")

        assert compare(snap_compare, demo_sqlite, steps(wrong_password))


class TestCoordonnees:
    def test_the_form_as_it_opens(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        assert compare(snap_compare, demo_sqlite, steps(as_buyer))

    def test_refused_fields_are_highlighted_with_their_reason(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        async def bad_input(pilot: Pilot[None]) -> None:
            await replace_text(pilot, "nom", "")
            await replace_text(pilot, "telephone", "12")
            await replace_text(pilot, "email", "pas-une-adresse")
            await save(pilot)

        assert compare(snap_compare, demo_sqlite, steps(as_buyer, bad_input))


class TestDialogs:
    def test_the_conflict_dialog(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        async def saved_meanwhile(pilot: Pilot[None]) -> None:
            support = Actor(login="support.amp", role="support")
            stored = load_account_by_login(
                demo_sqlite, actor=support, login="acheteur.cea"
            )
            draft = AccountDraft.from_snapshot(stored)
            draft.telephone = "03 88 00 11 22"
            draft.prenom = "Élodie-Marie"
            save_account(
                demo_sqlite,
                actor=support,
                agent_id=stored.id,
                base_version=stored.version,
                draft=draft,
            )
            await replace_text(pilot, "nom", "MARTIN-KLEIN")
            await save(pilot)

        assert compare(snap_compare, demo_sqlite, steps(as_buyer, saved_meanwhile))

    def test_the_help_screen(
        self, snap_compare: SnapCompare, demo_sqlite: Database
    ) -> None:
        async def help_screen(pilot: Pilot[None]) -> None:
            await pilot.press("f1")

        assert compare(snap_compare, demo_sqlite, steps(as_buyer, help_screen))
