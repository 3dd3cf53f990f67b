"""Driving the account finder with Pilot: search, wait, read the results.

Used by the finder's and the audit trail's tests, on top of app_driver.
"""

from __future__ import annotations

import time
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from screens.finder import FinderScreen
from screens.widgets.account_results import AccountResults
from tests.app_driver import type_text

WAIT_SECONDS = 10


def finder_of(pilot: Pilot[Any]) -> FinderScreen:
    """The finder, under any screen or dialog above it."""
    for screen in reversed(pilot.app.screen_stack):
        if isinstance(screen, FinderScreen):
            return screen
    raise AssertionError(f"no finder in {pilot.app.screen_stack}")


async def searched(pilot: Pilot[Any]) -> None:
    """Wait until what was typed has been searched and the results shown."""
    finder = finder_of(pilot)
    deadline = time.monotonic() + WAIT_SECONDS
    while finder.searching:
        assert time.monotonic() < deadline, "the search never finished"
        await pilot.pause(0.05)
    await pilot.pause()


async def search(pilot: Pilot[Any], text: str) -> None:
    """Start a new search from the field: select what it holds, type, wait."""
    await pilot.press("escape")
    await type_text(pilot, text)
    await searched(pilot)


def shown(pilot: Pilot[Any], column: str = "login") -> list[str]:
    """One column of the results, top to bottom."""
    table = finder_of(pilot).query_one(AccountResults)
    return [str(cell) for cell in table.get_column(column)]


def status(pilot: Pilot[Any]) -> str:
    """The line above the results."""
    return str(finder_of(pilot).query_one("#finder-status", Static).content)


async def move_to(pilot: Pilot[Any], login: str) -> None:
    """Go down the results until the cursor is on ``login``."""
    await pilot.press("down")
    results = finder_of(pilot).query_one(AccountResults)
    for _ in range(results.row_count):
        selected = results.selected()
        if selected is not None and selected.login == login:
            return
        await pilot.press("down")
    raise AssertionError(f"{login} is not among {shown(pilot)}")
