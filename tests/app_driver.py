"""Driving the real editor with Pilot, at 80×24, the way a user would.

Tests start the app on a real database, sign in with the keyboard, move
between fields with Tab, type, and wait for the database work that runs in
thread workers before looking at the result.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD
from screens.account import AccountScreen
from screens.app import AmpApp
from screens.dialogs.service_picker import ServiceField

SIZE = (80, 24)
MAX_TABS = 40


async def settle(pilot: Pilot[None]) -> None:
    """Wait until database workers are done and their results are shown."""
    app = pilot.app
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            break
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key into the focused widget."""
    await pilot.press(*(char if char != " " else "space" for char in text))


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste ``text`` into the focused widget, as a terminal paste does."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def sign_in(pilot: Pilot[None], login: str, password: str) -> None:
    """Sign in from the login screen: identifiant, Tab, password, Enter."""
    await paste(pilot, login)
    await pilot.press("tab")
    await paste(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


@asynccontextmanager
async def running_app(
    db: Database, *, sign_in_as: str | None = None
) -> AsyncIterator[Pilot[None]]:
    """The editor running on ``db`` at 80×24, before anyone signs in."""
    app = AmpApp(db, sign_in_as=sign_in_as)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        yield pilot


@asynccontextmanager
async def signed_in(
    db: Database, login: str, password: str = DEMO_PASSWORD
) -> AsyncIterator[Pilot[None]]:
    """The editor on ``db``, signed in as ``login`` with the keyboard."""
    async with running_app(db) as pilot:
        await sign_in(pilot, login, password)
        yield pilot


def account_screen(pilot: Pilot[None]) -> AccountScreen:
    """The account screen under any dialog."""
    for screen in reversed(pilot.app.screen_stack):
        if isinstance(screen, AccountScreen):
            return screen
    raise AssertionError(f"no account screen in {pilot.app.screen_stack}")


async def focus_field(pilot: Pilot[None], field_id: str) -> None:
    """Press Tab until the widget ``#field_id`` has the focus."""
    for _ in range(MAX_TABS):
        focused = pilot.app.focused
        if focused is not None and focused.id == field_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{field_id}")


async def replace_text(pilot: Pilot[None], field_id: str, text: str) -> None:
    """Go to a field with Tab, clear it and paste ``text``."""
    await focus_field(pilot, field_id)
    await pilot.press("home", "ctrl+k")
    await paste(pilot, text)


def field_value(pilot: Pilot[None], field_id: str) -> str:
    """The text shown in an input of the open screen."""
    return pilot.app.screen.query_one(f"#{field_id}", Input).value


def field_error(pilot: Pilot[None], field_id: str) -> str:
    """The reason shown under a field, or "" when it is not highlighted."""
    screen = account_screen(pilot)
    row = screen.query_one(f"#field-{field_id}")
    message = str(screen.query_one(f"#{field_id}-error", Static).content)
    return message if row.has_class("-invalid") else ""


def selected_service(pilot: Pilot[None]) -> str:
    """The path of the service chosen in the form ("" for none)."""
    field = account_screen(pilot).query_one("#service", ServiceField)
    return field.paths.get(field.service_id or -1, "")


async def save(pilot: Pilot[None]) -> None:
    """Press ctrl+s and wait for the save to finish."""
    await pilot.press("ctrl+s")
    await settle(pilot)


def notifications(pilot: Pilot[None]) -> list[str]:
    """The messages of the notifications on screen, oldest first."""
    return [str(notice.message) for notice in pilot.app._notifications]


def unsaved_marker(pilot: Pilot[None]) -> str:
    """The text of the unsaved-changes reminder ("" when hidden)."""
    return str(account_screen(pilot).query_one("#unsaved", Static).content)


def freeze_cursors(pilot: Pilot[None]) -> None:
    """Stop the cursors blinking, so that screenshots do not depend on time."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
