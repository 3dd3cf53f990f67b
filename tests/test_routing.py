"""Who is told what: one event per alert reaches exactly the right agents.

A consultation event reaches the active agents holding the consultation as
a favourite with that alert on; a saved account change reaches its agent
when ``modification_compte`` is on, and the old address too when the
address changed.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.alerts import ALERT_KEYS
from amp_tui.consultations import record_event
from amp_tui.database import Database
from amp_tui.errors import FieldErrors, NotFoundError
from amp_tui.models import Agent, OutboxMessage
from amp_tui.notifications import CONSULTATION_EVENTS, notify_account_change
from amp_tui.snapshots import AccountDraft
from tests.consultation_factories import (
    add_buyer,
    add_consultation,
    add_entity_under,
    star,
)
from tests.factories import PASSWORD, SUPPORT

ACCOUNT_CHANGE = "modification_compte"


def outbox(db: Database) -> list[OutboxMessage]:
    """Every queued message, oldest first."""
    with db.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def test_there_is_one_event_kind_per_favourite_alert() -> None:
    assert CONSULTATION_EVENTS == (
        "reponse_electronique",
        "cloture_consultation",
        "reception_message",
        "question_entreprise",
        "publication_boamp",
        "echec_publication_boamp",
        "validation_consultation",
    )


@pytest.fixture
def followed(db: Database) -> Database:
    """C-1 followed by agents with every mix of settings; C-2 by another."""
    add_entity_under(db, "MERE")
    add_entity_under(db, "AUTRE")
    add_consultation(db, "C-1", "MERE")
    add_consultation(db, "C-2", "MERE")
    every_alert = list(ALERT_KEYS)
    for kind in CONSULTATION_EVENTS:
        # Follows C-1 and wants exactly this alert.
        add_buyer(db, f"suit.{kind}", "MERE", alerts=[kind])
        star(db, f"suit.{kind}", "C-1")
    add_buyer(db, "suit.rien", "MERE")
    star(db, "suit.rien", "C-1")
    add_buyer(db, "suit.autre", "AUTRE", alerts=every_alert)
    star(db, "suit.autre", "C-2")
    add_buyer(db, "ne.suit.pas", "MERE", alerts=every_alert)
    add_buyer(db, "desactive", "MERE", alerts=every_alert, active=False)
    star(db, "desactive", "C-1")
    return db


@pytest.mark.parametrize("kind", CONSULTATION_EVENTS)
def test_an_event_reaches_exactly_the_followers_who_want_that_alert(
    followed: Database, kind: str
) -> None:
    notified = record_event(followed, reference="C-1", kind=kind)

    messages = outbox(followed)
    assert notified == [f"suit.{kind}"]
    assert [(m.kind, m.recipient) for m in messages] == [
        (kind, f"suit.{kind}@example.fr")
    ]
    assert messages[0].status == "pending"
    assert "C-1 | Consultation C-1" in messages[0].subject
    assert "Consultation : C-1 | Consultation C-1" in messages[0].body


def test_an_event_nobody_wants_queues_nothing(followed: Database) -> None:
    add_consultation(followed, "C-3", "MERE")
    star(followed, "suit.rien", "C-3")

    assert record_event(followed, reference="C-3", kind="publication_boamp") == []
    assert outbox(followed) == []


def test_a_closing_alert_sums_up_withdrawals_and_submissions(
    demo_db: Database,
) -> None:
    # CEA-2026-0087 is followed by agent.verrouille, acheteur.cea and
    # gaelle.becker; the first two have cloture_consultation on. A locked
    # account still receives its alerts: only deactivated ones do not.
    notified = record_event(
        demo_db, reference="CEA-2026-0087", kind="cloture_consultation"
    )

    assert notified == ["acheteur.cea", "agent.verrouille"]
    body = outbox(demo_db)[0].body
    assert body.startswith("Bonjour Élodie MARTIN,")
    assert "Synthèse : Retraits (41) | Dépôts (9)" in body
    assert "Date limite de remise des plis : 20/11/2026 12:00" in body


def test_an_unknown_event_or_consultation_is_refused(followed: Database) -> None:
    with pytest.raises(FieldErrors):
        record_event(followed, reference="C-1", kind="modification_compte")
    with pytest.raises(NotFoundError):
        record_event(followed, reference="C-404", kind="reponse_electronique")

    assert outbox(followed) == []


# --- Account changes --------------------------------------------------------------


def notify(
    db: Database, login: str, changes: dict[str, object], old_email: str
) -> list[tuple[str, str]]:
    """Call the save's hook in a transaction; return (recipient, body) pairs."""
    with db.session(write=True) as session:
        agent = session.exec(select(Agent).where(Agent.login == login)).one()
        messages = notify_account_change(session, agent, changes, old_email)
        return [(message.recipient, message.body) for message in messages]


@pytest.fixture
def entity(db: Database) -> Database:
    add_entity_under(db, "CEA")
    return db


def test_an_account_change_is_sent_when_the_alert_is_on(entity: Database) -> None:
    add_buyer(entity, "averti", "CEA", alerts=[ACCOUNT_CHANGE])
    add_buyer(entity, "discret", "CEA")
    changes = {"nom": {"old": "LEGRAND", "new": "PETIT"}}

    sent = notify(entity, "averti", changes, "averti@example.fr")
    silent = notify(entity, "discret", changes, "discret@example.fr")

    assert [recipient for recipient, _ in sent] == ["averti@example.fr"]
    assert silent == []
    body = sent[0][1]
    assert "- NOM" in body
    assert "LEGRAND" not in body and "PETIT" not in body
    assert outbox(entity)[0].subject == "Modification de votre compte agent"


def test_switching_the_alert_off_is_itself_reported(entity: Database) -> None:
    add_buyer(entity, "averti", "CEA")
    changes = {f"alertes.{ACCOUNT_CHANGE}": {"old": True, "new": False}}

    sent = notify(entity, "averti", changes, "averti@example.fr")

    assert len(sent) == 1
    assert "- Mes alertes électroniques" in sent[0][1]
    assert "vient d'être désactivée" in sent[0][1]


def test_a_deactivated_account_gets_no_mail(entity: Database) -> None:
    add_buyer(entity, "parti", "CEA", alerts=[ACCOUNT_CHANGE], active=False)

    assert notify(entity, "parti", {"nom": {"old": "A", "new": "B"}}, "p@x.fr") == []


def change_address(
    db: Database, login: str, new_email: str, password: str = ""
) -> None:
    """Save the account with another address (and password), as support."""
    stored = load_account_by_login(db, actor=SUPPORT, login=login)
    draft = AccountDraft.from_snapshot(stored)
    draft.email = new_email
    draft.password = draft.password_confirmation = password
    save_account(
        db, actor=SUPPORT, agent_id=stored.id, base_version=stored.version, draft=draft
    )


def test_a_new_address_is_announced_to_the_old_one_too(entity: Database) -> None:
    add_buyer(entity, "demenage", "CEA", alerts=[ACCOUNT_CHANGE])
    change_address(entity, "demenage", "nouvelle@example.fr")
    changes = {
        "email": {"old": "demenage@example.fr", "new": "nouvelle@example.fr"},
        "mot_de_passe": {"changed": True},
    }

    sent = notify(entity, "demenage", changes, "demenage@example.fr")

    assert [recipient for recipient, _ in sent] == [
        "nouvelle@example.fr",
        "demenage@example.fr",
    ]
    assert "ancienne adresse" in sent[1][1]
    for _, body in sent:
        assert "- Adresse électronique\n- Mot de passe" in body
        assert "nouvelle@example.fr" not in body


def test_a_change_of_case_in_the_address_is_not_sent_twice(entity: Database) -> None:
    add_buyer(entity, "casse", "CEA", alerts=[ACCOUNT_CHANGE])
    change_address(entity, "casse", "Casse@example.fr")
    changes = {"email": {"old": "casse@example.fr", "new": "Casse@example.fr"}}

    sent = notify(entity, "casse", changes, "casse@example.fr")

    assert [recipient for recipient, _ in sent] == ["Casse@example.fr"]


def test_saving_an_account_queues_its_notification_without_the_password(
    entity: Database,
) -> None:
    add_buyer(entity, "complet", "CEA", alerts=[ACCOUNT_CHANGE])
    new_password = "Autre-Secret-2027"
    assert new_password != PASSWORD

    change_address(entity, "complet", "complet.bis@example.fr", new_password)

    messages = outbox(entity)
    assert [m.recipient for m in messages] == [
        "complet.bis@example.fr",
        "complet@example.fr",
    ]
    assert all(new_password not in m.body + m.subject for m in messages)
    assert all("- Mot de passe" in m.body for m in messages)


def test_an_unchanged_account_sends_nothing(entity: Database) -> None:
    add_buyer(entity, "fixe", "CEA", alerts=[ACCOUNT_CHANGE])

    assert notify(entity, "fixe", {}, "fixe@example.fr") == []
