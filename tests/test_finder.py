"""Support staff's account finder, driven through the whole editor.

Every test signs in as the demo support agent with the keyboard, at 80×24,
on a real database with the demo dataset (SQLite, and PostgreSQL when a test
server is configured), and then only types and presses keys.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

import screens.finder
from amp_tui.accounts import load_account_by_login
from amp_tui.audit import list_events
from amp_tui.auth import SIGN_IN_REFUSED
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD, seed_demo, seed_synthetic_agents
from screens.account import AccountScreen
from screens.audit_view import AuditScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.temporary_password import TemporaryPasswordDialog
from screens.finder import FinderScreen
from screens.widgets.account_results import AccountResults
from tests.app_driver import (
    notifications,
    replace_text,
    save,
    settle,
    sign_in,
    signed_in,
    type_text,
)
from tests.app_driver import running_app as running_editor
from tests.factories import SUPPORT
from tests.finder_driver import (
    WAIT_SECONDS,
    finder_of,
    move_to,
    search,
    searched,
    shown,
    status,
)


@pytest.fixture
async def support(demo_db: Database) -> AsyncIterator[Pilot[Any]]:
    """The editor signed in as the demo support agent, searches settled."""
    async with signed_in(demo_db, "support.amp") as pilot:
        await searched(pilot)
        yield pilot


async def test_support_lands_on_the_finder_with_every_account_and_the_focus_in_search(
    support: Pilot[Any],
) -> None:
    focused = support.app.focused

    assert isinstance(support.app.screen, FinderScreen)
    assert isinstance(focused, Input) and focused.id == "finder-query"
    assert len(shown(support)) == 10
    assert status(support) == "10 comptes."


SEARCHES = [
    ("weiss", ["jerome.weiss"]),  # nom
    ("Aurélien", ["support.amp"]),  # prénom
    ("acheteur.barr", ["acheteur.barr"]),  # identifiant
    ("helene.fritsch@paysdebarr.fr", ["acheteur.ccpb"]),  # e-mail
    ("mdph67", ["acheteur.mdph67"]),  # entité, by sigle
    ("pays de barr", ["acheteur.ccpb"]),  # entité, by name
    ("MULLER", ["zoe.muller"]),  # no accent typed, capitals
    ("müller", ["zoe.muller"]),
    ("lefevre", ["francois.lefevre"]),
    ("ÉLODIE", ["acheteur.cea"]),
    ("gaelle", ["acheteur.mdph67", "gaelle.becker"]),
]
"""What support staff type, and the identifiants they should find."""


async def test_support_finds_accounts_by_each_field_whatever_the_case_and_accents(
    support: Pilot[Any],
) -> None:
    found = {}
    for typed, _ in SEARCHES:
        await search(support, typed)
        found[typed] = sorted(shown(support))

    assert found == dict(SEARCHES)


async def test_a_search_that_matches_nothing_says_so(support: Pilot[Any]) -> None:
    await search(support, "zzzz")
    await support.press("f6")

    assert shown(support) == []
    assert status(support) == "Aucun compte ne correspond à « zzzz »."
    assert notifications(support)[-1] == "Aucun compte sélectionné."


async def test_typing_while_in_the_results_goes_on_in_the_search_field(
    support: Pilot[Any],
) -> None:
    await support.press("down")
    assert isinstance(support.app.focused, AccountResults)

    await type_text(support, "weiss")
    await searched(support)

    assert support.app.focused is finder_of(support).query_one("#finder-query")
    assert shown(support) == ["jerome.weiss"]


async def test_up_from_the_first_result_goes_back_to_the_search_field(
    support: Pilot[Any],
) -> None:
    await support.press("down", "down", "up", "up")

    assert support.app.focused is finder_of(support).query_one("#finder-query")


async def test_enter_right_after_typing_opens_the_account_typed(
    support: Pilot[Any],
) -> None:
    await type_text(support, "acheteur.barr")
    await support.press("enter")
    await searched(support)
    await settle(support)

    screen = support.app.screen
    assert isinstance(screen, AccountScreen)
    assert screen.snapshot.login == "acheteur.barr"


async def test_support_opens_edits_and_sees_the_edit_in_the_audit_trail(
    support: Pilot[Any], demo_db: Database
) -> None:
    await search(support, "acheteur.barr")
    await support.press("enter")
    await settle(support)
    await replace_text(support, "nom", "FRITSCH-KLEIN")
    await save(support)
    await support.press("ctrl+o")
    await searched(support)

    assert shown(support, "nom") == ["FRITSCH-KLEIN Hélène"]

    await support.press("f7")
    await settle(support)
    trail = support.app.screen

    assert isinstance(trail, AuditScreen)
    events = trail.query_one("#audit-events", OptionList)
    latest = str(events.get_option_at_index(0).prompt)
    assert "Modification  par support.amp" in latest
    assert "NOM : FRITSCH → FRITSCH-KLEIN" in latest
    stored = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.barr")
    assert stored.nom == "FRITSCH-KLEIN"

    await support.press("escape")
    assert support.app.screen is finder_of(support)


async def test_support_unlocks_a_locked_account_and_its_agent_signs_in_again(
    support: Pilot[Any], demo_db: Database
) -> None:
    await search(support, "verrouille")
    assert shown(support, "etat") == ["verrouillé"]

    await move_to(support, "agent.verrouille")
    await support.press("f6")
    await settle(support)
    await searched(support)

    assert shown(support, "etat") == [""]
    assert "Compte « agent.verrouille » déverrouillé." in notifications(support)
    assert list_events(demo_db, login="agent.verrouille")[-1].action == "deverrouillage"
    async with running_editor(demo_db) as pilot:
        await sign_in(pilot, "agent.verrouille", DEMO_PASSWORD)
        assert isinstance(pilot.app.screen, AccountScreen)


async def test_an_account_that_is_not_locked_is_left_alone(
    support: Pilot[Any], demo_db: Database
) -> None:
    await search(support, "weiss")
    await move_to(support, "jerome.weiss")
    await support.press("f6")
    await settle(support)

    assert (
        notifications(support)[-1] == "Le compte « jerome.weiss » n'est pas verrouillé."
    )
    assert list_events(demo_db, login="jerome.weiss") == []


async def test_a_reset_password_is_shown_once_and_signs_the_agent_in(
    support: Pilot[Any], demo_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await search(support, "acheteur.cea")
    await move_to(support, "acheteur.cea")
    await support.press("f8")
    assert isinstance(support.app.screen, ConfirmDialog)

    await support.press("o")
    await settle(support)
    dialog = support.app.screen
    assert isinstance(dialog, TemporaryPasswordDialog)
    password = str(dialog.query_one("#temporary-password", Static).content)
    await support.press("enter")
    await settle(support)

    assert support.app.screen is finder_of(support)
    assert password not in caplog.text
    assert all(password not in message for message in notifications(support))
    reset = list_events(demo_db, login="acheteur.cea")[-1]
    assert (reset.actor, reset.action) == (
        "support.amp",
        "reinitialisation_mot_de_passe",
    )
    assert reset.changes == {"mot_de_passe": {"changed": True}}
    async with running_editor(demo_db) as pilot:
        await sign_in(pilot, "acheteur.cea", DEMO_PASSWORD)
        assert str(pilot.app.screen.query_one("#message", Static).content) == (
            SIGN_IN_REFUSED
        )
    async with running_editor(demo_db) as pilot:
        await sign_in(pilot, "acheteur.cea", password)
        assert isinstance(pilot.app.screen, AccountScreen)


async def test_answering_no_keeps_the_password(
    support: Pilot[Any], demo_db: Database
) -> None:
    await search(support, "acheteur.cea")
    await move_to(support, "acheteur.cea")
    await support.press("f8", "n")
    await settle(support)

    assert support.app.screen is finder_of(support)
    assert list_events(demo_db, login="acheteur.cea") == []


async def test_results_load_a_page_at_a_time_as_the_user_goes_down(
    demo_db: Database,
) -> None:
    seed_synthetic_agents(demo_db, 130)
    async with signed_in(demo_db, "support.amp") as pilot:
        await searched(pilot)
        await search(pilot, "synthetique")
        assert len(shown(pilot)) == screens.finder.PAGE_SIZE
        assert (
            status(pilot) == "50 premiers comptes ; la suite s'affiche en descendant."
        )

        await pilot.press("down")
        for _ in range(20):
            await pilot.press("pagedown")
            await searched(pilot)

        logins = shown(pilot)
        assert len(logins) == len(set(logins)) == 130
        assert status(pilot) == "130 comptes."


async def test_a_slow_older_search_never_replaces_a_newer_one(
    support: Pilot[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_find_accounts = screens.finder.find_accounts

    def slow_for_weiss(db: Database, **arguments: Any) -> Any:
        if arguments["query"] == "weiss":
            release.wait(WAIT_SECONDS)
        return real_find_accounts(db, **arguments)

    monkeypatch.setattr(screens.finder, "find_accounts", slow_for_weiss)
    await search_without_waiting(support, "weiss")
    await search(support, "muller")
    release.set()
    await settle(support)

    assert shown(support) == ["zoe.muller"]
    assert status(support) == "1 compte."


async def search_without_waiting(pilot: Pilot[Any], text: str) -> None:
    """Type a search and let it start, without waiting for its results."""
    await pilot.press("escape")
    await type_text(pilot, text)
    finder = finder_of(pilot)
    while finder.debounce is not None:
        await pilot.pause(0.05)


async def test_an_unreachable_database_is_said_and_enter_searches_again(
    sqlite_db: Database,
) -> None:
    seed_demo(sqlite_db)
    folder = Path(str(sqlite_db.url.database)).parent
    away = folder.with_name(f"{folder.name}-away")
    async with signed_in(sqlite_db, "support.amp") as pilot:
        await searched(pilot)
        folder.rename(away)
        try:
            await search(pilot, "weiss")
            failure = status(pilot)
        finally:
            away.rename(folder)
        await pilot.press("enter")
        await searched(pilot)

        assert failure.startswith("Base de données injoignable")
        assert failure.endswith("Entrée : réessayer.")
        assert shown(pilot) == ["jerome.weiss"]
        assert isinstance(pilot.app.screen, FinderScreen)


async def test_the_finder_actions_are_found_by_name_in_the_command_palette(
    support: Pilot[Any],
) -> None:
    await search(support, "weiss")
    await support.press("ctrl+p")
    await type_text(support, "journal des modifications")
    await settle(support)
    await support.press("enter")
    await settle(support)

    trail = support.app.screen
    assert isinstance(trail, AuditScreen)
    assert str(trail.query_one("#audit-account", Static).content).startswith(
        "Compte : jerome.weiss"
    )
