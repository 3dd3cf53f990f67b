"""The audit trail of one account, as support staff read it in the editor.

Changes are made through the services (as any screen or the command line
makes them); the trail is then opened from the account finder with F7 and
read the way it shows on screen.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from amp_tui.accounts import list_services, load_account_by_login, save_account
from amp_tui.database import Database
from amp_tui.snapshots import AccountDraft, Actor
from amp_tui.support import reset_password, unlock_account
from amp_tui.validation import format_phone
from screens.audit_view import AuditScreen
from screens.finder import FinderScreen
from tests.app_driver import settle, signed_in
from tests.finder_driver import (
    search,
    searched,
)

SUPPORT = Actor(login="support.amp", role="support")
NEW_PASSWORD = "Nouveau-Passe-2026!"


def edit(db: Database, login: str, **changes: Any) -> None:
    """Save an edit of an account as support staff."""
    stored = load_account_by_login(db, actor=SUPPORT, login=login)
    draft = AccountDraft.from_snapshot(stored)
    for name, value in changes.items():
        setattr(draft, name, value)
    save_account(
        db,
        actor=SUPPORT,
        agent_id=stored.id,
        base_version=stored.version,
        draft=draft,
    )


async def open_trail(pilot: Pilot[Any], login: str) -> list[str]:
    """Find ``login`` in the finder, press F7, and read the events shown."""
    await searched(pilot)
    await search(pilot, login)
    await pilot.press("f7")
    await settle(pilot)
    trail = pilot.app.screen
    assert isinstance(trail, AuditScreen)
    events = trail.query_one(OptionList)
    return [
        str(events.get_option_at_index(index).prompt)
        for index in range(events.option_count)
    ]


def trail_status(pilot: Pilot[Any]) -> str:
    """The line above the events."""
    return str(pilot.app.screen.query_one("#audit-status", Static).content)


async def test_the_trail_shows_who_changed_what_newest_first(demo_db: Database) -> None:
    stored = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.barr")
    other_service = next(
        node
        for node in list_services(demo_db, entity_id=stored.entity_id)
        if node.id != stored.service_id
    )
    edit(
        demo_db,
        "acheteur.barr",
        telephone="03 88 00 11 22",
        service_id=other_service.id,
        alerts={*stored.alerts, "publication_boamp"},
    )
    unlock_account(demo_db, actor=SUPPORT, agent_id=stored.id)

    async with signed_in(demo_db, "support.amp") as pilot:
        events = await open_trail(pilot, "acheteur.barr")

        assert trail_status(pilot) == "2 événements, du plus récent au plus ancien."
    unlocked, edited = events
    assert "Déverrouillage  par support.amp" in unlocked
    assert "Verrouillé : non → non" in unlocked
    assert "Modification  par support.amp" in edited
    assert f"Téléphone : {format_phone(stored.telephone)} → 03 88 00 11 22" in edited
    assert f"Service : {stored.service_path} → {other_service.path}" in edited
    assert "Alerte [publication_boamp] : non → oui" in edited


async def test_a_password_change_shows_only_that_it_changed(demo_db: Database) -> None:
    edit(
        demo_db,
        "acheteur.cea",
        password=NEW_PASSWORD,
        password_confirmation=NEW_PASSWORD,
    )
    agent = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    temporary = reset_password(demo_db, actor=SUPPORT, agent_id=agent.id)

    async with signed_in(demo_db, "support.amp") as pilot:
        events = await open_trail(pilot, "acheteur.cea")

    reset, changed = events
    assert "Réinitialisation du mot de passe  par support.amp" in reset
    assert "Mot de passe : modifié" in reset
    assert "Mot de passe : modifié" in changed
    assert all(temporary not in event and NEW_PASSWORD not in event for event in events)


async def test_an_account_never_changed_says_so_and_escape_goes_back(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "support.amp") as pilot:
        events = await open_trail(pilot, "jerome.weiss")
        account = str(pilot.app.screen.query_one("#audit-account", Static).content)

        assert events == []
        assert trail_status(pilot) == "Aucune modification enregistrée pour ce compte."
        assert account == "Compte : jerome.weiss - WEISS Jérôme (CEA)"

        await pilot.press("escape")

        assert isinstance(pilot.app.screen, FinderScreen)
