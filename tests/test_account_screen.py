"""The account screen: tabs, unsaved edits, keys, conflicts and outages.

The real editor runs at 80×24 on a real database with the demo dataset.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent
from textual.widgets._footer import FooterKey

from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.alerts import ALERT_KEYS
from amp_tui.database import Database
from amp_tui.demo import seed_demo
from amp_tui.schema import upgrade
from amp_tui.snapshots import AccountDraft, Actor
from screens.account import NOTHING_TO_SAVE, SAVED, TABS, UNSAVED, AccountScreen
from screens.app import AmpApp
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.conflict import ConflictDialog, merge_edits
from screens.help import HelpScreen, key_label
from screens.tabs.base import AccountTab
from tests.app_driver import (
    account_screen,
    field_value,
    focus_field,
    notifications,
    paste,
    replace_text,
    save,
    settle,
    signed_in,
    type_text,
    unsaved_marker,
)
from tests.pgserver import PostgresServer

SUPPORT = Actor(login="support.test", role="support")


def active_tab(pilot: Pilot[None]) -> str:
    """The id of the open tab."""
    return account_screen(pilot).query_one(TabbedContent).active


async def test_the_header_names_the_account_entity_and_service(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.ccpb") as pilot:
        screen = account_screen(pilot)

        assert str(screen.query_one("#title").render()) == "Mon compte personnel"
        assert str(screen.query_one("#entity").render()) == (
            "Entité : CCPB - Communauté de communes du Pays de Barr"
        )
        assert str(screen.query_one("#service-path").render()) == (
            "Service : Direction générale des services / Service mutualisé de la "
            "commande publique"
        )


async def test_the_tabs_come_in_order_on_f2_to_f5(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        tabbed = account_screen(pilot).query_one(TabbedContent)
        titles = [str(tabbed.get_tab(tab_id).label) for tab_id, *_ in TABS]

        assert titles == [
            "F2 Mes coordonnées",
            "F3 Mes alertes électroniques",
            'F4 Mes préférences "Lieu d\'exécution"',
            "F5 Mes comptes associés",
        ]


@pytest.mark.parametrize(
    ("key", "tab_id"), [("f3", "alertes"), ("f4", "lieux"), ("f5", "comptes")]
)
async def test_each_key_opens_its_tab_with_the_focus_inside(
    demo_db: Database, key: str, tab_id: str
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press(key)
        await pilot.pause()

        tab = account_screen(pilot).query_one(f"#{tab_id}-tab", AccountTab)
        assert active_tab(pilot) == tab_id
        assert pilot.app.focused is not None
        assert pilot.app.focused in (tab, *tab.query("*"))


async def test_f2_puts_the_focus_back_on_nom_even_when_the_tab_is_open(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press("tab", "tab", "tab")
        assert pilot.app.focused is not None
        assert pilot.app.focused.id != "nom"

        await pilot.press("f2")
        await pilot.pause()

        assert active_tab(pilot) == "coordonnees"
        assert pilot.app.focused.id == "nom"

        await pilot.press("f4", "f2")
        await pilot.pause()

        assert active_tab(pilot) == "coordonnees"
        assert pilot.app.focused.id == "nom"


async def test_the_reminder_shows_exactly_while_the_account_differs(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        assert unsaved_marker(pilot) == ""

        await pilot.press("end")
        await type_text(pilot, "Z")
        assert unsaved_marker(pilot) == UNSAVED

        await pilot.press("f5")
        assert unsaved_marker(pilot) == UNSAVED
        assert account_screen(pilot).query_one("#unsaved", Static).region.height == 1

        await pilot.press("f2", "end", "backspace")
        assert field_value(pilot, "nom") == "MARTIN"
        assert unsaved_marker(pilot) == ""

        await replace_text(pilot, "password", "x")
        assert unsaved_marker(pilot) == UNSAVED


async def test_saving_an_unchanged_account_writes_nothing(demo_db: Database) -> None:
    before = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await save(pilot)

        assert notifications(pilot)[-1] == NOTHING_TO_SAVE
    after = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    assert after.version == before.version


async def test_escape_reverts_the_edits_only_after_confirmation(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "prenom", "Zoé")

        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("n")
        assert field_value(pilot, "prenom") == "Zoé"

        await pilot.press("escape")
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, ConfirmDialog)
        assert field_value(pilot, "prenom") == "Zoé"

        await pilot.press("escape", "o")
        await pilot.pause()
        assert field_value(pilot, "prenom") == "Élodie"
        assert unsaved_marker(pilot) == ""
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "nom"


async def test_the_cancel_and_save_buttons_close_the_form(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "prenom", "Zoé")
        await focus_field(pilot, "save")
        await pilot.press("enter")
        await settle(pilot)
        assert notifications(pilot)[-1] == SAVED

        await replace_text(pilot, "prenom", "Inès")
        await focus_field(pilot, "cancel")
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("o")
        assert field_value(pilot, "prenom") == "Zoé"


async def test_quitting_with_unsaved_edits_asks_first(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "nom", "DURAND")

        await pilot.press("ctrl+q")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("n")
        assert pilot.app.is_running
        assert field_value(pilot, "nom") == "DURAND"

        await pilot.press("ctrl+q", "o")
        await pilot.pause()
        assert not pilot.app.is_running


async def test_quitting_without_edits_does_not_ask(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()

        assert not pilot.app.is_running


async def test_f1_lists_every_binding_by_group(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        screen = account_screen(pilot)
        await pilot.press("f1")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        groups = dict(help_screen.groups)
        listed = {row for rows in groups.values() for row in rows}

        assert groups["Onglets"] == [
            ("F2", "Mes coordonnées"),
            ("F3", "Mes alertes électroniques"),
            ("F4", 'Mes préférences "Lieu d\'exécution"'),
            ("F5", "Mes comptes associés"),
        ]
        assert {("Ctrl+S", "Enregistrer"), ("Échap", "Annuler")} <= set(
            groups["Compte"]
        )
        assert {("Ctrl+P", "Commandes"), ("Ctrl+Q", "Quitter"), ("F1", "Aide")} <= set(
            groups["Général"]
        )
        for binding in Binding.make_bindings(
            [*AccountScreen.BINDINGS, *AmpApp.BINDINGS]
        ):
            if binding.system or screen.check_action(binding.action, ()) is False:
                continue
            assert (key_label(binding.key), binding.description) in listed
        assert ("Ctrl+O", "Ouvrir un autre compte") not in listed
        assert "Dans un formulaire" in groups

        await pilot.press("f1")
        assert isinstance(pilot.app.screen, AccountScreen)


async def test_the_footer_shows_the_keys_that_apply(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        keys = {key.key for key in pilot.app.screen.query(FooterKey)}

        assert {
            "f2",
            "f3",
            "f4",
            "f5",
            "ctrl+s",
            "escape",
            "ctrl+q",
            "f1",
            "ctrl+p",
        } <= keys


@pytest.mark.parametrize(
    ("command", "tab_id"),
    [(title, tab_id) for tab_id, title, *_ in TABS],
)
async def test_the_palette_opens_every_tab_by_name(
    demo_db: Database, command: str, tab_id: str
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await pilot.press("f5" if tab_id == "coordonnees" else "f2", "ctrl+p")
        assert isinstance(pilot.app.screen, CommandPalette)
        await paste(pilot, command)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()

        assert active_tab(pilot) == tab_id


async def test_the_palette_saves_and_cancels(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "prenom", "Agnès")
        await pilot.press("ctrl+p")
        await paste(pilot, "Enregistrer")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert notifications(pilot)[-1] == SAVED

        await replace_text(pilot, "prenom", "Léa")
        await pilot.press("ctrl+p")
        await paste(pilot, "Annuler les modifications")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("o")
        assert field_value(pilot, "prenom") == "Agnès"


async def test_a_second_app_saving_late_gets_the_conflict_and_keeps_the_first_save(
    demo_db: Database,
) -> None:
    async with (
        signed_in(demo_db, "acheteur.cea") as first,
        signed_in(demo_db, "acheteur.cea") as second,
    ):
        await replace_text(first, "telephone", "03 88 00 11 22")
        await save(first)
        assert notifications(first)[-1] == SAVED

        await replace_text(second, "nom", "MARTIN-SECOND")
        await save(second)

        dialog = second.app.screen
        assert isinstance(dialog, ConflictDialog)
        assert [(c.label, c.stored, c.yours) for c in dialog.changes] == [
            ("Téléphone", "03 88 00 11 22", "03 69 49 39 10 (non modifié par vous)")
        ]
        await second.press("r")
        await second.pause()

        assert field_value(second, "telephone") == "03 88 00 11 22"
        assert field_value(second, "nom") == "MARTIN"
        assert unsaved_marker(second) == ""
    account = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    assert (account.telephone, account.nom) == ("+33388001122", "MARTIN")


async def test_keeping_on_editing_after_a_conflict_saves_only_ones_own_edits(
    demo_db: Database,
) -> None:
    async with (
        signed_in(demo_db, "acheteur.cea") as first,
        signed_in(demo_db, "acheteur.cea") as second,
    ):
        await replace_text(first, "telephone", "03 88 00 11 22")
        await save(first)

        await replace_text(second, "nom", "MARTIN-SECOND")
        await save(second)
        await second.press("escape")
        await second.pause()

        assert isinstance(second.app.screen, AccountScreen)
        assert field_value(second, "nom") == "MARTIN-SECOND"
        assert field_value(second, "telephone") == "03 88 00 11 22"
        assert unsaved_marker(second) == UNSAVED

        await save(second)
        assert notifications(second)[-1] == SAVED
    account = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    assert (account.telephone, account.nom) == ("+33388001122", "MARTIN-SECOND")


async def test_edits_survive_a_database_outage_and_save_once_it_is_back() -> None:
    # The server's folder lives outside pytest's own temporary tree, whose
    # permissions other pytest runs reset to 0700 and the server (running as
    # the postgres user) could then no longer reach on restart.
    with (
        tempfile.TemporaryDirectory(prefix="amp-tui-outage-") as folder,
        PostgresServer.temporary(Path(folder)) as server,
    ):
        db = Database(server.url)
        upgrade(db)
        seed_demo(db)
        async with signed_in(db, "acheteur.cea") as pilot:
            await replace_text(pilot, "nom", "MARTIN-PANNE")
            await replace_text(pilot, "telephone", "03 88 99 88 77")
            server.stop()

            await save(pilot)

            message = notifications(pilot)[-1]
            assert message.startswith("Base de données injoignable")
            assert "Vos saisies sont conservées" in message
            assert field_value(pilot, "nom") == "MARTIN-PANNE"
            assert field_value(pilot, "telephone") == "03 88 99 88 77"
            assert unsaved_marker(pilot) == UNSAVED

            server.start()
            await save(pilot)

            assert notifications(pilot)[-1] == SAVED
            assert unsaved_marker(pilot) == ""
        async with signed_in(db, "acheteur.cea") as pilot:
            assert field_value(pilot, "nom") == "MARTIN-PANNE"
            assert field_value(pilot, "telephone") == "03 88 99 88 77"
        db.dispose()


async def test_a_save_that_arrives_while_another_runs_is_not_sent_twice(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "prenom", "Chloé")
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)

        assert SAVED in notifications(pilot)
    account = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    assert account.prenom == "Chloé"


async def test_another_agents_save_meanwhile_is_not_overwritten_silently(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        stored = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
        draft = AccountDraft.from_snapshot(stored)
        draft.email = "elodie.martin@collectivite-alsace.fr"
        save_account(
            demo_db,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=draft,
        )
        await replace_text(pilot, "email", "e.martin@alsace.eu")
        await save(pilot)

        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)
        assert [(c.label, c.stored, c.yours) for c in dialog.changes] == [
            (
                "Adresse électronique",
                "elodie.martin@collectivite-alsace.fr",
                "e.martin@alsace.eu",
            )
        ]
    account = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    assert account.email == "elodie.martin@collectivite-alsace.fr"


def test_keeping_on_editing_merges_alerts_and_places_item_by_item(
    demo_db: Database,
) -> None:
    base = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    theirs = AccountDraft.from_snapshot(base)
    their_alert = sorted(base.alerts)[0]
    theirs.alerts.discard(their_alert)
    theirs.departements.add("57")
    save_account(
        demo_db,
        actor=SUPPORT,
        agent_id=base.id,
        base_version=base.version,
        draft=theirs,
    )
    current = load_account_by_login(demo_db, actor=SUPPORT, login="acheteur.cea")
    mine = AccountDraft.from_snapshot(base)
    my_alert = next(key for key in ALERT_KEYS if key not in base.alerts)
    mine.alerts.add(my_alert)
    my_place = sorted(base.departements)[0]
    mine.departements.discard(my_place)

    merged = merge_edits(base, current, mine)

    assert merged.alerts == (set(base.alerts) - {their_alert}) | {my_alert}
    assert merged.departements == (set(base.departements) | {"57"}) - {my_place}
