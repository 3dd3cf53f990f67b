"""Consultations: auto-favourites at first save in phase E, who sees what, ★.

The entity tree used here: DEP depends on MERE, SOUS depends on DEP, PAIR is
linked transversally to MERE, AUTRE stands alone.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from amp_tui.auto_favourites import create_consultation
from amp_tui.consultations import list_consultations, set_favourite
from amp_tui.database import Database
from amp_tui.errors import FieldErrors, NotFoundError, PermissionDeniedError
from tests.consultation_factories import (
    add_buyer,
    add_consultation,
    add_entity_under,
    favourites_of,
    link_transversally,
    star,
)
from tests.factories import SUPPORT

OWN = "favoris_mon_entite"
DEPENDENT = "favoris_entites_dependantes"
TRANSVERSE = "favoris_entites_transverses"
MINE = "favoris_mes_consultations"


@pytest.fixture
def tree(db: Database) -> Database:
    """MERE ← DEP ← SOUS, PAIR ~ MERE, and AUTRE."""
    add_entity_under(db, "MERE")
    add_entity_under(db, "DEP", parent="MERE")
    add_entity_under(db, "SOUS", parent="DEP")
    add_entity_under(db, "PAIR")
    add_entity_under(db, "AUTRE")
    link_transversally(db, "MERE", "PAIR")
    return db


# --- Auto-favourites, setting by setting --------------------------------------


@pytest.mark.parametrize("key_on", [True, False])
def test_a_creator_gets_their_new_consultation_as_favourite_only_if_they_asked(
    tree: Database, key_on: bool
) -> None:
    add_buyer(tree, "createur", "MERE", alerts=[MINE] if key_on else [])
    add_buyer(tree, "collegue", "MERE", alerts=[MINE])

    followers = add_consultation(tree, "C-1", "MERE", creator="createur")

    assert followers == (("createur",) if key_on else ())
    assert favourites_of(tree, "collegue") == set()


@pytest.mark.parametrize(
    ("key_on", "guest", "expected"),
    [(True, True, True), (True, False, False), (False, True, False)],
    ids=["setting-and-permission", "setting-without-permission", "permission-only"],
)
def test_own_entity_consultations_follow_the_setting_and_the_guest_permission(
    tree: Database, key_on: bool, guest: bool, expected: bool
) -> None:
    add_buyer(tree, "invitee", "MERE", alerts=[OWN] if key_on else [], guest_own=guest)

    followers = add_consultation(tree, "C-1", "MERE")

    assert ("invitee" in followers) is expected


def test_own_entity_setting_ignores_consultations_of_other_entities(
    tree: Database,
) -> None:
    add_buyer(tree, "invitee", "MERE", alerts=[OWN], guest_own=True)

    assert add_consultation(tree, "C-DEP", "DEP") == ()
    assert add_consultation(tree, "C-PAIR", "PAIR") == ()


@pytest.mark.parametrize(
    ("consultation_entity", "expected"),
    [("DEP", True), ("SOUS", True), ("MERE", False), ("PAIR", False), ("AUTRE", False)],
    ids=["direct-child", "grandchild", "own-entity", "transverse", "unrelated"],
)
def test_dependent_entities_are_followed_at_any_depth_below_the_agents_entity(
    tree: Database, consultation_entity: str, expected: bool
) -> None:
    add_buyer(tree, "tutelle", "MERE", alerts=[DEPENDENT], guest_dependent=True)

    followers = add_consultation(tree, "C-1", consultation_entity)

    assert ("tutelle" in followers) is expected


@pytest.mark.parametrize(
    ("key_on", "guest"), [(True, False), (False, True)], ids=["no-permission", "off"]
)
def test_dependent_entities_need_both_the_setting_and_the_permission(
    tree: Database, key_on: bool, guest: bool
) -> None:
    add_buyer(
        tree,
        "tutelle",
        "MERE",
        alerts=[DEPENDENT] if key_on else [],
        guest_dependent=guest,
    )

    assert add_consultation(tree, "C-1", "DEP") == ()


def test_a_dependent_entity_does_not_follow_its_parents_consultations(
    tree: Database,
) -> None:
    add_buyer(tree, "filiale", "DEP", alerts=[DEPENDENT], guest_dependent=True)

    assert add_consultation(tree, "C-1", "MERE") == ()


@pytest.mark.parametrize(
    ("agent_entity", "consultation_entity", "expected"),
    [
        ("MERE", "PAIR", True),
        ("PAIR", "MERE", True),
        ("MERE", "DEP", False),
        ("PAIR", "DEP", False),
        ("MERE", "AUTRE", False),
    ],
    ids=["one-way", "other-way", "dependent", "not-transitive", "unrelated"],
)
def test_transverse_entities_are_followed_both_ways_and_not_further(
    tree: Database, agent_entity: str, consultation_entity: str, expected: bool
) -> None:
    add_buyer(
        tree, "mutualise", agent_entity, alerts=[TRANSVERSE], guest_transverse=True
    )

    followers = add_consultation(tree, "C-1", consultation_entity)

    assert ("mutualise" in followers) is expected


@pytest.mark.parametrize(
    ("key_on", "guest"), [(True, False), (False, True)], ids=["no-permission", "off"]
)
def test_transverse_entities_need_both_the_setting_and_the_permission(
    tree: Database, key_on: bool, guest: bool
) -> None:
    add_buyer(
        tree,
        "mutualise",
        "MERE",
        alerts=[TRANSVERSE] if key_on else [],
        guest_transverse=guest,
    )

    assert add_consultation(tree, "C-1", "PAIR") == ()


def test_an_agent_matching_several_settings_gets_one_favourite(tree: Database) -> None:
    add_buyer(tree, "tout", "MERE", alerts=[MINE, OWN], guest_own=True)

    followers = add_consultation(tree, "C-1", "MERE", creator="tout")

    assert followers == ("tout",)
    assert favourites_of(tree, "tout") == {"C-1"}


@pytest.mark.parametrize("phase", ["V", "C", "OA", "D"])
def test_a_consultation_first_saved_after_phase_e_gets_no_auto_favourite(
    tree: Database, phase: str
) -> None:
    add_buyer(tree, "tout", "MERE", alerts=[MINE, OWN], guest_own=True)

    assert add_consultation(tree, "C-1", "MERE", creator="tout", phase=phase) == ()


def test_a_creator_must_belong_to_the_consultations_entity(tree: Database) -> None:
    add_buyer(tree, "ailleurs", "AUTRE", alerts=[MINE])

    with pytest.raises(FieldErrors) as refused:
        add_consultation(tree, "C-1", "MERE", creator="ailleurs")

    assert "createur" in refused.value.errors


def test_a_reference_is_used_once(tree: Database) -> None:
    add_consultation(tree, "C-1", "MERE")

    with pytest.raises(FieldErrors) as refused:
        add_consultation(tree, "C-1", "DEP")

    assert "reference" in refused.value.errors


def test_a_buyer_creates_consultations_only_in_their_own_name(tree: Database) -> None:
    buyer = add_buyer(tree, "acheteuse", "MERE", alerts=[MINE])

    created = create_consultation(
        tree, actor=buyer, reference="C-1", title="Travaux", entite="MERE"
    )
    with pytest.raises(PermissionDeniedError):
        create_consultation(
            tree, actor=buyer, reference="C-2", title="x", creator_login="quelquun"
        )

    assert created.favourite_of == ("acheteuse",)
    assert created.card.favourite


def test_the_command_line_creates_a_consultation_with_its_auto_favourites(
    demo_db: Database,
) -> None:
    url = demo_db.url.render_as_string(hide_password=False)
    command = [sys.executable, "-m", "amp_tui", "--database-url", url]

    created = subprocess.run(
        [
            *command,
            *("consultation", "create", "CEA-2027-0001", "--titre", "Élagage"),
            *("--entite", "CEA", "--createur", "acheteur.cea"),
            *("--date-limite", "2027-06-01T12:00", "--allotie"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    again = subprocess.run(
        [
            *command,
            *("consultation", "create", "CEA-2027-0001", "--titre", "x"),
            *("--entite", "CEA"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    # acheteur.cea created it; gaelle.becker is a permanent guest on CEA
    # with favoris_mon_entite on.
    assert created.returncode == 0, created.stderr
    assert "favorite de : acheteur.cea, gaelle.becker." in created.stdout
    assert "CEA-2027-0001" in favourites_of(demo_db, "gaelle.becker")
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "amp-tui: Référence : Cette référence est déjà utilisée."
    )


# --- Who sees what -----------------------------------------------------------


@pytest.fixture
def published(tree: Database) -> Database:
    """One consultation in each entity of the tree."""
    for sigle in ("MERE", "DEP", "SOUS", "PAIR", "AUTRE"):
        add_consultation(tree, f"C-{sigle}", sigle)
    return tree


def references(db: Database, actor: object, **options: object) -> list[str]:
    page = list_consultations(db, actor=actor, limit=100, **options)  # type: ignore[arg-type]
    return sorted(card.reference for card in page.cards)


def test_a_buyer_sees_their_entitys_consultations_and_their_favourites(
    published: Database,
) -> None:
    buyer = add_buyer(published, "simple", "DEP")
    star(published, "simple", "C-AUTRE")

    assert references(published, buyer) == ["C-AUTRE", "C-DEP"]


def test_a_dependent_entities_guest_sees_them_at_any_depth(published: Database) -> None:
    buyer = add_buyer(published, "tutelle", "MERE", guest_dependent=True)

    assert references(published, buyer) == ["C-DEP", "C-MERE", "C-SOUS"]


def test_a_transverse_guest_sees_the_linked_entity(published: Database) -> None:
    buyer = add_buyer(published, "mutualise", "PAIR", guest_transverse=True)

    assert references(published, buyer) == ["C-MERE", "C-PAIR"]


def test_support_sees_every_consultation(published: Database) -> None:
    page = list_consultations(published, actor=SUPPORT)

    assert page.total == 5


def test_favourites_only_and_search_narrow_the_list(published: Database) -> None:
    buyer = add_buyer(published, "tutelle", "MERE", guest_dependent=True)
    star(published, "tutelle", "C-SOUS")

    assert references(published, buyer, favourites_only=True) == ["C-SOUS"]
    assert references(published, buyer, search="c-d") == ["C-DEP"]
    assert references(published, buyer, search="consultation sous") == ["C-SOUS"]


def test_pages_cover_the_whole_list_once(published: Database) -> None:
    pages = [
        list_consultations(published, actor=SUPPORT, offset=offset, limit=2)
        for offset in (0, 2, 4)
    ]

    seen = [card.reference for page in pages for card in page.cards]
    assert [page.total for page in pages] == [5, 5, 5]
    assert sorted(seen) == ["C-AUTRE", "C-DEP", "C-MERE", "C-PAIR", "C-SOUS"]


# --- ★ ------------------------------------------------------------------------


def test_a_star_is_stored_and_removed_and_setting_it_twice_is_harmless(
    published: Database,
) -> None:
    buyer = add_buyer(published, "simple", "MERE")
    card = list_consultations(published, actor=buyer).cards[0]

    set_favourite(published, actor=buyer, consultation_id=card.id, favourite=True)
    set_favourite(published, actor=buyer, consultation_id=card.id, favourite=True)
    starred = list_consultations(published, actor=buyer, favourites_only=True)
    set_favourite(published, actor=buyer, consultation_id=card.id, favourite=False)

    assert [c.reference for c in starred.cards] == [card.reference]
    assert starred.cards[0].favourite
    assert favourites_of(published, "simple") == set()


def test_a_buyer_cannot_star_a_consultation_they_do_not_see(
    published: Database,
) -> None:
    buyer = add_buyer(published, "simple", "MERE")
    hidden = next(
        card
        for card in list_consultations(published, actor=SUPPORT).cards
        if card.reference == "C-AUTRE"
    )

    with pytest.raises(NotFoundError):
        set_favourite(published, actor=buyer, consultation_id=hidden.id, favourite=True)

    assert favourites_of(published, "simple") == set()


def test_the_command_line_operator_has_no_favourites(published: Database) -> None:
    card = list_consultations(published, actor=SUPPORT).cards[0]

    with pytest.raises(PermissionDeniedError):
        set_favourite(published, actor=SUPPORT, consultation_id=card.id, favourite=True)
