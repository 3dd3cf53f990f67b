"""Signing in: the login screen, lockout after five failures, and homes.

Every test drives the real editor at 80×24 on a real database (SQLite, and
PostgreSQL when a test server is configured), with the demo dataset.
"""

from __future__ import annotations

import logging
import sys

from textual.pilot import Pilot
from textual.widgets import Input, Static

from amp_tui.accounts import load_account_by_login
from amp_tui.auth import SIGN_IN_REFUSED
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD
from amp_tui.snapshots import Actor
from screens.account import AccountScreen
from screens.app import console_logging_silenced
from screens.finder import FinderScreen
from screens.login import MISSING, LoginScreen
from tests.app_driver import (
    account_screen,
    field_value,
    running_app,
    settle,
    sign_in,
    signed_in,
    type_text,
)
from tests.finder_driver import move_to, search

SUPPORT = Actor(login="support.test", role="support")


def login_message(pilot: Pilot[None]) -> str:
    """The line under the login fields."""
    return str(pilot.app.screen.query_one("#message", Static).content)


async def test_login_opens_on_identifiant_and_tab_moves_to_password(
    demo_db: Database,
) -> None:
    async with running_app(demo_db) as pilot:
        assert isinstance(pilot.app.screen, LoginScreen)
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "login"

        await type_text(pilot, "acheteur.cea")
        await pilot.press("tab")

        assert pilot.app.focused.id == "password"
        assert pilot.app.screen.query_one("#password", Input).password


async def test_enter_from_the_identifiant_goes_to_the_password_first(
    demo_db: Database,
) -> None:
    async with running_app(demo_db) as pilot:
        await type_text(pilot, "acheteur.cea")
        await pilot.press("enter")

        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "password"
        assert isinstance(pilot.app.screen, LoginScreen)


async def test_buyer_signs_in_and_lands_on_their_own_account(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        screen = account_screen(pilot)
        header = str(screen.query_one("#entity").render())

        assert pilot.app.screen is screen
        assert header == "Entité : CEA - Collectivité européenne d'Alsace"
        assert field_value(pilot, "login") == "acheteur.cea"
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "nom"


async def test_support_lands_on_the_finder_and_opens_an_account_from_it(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "support.amp") as pilot:
        assert isinstance(pilot.app.screen, FinderScreen)
        assert isinstance(pilot.app.focused, Input)

        await search(pilot, "acheteur.barr")
        await move_to(pilot, "acheteur.barr")
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(pilot.app.screen, AccountScreen)
        assert field_value(pilot, "email") == "helene.fritsch@barr.fr"
        assert not pilot.app.screen.query_one("#login", Input).disabled


async def test_support_goes_back_to_the_finder_with_ctrl_o(demo_db: Database) -> None:
    async with signed_in(demo_db, "support.amp") as pilot:
        await search(pilot, "acheteur.barr")
        await move_to(pilot, "acheteur.barr")
        await pilot.press("enter")
        await settle(pilot)

        await pilot.press("ctrl+o")
        await pilot.pause()

        assert isinstance(pilot.app.screen, FinderScreen)


async def test_both_fields_are_asked_for_before_anything_is_checked(
    demo_db: Database,
) -> None:
    async with running_app(demo_db) as pilot:
        await type_text(pilot, "acheteur.cea")
        await pilot.press("tab", "enter")
        await settle(pilot)

        assert login_message(pilot) == MISSING
        assert isinstance(pilot.app.screen, LoginScreen)


async def test_five_wrong_passwords_lock_the_account_with_the_unknown_login_message(
    demo_db: Database,
) -> None:
    async with running_app(demo_db) as pilot:
        await sign_in(pilot, "personne.inconnue", "Mauvais-Passe-1")
        unknown_message = login_message(pilot)

        for attempt in range(5):
            await pilot.press("shift+tab", "home", "ctrl+k")
            await sign_in(pilot, "acheteur.ccpb", f"Mauvais-Passe-{attempt}")
            assert login_message(pilot) == unknown_message
            assert pilot.app.focused is not None
            assert pilot.app.focused.id == "password"
            assert field_value(pilot, "password") == ""

        await pilot.press("shift+tab", "home", "ctrl+k")
        await sign_in(pilot, "acheteur.ccpb", DEMO_PASSWORD)

        assert login_message(pilot) == unknown_message == SIGN_IN_REFUSED
        assert isinstance(pilot.app.screen, LoginScreen)
    account = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.ccpb")
    assert account.locked


async def test_a_locked_account_gets_the_same_message_with_the_right_password(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "agent.verrouille") as pilot:
        assert isinstance(pilot.app.screen, LoginScreen)
        assert login_message(pilot) == SIGN_IN_REFUSED


async def test_a_demo_opens_already_signed_in(demo_db: Database) -> None:
    async with running_app(demo_db, sign_in_as="acheteur.cea") as pilot:
        assert isinstance(pilot.app.screen, AccountScreen)
        assert field_value(pilot, "login") == "acheteur.cea"
        assert pilot.app.screen.query_one("#login", Input).disabled


async def test_a_support_demo_opens_on_the_finder(demo_db: Database) -> None:
    async with running_app(demo_db, sign_in_as="support.amp") as pilot:
        assert isinstance(pilot.app.screen, FinderScreen)


def test_the_editor_never_logs_over_its_screen() -> None:
    root = logging.getLogger()
    console = logging.StreamHandler(sys.stderr)
    log_file = logging.NullHandler()
    root.addHandler(console)
    root.addHandler(log_file)
    try:
        with console_logging_silenced():
            assert console not in root.handlers
            assert log_file in root.handlers
        assert console in root.handlers
    finally:
        root.removeHandler(console)
        root.removeHandler(log_file)
