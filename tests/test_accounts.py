"""The account service on SQLite and PostgreSQL: saves, conflicts, rules."""

from __future__ import annotations

import pytest

from amp_tui.accounts import load_account, save_account
from amp_tui.audit import list_events
from amp_tui.database import Database
from amp_tui.errors import FieldErrors, PermissionDeniedError, StaleAccountError
from amp_tui.snapshots import AccountDraft, Actor
from tests.factories import SUPPORT, add_agent, add_entity


@pytest.fixture
def entity(db: Database) -> int:
    return add_entity(db)


@pytest.mark.parametrize(
    "other_address",
    ["ÉLODIE@x.fr", "élodie@X.FR", "e\u0301lodie@x.fr", "  Élodie@x.fr  "],
)
def test_an_address_is_unique_whatever_its_case_or_accent_form(
    db: Database, entity: int, other_address: str
) -> None:
    add_agent(db, "premier", email="Élodie@x.fr")

    with pytest.raises(FieldErrors) as refused:
        add_agent(db, "second", email=other_address)

    assert "email" in refused.value.errors


def test_saving_a_taken_address_is_refused_at_the_field(
    db: Database, entity: int
) -> None:
    add_agent(db, "premier", email="Élodie@x.fr")
    second = add_agent(db, "second", email="autre@x.fr")
    draft = AccountDraft.from_snapshot(second)
    draft.email = "élodie@X.fr"

    with pytest.raises(FieldErrors) as refused:
        save_account(
            db,
            actor=SUPPORT,
            agent_id=second.id,
            base_version=second.version,
            draft=draft,
        )

    assert refused.value.errors["email"].startswith("Cette adresse")
    assert load_account(db, actor=SUPPORT, agent_id=second.id).email == "autre@x.fr"


def test_a_save_stores_normalized_values_and_bumps_the_version(
    db: Database, entity: int
) -> None:
    stored = add_agent(db, "jeanne")
    draft = AccountDraft.from_snapshot(stored)
    draft.nom = "  MARTIN "
    draft.telephone = "03 69 49 39 10"
    draft.telecopieur = "+49 30 123456"
    draft.departements = {"67", "2A"}
    draft.alerts = {"reponse_electronique"}

    saved = save_account(
        db, actor=SUPPORT, agent_id=stored.id, base_version=stored.version, draft=draft
    )

    assert saved.version == stored.version + 1
    assert (saved.nom, saved.telephone, saved.telecopieur) == (
        "MARTIN",
        "+33369493910",
        "+4930123456",
    )
    assert saved.to_json()["lieux_execution"] == ["2A", "67"]
    assert saved.updated_at.tzinfo is not None


def test_a_stale_save_of_fields_is_refused_and_keeps_the_first_save(
    db: Database, entity: int
) -> None:
    stored = add_agent(db, "jeanne")
    first, second = (
        AccountDraft.from_snapshot(stored),
        AccountDraft.from_snapshot(stored),
    )
    first.nom, second.nom = "PREMIER", "SECOND"
    save_account(
        db, actor=SUPPORT, agent_id=stored.id, base_version=stored.version, draft=first
    )

    with pytest.raises(StaleAccountError) as conflict:
        save_account(
            db,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=second,
        )

    assert conflict.value.current.nom == "PREMIER"
    assert load_account(db, actor=SUPPORT, agent_id=stored.id).nom == "PREMIER"


def test_a_stale_save_of_collections_only_is_refused(db: Database, entity: int) -> None:
    stored = add_agent(db, "jeanne")
    first, second = (
        AccountDraft.from_snapshot(stored),
        AccountDraft.from_snapshot(stored),
    )
    first.alerts = {"modification_compte"}
    second.departements = {"67"}
    saved = save_account(
        db, actor=SUPPORT, agent_id=stored.id, base_version=stored.version, draft=first
    )
    assert saved.version == stored.version + 1

    with pytest.raises(StaleAccountError):
        save_account(
            db,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=second,
        )

    current = load_account(db, actor=SUPPORT, agent_id=stored.id)
    assert current.alerts == {"modification_compte"}
    assert current.departements == frozenset()


def test_bad_input_is_reported_per_field_and_nothing_is_stored(
    db: Database, entity: int
) -> None:
    stored = add_agent(db, "jeanne")
    draft = AccountDraft.from_snapshot(stored)
    draft.nom = "   "
    draft.prenom = "Jean\x07ne"
    draft.telephone = "12"
    draft.email = "pas-une-adresse"
    draft.password = "court"
    draft.departements = {"20"}

    with pytest.raises(FieldErrors) as refused:
        save_account(
            db,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=draft,
        )

    assert set(refused.value.errors) >= {
        "nom",
        "prenom",
        "telephone",
        "email",
        "password",
    }
    assert load_account(db, actor=SUPPORT, agent_id=stored.id) == stored


def test_an_unknown_place_of_execution_is_refused(db: Database, entity: int) -> None:
    stored = add_agent(db, "jeanne")
    draft = AccountDraft.from_snapshot(stored)
    draft.departements = {"20"}

    with pytest.raises(FieldErrors) as refused:
        save_account(
            db,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=draft,
        )

    assert "lieux_execution" in refused.value.errors


def test_a_buyer_cannot_edit_someone_elses_account(db: Database, entity: int) -> None:
    buyer = add_agent(db, "acheteur")
    other = add_agent(db, "autre")
    actor = Actor(login=buyer.login, role="buyer", agent_id=buyer.id)

    with pytest.raises(PermissionDeniedError):
        load_account(db, actor=actor, agent_id=other.id)


def test_a_buyer_cannot_change_their_identifiant(db: Database, entity: int) -> None:
    buyer = add_agent(db, "acheteur")
    draft = AccountDraft.from_snapshot(buyer)
    draft.login = "nouveau"
    actor = Actor(login=buyer.login, role="buyer", agent_id=buyer.id)

    with pytest.raises(FieldErrors) as refused:
        save_account(
            db, actor=actor, agent_id=buyer.id, base_version=buyer.version, draft=draft
        )

    assert "login" in refused.value.errors


def test_a_gated_alert_needs_its_permission(db: Database, entity: int) -> None:
    buyer = add_agent(db, "acheteur")
    draft = AccountDraft.from_snapshot(buyer)
    draft.alerts = {"favoris_mon_entite"}

    with pytest.raises(FieldErrors) as refused:
        save_account(
            db,
            actor=SUPPORT,
            agent_id=buyer.id,
            base_version=buyer.version,
            draft=draft,
        )

    assert "alertes" in refused.value.errors


def test_every_save_is_audited_without_the_password(db: Database, entity: int) -> None:
    stored = add_agent(db, "jeanne")
    draft = AccountDraft.from_snapshot(stored)
    draft.prenom = "Jeannette"
    draft.password = draft.password_confirmation = "Autre-Passe-2027"
    draft.alerts = {"modification_compte"}

    save_account(
        db, actor=SUPPORT, agent_id=stored.id, base_version=stored.version, draft=draft
    )

    last = list_events(db, login="jeanne")[-1]
    assert last.actor == SUPPORT.login
    assert last.changes["prenom"] == {"old": "Jeanne", "new": "Jeannette"}
    assert last.changes["mot_de_passe"] == {"changed": True}
    assert last.changes["alertes.modification_compte"] == {"old": False, "new": True}
    assert "Autre-Passe-2027" not in repr(last)


def test_saving_an_unchanged_draft_writes_nothing(db: Database, entity: int) -> None:
    stored = add_agent(db, "jeanne")

    saved = save_account(
        db,
        actor=SUPPORT,
        agent_id=stored.id,
        base_version=stored.version,
        draft=AccountDraft.from_snapshot(stored),
    )

    assert saved.version == stored.version
    assert [event.action for event in list_events(db, login="jeanne")] == ["creation"]
