"""Who is told what: the texts of e-mail alerts and the outbox rows they fill.

An event on a consultation reaches every active agent who holds it as a
favourite (★) and turned that event's alert on; a saved change to an
account reaches its agent when ``modification_compte`` is on. Each function
here adds rows to the outbox inside the caller's transaction, so that a
notification is stored exactly when the change that caused it is.
Messages are French, name the consultation or the fields changed, and never
carry a password.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from amp_tui.alerts import ALERT_GROUPS, ALERTS
from amp_tui.models import (
    Agent,
    AgentAlert,
    Consultation,
    Entity,
    Favourite,
    OutboxMessage,
    utcnow,
)
from amp_tui.validation import email_key

log = logging.getLogger(__name__)

PLATFORM_TIMEZONE = ZoneInfo("Europe/Paris")
"""Deadlines are shown in the platform's time, whatever the server's."""

ACCOUNT_CHANGE = "modification_compte"

CONSULTATION_EVENTS: tuple[str, ...] = tuple(
    alert.key
    for group in ALERT_GROUPS
    if group.key == "favoris"
    for alert in group.alerts
)
"""One event kind per favourite alert; the kind is the alert's key."""

EVENT_TEXTS: dict[str, tuple[str, str]] = {
    "reponse_electronique": (
        "Réponse électronique reçue",
        "Une réponse électronique a été déposée sur une consultation que vous suivez.",
    ),
    "cloture_consultation": (
        "Clôture de la consultation",
        "La date limite de remise des plis d'une consultation que vous suivez "
        "est dépassée : la consultation est close.",
    ),
    "reception_message": (
        "Message d'entreprise reçu",
        "Une entreprise a répondu à un message sollicité sur une consultation "
        "que vous suivez.",
    ),
    "question_entreprise": (
        "Question d'une entreprise",
        "Une entreprise a posé une question sur une consultation que vous suivez.",
    ),
    "publication_boamp": (
        "Publication au BOAMP",
        "L'avis d'une consultation que vous suivez a été publié au BOAMP.",
    ),
    "echec_publication_boamp": (
        "Échec de publication au BOAMP",
        "La publication au BOAMP de l'avis d'une consultation que vous suivez "
        "a échoué.",
    ),
    "validation_consultation": (
        "Consultation en attente de validation",
        "Une consultation que vous suivez est en attente d'approbation ou de "
        "validation.",
    ),
}
"""Per event kind: the start of the subject, and the first sentence."""

FIELD_LABELS: dict[str, str] = {
    "nom": "NOM",
    "prenom": "Prénom",
    "service": "Service",
    "telephone": "Téléphone",
    "telecopieur": "Télécopieur",
    "email": "Adresse électronique",
    "login": "Identifiant",
    "mot_de_passe": "Mot de passe",
    "alertes": "Mes alertes électroniques",
    "lieux_execution": 'Mes préférences "Lieu d\'exécution"',
}
"""How an account change names the audit trail's fields, in the form's order.

Every ``alertes.<key>`` change counts as ``alertes``.
"""

OTHER_FIELDS = "Autres réglages du compte"
SUBJECT_MAX = 255


def format_deadline(deadline: dt.datetime | None) -> str:
    """A deadline as the platform shows it: ``29/07/2022 16:00``, Paris time."""
    if deadline is None:
        return "non définie"
    return deadline.astimezone(PLATFORM_TIMEZONE).strftime("%d/%m/%Y %H:%M")


def enqueue(
    session: Session,
    *,
    agent: Agent,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
) -> OutboxMessage:
    """Add one message to the outbox, due at once."""
    now = utcnow()
    message = OutboxMessage(
        created_at=now,
        agent_id=agent.id,
        kind=kind,
        recipient=recipient,
        subject=subject[:SUBJECT_MAX],
        body=body,
        next_attempt_at=now,
    )
    session.add(message)
    return message


def greeting(agent: Agent) -> str:
    """The first line of every message."""
    return f"Bonjour {agent.prenom} {agent.nom},"


def why_sent(kind: str, reason: str) -> str:
    """The last paragraph: why this agent receives this message."""
    return (
        f"Vous recevez ce message {reason} et que l'alerte « {ALERTS[kind].label} » "
        "est activée dans Mes alertes électroniques."
    )


# --- Consultation events ----------------------------------------------------


def route_consultation_event(
    session: Session, consultation: Consultation, kind: str
) -> list[OutboxMessage]:
    """Queue a message for each follower of ``consultation`` who wants ``kind``.

    Followers are the active agents holding it as a favourite and whose
    alert ``kind`` is on. Returns the queued messages, in login order.
    """
    if kind not in EVENT_TEXTS:
        raise ValueError(f"unknown consultation event: {kind}")
    recipients = session.exec(
        select(Agent)
        .join(Favourite, col(Favourite.agent_id) == Agent.id)
        .join(
            AgentAlert,
            (col(AgentAlert.agent_id) == Agent.id) & (col(AgentAlert.key) == kind),
        )
        .where(
            Favourite.consultation_id == consultation.id,
            col(Agent.active).is_(True),
        )
        .order_by(col(Agent.login))
    ).all()
    entity = session.get(Entity, consultation.entity_id)
    assert entity is not None
    subject, body = consultation_message(consultation, entity, kind)
    messages = [
        enqueue(
            session,
            agent=agent,
            kind=kind,
            recipient=agent.email,
            subject=subject,
            body=f"{greeting(agent)}\n\n{body}",
        )
        for agent in recipients
    ]
    log.info(
        "event %s on consultation %s: %d message(s) queued",
        kind,
        consultation.reference,
        len(messages),
    )
    return messages


def consultation_message(
    consultation: Consultation, entity: Entity, kind: str
) -> tuple[str, str]:
    """The subject, and the body after the greeting, of an event's message."""
    title, sentence = EVENT_TEXTS[kind]
    name = f"{consultation.reference} | {consultation.title}"
    if kind == "cloture_consultation":
        figures = (
            f"Synthèse : Retraits ({consultation.retraits}) | "
            f"Dépôts ({consultation.depots})"
        )
    else:
        figures = (
            f"Retraits ({consultation.retraits}) | "
            f"Questions ({consultation.questions}) | Dépôts ({consultation.depots})"
        )
    lines = [
        sentence,
        "",
        f"Consultation : {name}",
        f"Entité : {entity.sigle} - {entity.nom}",
        f"Date limite de remise des plis : {format_deadline(consultation.deadline)}",
        figures,
        "",
        why_sent(kind, "parce que cette consultation fait partie de vos favoris (★)"),
    ]
    return f"{title} : {name}", "\n".join(lines)


# --- Account changes ----------------------------------------------------------


def notify_account_change(
    session: Session, agent: Agent, changes: Mapping[str, Any], old_email: str
) -> list[OutboxMessage]:
    """Queue the ``modification_compte`` message for a saved account change.

    Call it inside the save's transaction, after the new values are written,
    with the audit trail's ``changes`` and the address the account had
    before the save. The alert counts as on when it was on before the save
    or is on after it, so that switching it off is itself reported. When
    the address changed, the old address is told too.
    """
    if not changes or not agent.active:
        return []
    now_on = (
        session.exec(
            select(AgentAlert.key).where(
                AgentAlert.agent_id == agent.id, AgentAlert.key == ACCOUNT_CHANGE
            )
        ).first()
        is not None
    )
    before = changes.get(f"alertes.{ACCOUNT_CHANGE}", {}).get("old", now_on)
    if not (now_on or before):
        return []
    subject = "Modification de votre compte agent"
    fields = changed_field_labels(changes)
    body = account_change_body(agent, fields, alert_on=now_on)
    recipients = [agent.email]
    if "email" in changes and email_key(old_email) != email_key(agent.email):
        recipients.append(old_email)
    messages = []
    for address in recipients:
        text = body
        if address != agent.email:
            text += (
                "\n\nCe message est aussi envoyé à votre ancienne adresse "
                "électronique, remplacée lors de cette modification."
            )
        messages.append(
            enqueue(
                session,
                agent=agent,
                kind=ACCOUNT_CHANGE,
                recipient=address,
                subject=subject,
                body=text,
            )
        )
    log.info("account change of %s: %d message(s) queued", agent.login, len(messages))
    return messages


def changed_field_labels(changes: Mapping[str, Any]) -> list[str]:
    """The French names of the changed fields, each once, in form order."""
    order = [*FIELD_LABELS.values(), OTHER_FIELDS]
    labels = {FIELD_LABELS.get(name.split(".", 1)[0], OTHER_FIELDS) for name in changes}
    return sorted(labels, key=order.index)


def account_change_body(agent: Agent, fields: list[str], *, alert_on: bool) -> str:
    """The text telling an agent what changed in their account."""
    lines = [
        greeting(agent),
        "",
        f"Votre compte agent « {agent.login} » a été modifié.",
        "",
        "Éléments modifiés :",
        *(f"- {label}" for label in fields),
        "",
        "Si vous n'êtes pas à l'origine de cette modification, contactez le "
        "support sans attendre.",
        "",
        why_sent(ACCOUNT_CHANGE, "parce que votre compte a changé"),
    ]
    if not alert_on:
        lines[-1] = (
            f"L'alerte « {ALERTS[ACCOUNT_CHANGE].label} » vient d'être désactivée : "
            "vous ne recevrez plus ces messages."
        )
    return "\n".join(lines)
