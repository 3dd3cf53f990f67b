"""Mes coordonnées: a buyer and support staff edit contact details.

The real editor runs at 80×24 on a real database with the demo dataset;
every value is typed (or pasted) into the form and saved with ctrl+s, then
read back from a new app on the same database.
"""

from __future__ import annotations

import json

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from amp_tui.accounts import EMAIL_TAKEN, list_services, load_account_by_login
from amp_tui.audit import list_events
from amp_tui.database import Database
from amp_tui.demo import DEMO_PASSWORD
from amp_tui.snapshots import AccountSnapshot, Actor
from screens.account import FIX_FIELDS, SAVED, UNSAVED, AccountScreen
from screens.dialogs.service_picker import NO_SERVICE, ServicePicker
from screens.tabs.coordonnees import EMAIL_NOTE, PASSWORD_NOTE, REQUIRED_LEGEND
from tests.app_driver import (
    account_screen,
    field_error,
    field_value,
    focus_field,
    notifications,
    paste,
    replace_text,
    save,
    selected_service,
    settle,
    signed_in,
    type_text,
    unsaved_marker,
)

SUPPORT = Actor(login="support.test", role="support")
NEW_PASSWORD = "Coordonnees-Neuves-77"
FINANCES = "Direction des finances et de la commande publique"
MARCHES = f"{FINANCES} / Service des marchés publics"
JURIDIQUE = f"{FINANCES} / Service juridique"


def stored(db: Database, login: str) -> AccountSnapshot:
    """The account as the database holds it now."""
    return load_account_by_login(db, actor=SUPPORT, login=login)


async def choose_service(pilot: Pilot[None], words: str) -> None:
    """Open the service tree with Enter, type to filter, choose with Enter."""
    await focus_field(pilot, "service")
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, ServicePicker)
    await type_text(pilot, words)
    await pilot.press("enter")
    assert not isinstance(pilot.app.screen, ServicePicker)


async def test_the_form_shows_the_legend_the_warning_and_national_numbers(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        text = " ".join(
            str(widget.render()) for widget in account_screen(pilot).query("Static")
        )

        assert REQUIRED_LEGEND in text
        assert EMAIL_NOTE in text
        assert PASSWORD_NOTE in text
        assert field_value(pilot, "telephone") == "03 69 49 39 10"
        assert selected_service(pilot) == MARCHES


async def test_buyer_edits_every_field_and_finds_them_after_a_restart(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "nom", "  MARTIN-KLEIN ")
        await replace_text(pilot, "prenom", "Élodie Anne")
        await choose_service(pilot, "finances juridique")
        await replace_text(pilot, "telephone", "0388112233")
        await replace_text(pilot, "telecopieur", "+41 44 668 18 00")
        await replace_text(pilot, "email", "Elodie.Martin-Klein@Alsace.eu")
        await replace_text(pilot, "password", NEW_PASSWORD)
        await replace_text(pilot, "password_confirmation", NEW_PASSWORD)
        assert unsaved_marker(pilot) == UNSAVED

        await save(pilot)

        assert notifications(pilot)[-1] == SAVED
        assert unsaved_marker(pilot) == ""
        assert field_value(pilot, "password") == ""
        assert field_value(pilot, "telephone") == "03 88 11 22 33"

    async with signed_in(demo_db, "acheteur.cea", NEW_PASSWORD) as pilot:
        assert field_value(pilot, "nom") == "MARTIN-KLEIN"
        assert field_value(pilot, "prenom") == "Élodie Anne"
        assert selected_service(pilot) == JURIDIQUE
        assert field_value(pilot, "telephone") == "03 88 11 22 33"
        assert field_value(pilot, "telecopieur") == "+41 44 668 18 00"
        assert field_value(pilot, "email") == "Elodie.Martin-Klein@alsace.eu"
        assert str(account_screen(pilot).query_one("#service-path").render()) == (
            f"Service : {JURIDIQUE}"
        )

    account = stored(demo_db, "acheteur.cea")
    assert (account.telephone, account.telecopieur) == ("+33388112233", "+41446681800")


async def test_each_save_is_audited_and_the_password_is_never_recorded(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "prenom", "Élo")
        await replace_text(pilot, "password", NEW_PASSWORD)
        await replace_text(pilot, "password_confirmation", NEW_PASSWORD)
        await save(pilot)

    event = list_events(demo_db, login="acheteur.cea")[-1]
    assert event.actor == "acheteur.cea"
    assert event.changes["prenom"] == {"old": "Élodie", "new": "Élo"}
    assert event.changes["mot_de_passe"] == {"changed": True}
    assert NEW_PASSWORD not in json.dumps(event.changes)


async def test_a_blank_password_keeps_the_current_one(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "nom", "MARTINEZ")
        await save(pilot)

    async with signed_in(demo_db, "acheteur.cea", DEMO_PASSWORD) as pilot:
        assert field_value(pilot, "nom") == "MARTINEZ"
    assert "mot_de_passe" not in list_events(demo_db, login="acheteur.cea")[-1].changes


async def test_the_identifiant_is_read_only_for_buyers(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        identifiant = account_screen(pilot).query_one("#login", Input)

        assert identifiant.disabled
        assert not identifiant.focusable


async def test_support_staff_change_an_identifiant(demo_db: Database) -> None:
    async with signed_in(demo_db, "support.amp") as pilot:
        await paste(pilot, "acheteur.barr")
        await pilot.press("enter")
        await settle(pilot)
        await replace_text(pilot, "login", "helene.fritsch.barr")
        await save(pilot)

        assert notifications(pilot)[-1] == SAVED

    assert stored(demo_db, "helene.fritsch.barr").email == "helene.fritsch@barr.fr"
    assert list_events(demo_db, login="helene.fritsch.barr")[-1].actor == "support.amp"


INVALID_FIELDS = (
    "nom",
    "prenom",
    "service",
    "telephone",
    "telecopieur",
    "email",
    "login",
    "password",
    "password_confirmation",
)


INVALID_INPUTS = [
    ("nom", "   ", "nom", "Champ obligatoire."),
    ("prenom", "", "prenom", "Champ obligatoire."),
    ("telephone", "12", "telephone", "Numéro de téléphone invalide."),
    ("telecopieur", "03 88 ab", "telecopieur", "Numéro de téléphone invalide."),
    ("email", "", "email", "Champ obligatoire."),
    ("email", "elodie.martin@", "email", "Adresse électronique invalide."),
    ("password", "Court-1", "password", "8 caractères au minimum."),
    ("password", "minuscules", "password", "Utilisez au moins 3 types de caractères"),
    ("password", "Acheteur.cea-2026", "password", "ne doit pas contenir l'identifiant"),
    (
        "password_confirmation",
        "Autre-Chose-2026",
        "password_confirmation",
        "La confirmation ne correspond pas.",
    ),
]


@pytest.mark.parametrize(("field", "typed", "refused", "reason"), INVALID_INPUTS)
async def test_bad_input_is_highlighted_with_its_reason_and_nothing_is_stored(
    demo_db: Database, field: str, typed: str, refused: str, reason: str
) -> None:
    before = stored(demo_db, "acheteur.cea")
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        if field == "password_confirmation":
            await replace_text(pilot, "password", NEW_PASSWORD)
        await replace_text(pilot, field, typed)

        await save(pilot)

        assert reason in field_error(pilot, refused)
        assert notifications(pilot)[-1] == FIX_FIELDS
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == refused
        assert unsaved_marker(pilot) == UNSAVED
        assert field_value(pilot, field) == typed
        highlighted = [name for name in INVALID_FIELDS if field_error(pilot, name)]
        assert highlighted == [refused]
    assert stored(demo_db, "acheteur.cea") == before
    assert len(list_events(demo_db, login="acheteur.cea")) == 0


async def test_every_refused_field_is_highlighted_at_once_and_cleared_once_fixed(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "nom", "")
        await replace_text(pilot, "telephone", "00")
        await save(pilot)

        assert field_error(pilot, "nom") == "Champ obligatoire."
        assert field_error(pilot, "telephone") == "Numéro de téléphone invalide."
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "nom"

        await replace_text(pilot, "nom", "MARTIN")
        await replace_text(pilot, "telephone", "03 69 49 39 11")
        await save(pilot)

        assert field_error(pilot, "nom") == ""
        assert field_error(pilot, "telephone") == ""
    assert stored(demo_db, "acheteur.cea").telephone == "+33369493911"


@pytest.mark.parametrize(
    "address",
    ["zoe.muller@alsace.eu", "ZOE.MULLER@ALSACE.EU", "Zoe.Muller@Alsace.EU"],
)
async def test_buyer_cannot_reuse_an_address_taken_by_another_agent(
    demo_db: Database, address: str
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "email", address)
        await save(pilot)

        assert field_error(pilot, "email") == EMAIL_TAKEN
        assert field_value(pilot, "email") == address
    assert stored(demo_db, "acheteur.cea").email == "elodie.martin@alsace.eu"


async def test_support_cannot_give_an_agent_an_address_of_another_entity(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "support.amp") as pilot:
        await paste(pilot, "acheteur.barr")
        await pilot.press("enter")
        await settle(pilot)
        await replace_text(pilot, "email", "Helene.Fritsch@PaysDeBarr.fr")
        await save(pilot)

        assert field_error(pilot, "email") == EMAIL_TAKEN
    assert stored(demo_db, "acheteur.barr").email == "helene.fritsch@barr.fr"


async def test_fields_refuse_text_beyond_their_length_limit(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await replace_text(pilot, "telephone", "")
        await type_text(pilot, "03 69 49 39 10 00 00 00")

        assert field_value(pilot, "telephone") == "03 69 49 39 10 00 00"
        limits = {
            name: account_screen(pilot).query_one(f"#{name}", Input).max_length
            for name in ("nom", "prenom", "telephone", "telecopieur", "email", "login")
        }
        assert limits == {
            "nom": 100,
            "prenom": 100,
            "telephone": 20,
            "telecopieur": 20,
            "email": 100,
            "login": 255,
        }


async def test_control_characters_cannot_be_typed_or_pasted(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await focus_field(pilot, "nom")
        await pilot.press("end")
        await paste(pilot, "X\x1b[2J")
        await paste(pilot, "\u202eY")

        assert field_value(pilot, "nom") == "MARTIN"
        assert unsaved_marker(pilot) == ""


async def test_the_service_is_picked_from_the_entity_tree_with_the_keyboard(
    demo_db: Database,
) -> None:
    entity = stored(demo_db, "acheteur.cea").entity_id
    tree = list_services(demo_db, entity_id=entity)
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await focus_field(pilot, "service")
        await pilot.press("space")
        picker = pilot.app.screen
        assert isinstance(picker, ServicePicker)
        services = picker.query_one(OptionList)
        offered = [str(option.prompt).strip() for option in services.options]
        assert offered == [NO_SERVICE, *(node.nom for node in tree)]
        assert services.highlighted_option is not None
        current = stored(demo_db, "acheteur.cea").service_id
        assert services.highlighted_option.id == str(current)

        await pilot.press("down", "down", "enter")

        assert isinstance(pilot.app.screen, AccountScreen)
        assert selected_service(pilot) == f"{MARCHES} / Pôle travaux"
        assert unsaved_marker(pilot) == UNSAVED
        await save(pilot)

    assert stored(demo_db, "acheteur.cea").service_path == f"{MARCHES} / Pôle travaux"


async def test_escape_closes_the_service_tree_without_changing_anything(
    demo_db: Database,
) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await focus_field(pilot, "service")
        await pilot.press("enter")
        await type_text(pilot, "routes")
        await pilot.press("escape")

        assert isinstance(pilot.app.screen, AccountScreen)
        assert selected_service(pilot) == MARCHES
        assert unsaved_marker(pilot) == ""


async def test_an_agent_can_be_left_without_a_service(demo_db: Database) -> None:
    async with signed_in(demo_db, "acheteur.cea") as pilot:
        await focus_field(pilot, "service")
        await pilot.press("enter")
        await type_text(pilot, "aucun")
        await pilot.press("enter")
        await save(pilot)

        assert selected_service(pilot) == ""
        shown = str(account_screen(pilot).query_one("#service").render())
        assert shown == f"{NO_SERVICE} ▼"
    assert stored(demo_db, "acheteur.cea").service_id is None
