"""Reading the audit trail: who changed which account, when, and how."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from amp_tui.database import Database
from amp_tui.errors import NotFoundError
from amp_tui.models import AuditEvent
from amp_tui.snapshots import agent_by_login


@dataclass(frozen=True)
class AuditEntry:
    """One audit event, with its changes decoded."""

    at: dt.datetime
    actor: str
    account: str
    action: str
    version: int | None
    changes: dict[str, Any]

    def describe_changes(self) -> str:
        """The changes on one line: ``nom : DUPONT → DURAND ; …``."""
        parts = []
        for name, change in sorted(self.changes.items()):
            if change.get("changed"):
                parts.append(f"{name} : modifié")
            else:
                parts.append(
                    f"{name} : {show(change.get('old'))} → {show(change.get('new'))}"
                )
        return " ; ".join(parts)


def show(value: Any) -> str:
    """Render an old or new value for people."""
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "(vide)"
    return str(value)


def list_events(
    db: Database, *, login: str | None = None, limit: int | None = None
) -> list[AuditEntry]:
    """The audit trail, oldest first, for one account or for all."""
    statement = select(AuditEvent).order_by(col(AuditEvent.at), col(AuditEvent.id))
    with db.session() as session:
        if login is not None:
            agent = agent_by_login(session, login)
            if agent is None:
                statement = statement.where(AuditEvent.agent_login == login)
                if not session.exec(statement.limit(1)).first():
                    raise NotFoundError(f"Aucun compte n'a l'identifiant « {login} ».")
            else:
                statement = statement.where(AuditEvent.agent_id == agent.id)
        if limit is not None:
            statement = statement.limit(limit)
        return [
            AuditEntry(
                at=event.at,
                actor=event.actor_login,
                account=event.agent_login,
                action=event.action,
                version=event.version,
                changes=json.loads(event.changes),
            )
            for event in session.exec(statement).all()
        ]
