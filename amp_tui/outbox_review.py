"""Reviewing the outbox: what support staff see, and what they send again.

Senders never move a ``failed`` or ``uncertain`` message on their own (see
``amp_tui.outbox``); support staff list them with their reason, check with
the recipient when needed, and put them back in the queue.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import col, select

from amp_tui.database import Database
from amp_tui.errors import AmpError, NotFoundError
from amp_tui.models import OutboxMessage, OutboxStatus, utcnow
from amp_tui.snapshots import Actor
from amp_tui.support import require_support

log = logging.getLogger(__name__)

NEEDS_ATTENTION = (OutboxStatus.FAILED.value, OutboxStatus.UNCERTAIN.value)
"""Statuses that no sender will move on its own: support staff decide."""

STATUS_LABELS = {
    OutboxStatus.PENDING.value: "en attente",
    OutboxStatus.CLAIMED.value: "réservé",
    OutboxStatus.SENDING.value: "en cours d'envoi",
    OutboxStatus.SENT.value: "envoyé",
    OutboxStatus.FAILED.value: "en échec",
    OutboxStatus.UNCERTAIN.value: "incertain",
}


@dataclass(frozen=True)
class OutboxEntry:
    """One message as support staff see it."""

    id: int
    created_at: dt.datetime
    kind: str
    recipient: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None

    @property
    def status_label(self) -> str:
        """The status in French."""
        return STATUS_LABELS.get(self.status, self.status)


def list_messages(
    db: Database,
    *,
    actor: Actor,
    statuses: Iterable[str] | None = None,
    limit: int = 200,
) -> list[OutboxEntry]:
    """The outbox, newest first, limited to ``statuses`` when given.

    Support staff call it with ``NEEDS_ATTENTION`` to see what no sender
    will deliver on its own.
    """
    require_support(actor)
    statement = select(OutboxMessage).order_by(col(OutboxMessage.id).desc())
    if statuses is not None:
        statement = statement.where(col(OutboxMessage.status).in_(list(statuses)))
    with db.session() as session:
        return [entry_of(row) for row in session.exec(statement.limit(limit)).all()]


def requeue_message(db: Database, *, actor: Actor, message_id: int) -> OutboxEntry:
    """Put a failed or uncertain message back in the queue, attempts reset."""
    require_support(actor)
    with db.session(write=True) as session:
        row = session.get(OutboxMessage, message_id)
        if row is None:
            raise NotFoundError(f"Aucun message n'a le numéro {message_id}.")
        if row.status not in NEEDS_ATTENTION:
            raise AmpError(
                "Seuls les messages en échec ou incertains peuvent être relancés "
                f"(message {message_id} : {STATUS_LABELS[row.status]})."
            )
        row.status = OutboxStatus.PENDING.value
        row.attempts = 0
        row.lease_owner = None
        row.lease_until = None
        row.next_attempt_at = utcnow()
        session.add(row)
        log.info("message %s requeued by %s", message_id, actor.login)
        return entry_of(row)


def entry_of(row: OutboxMessage) -> OutboxEntry:
    """Support's view of an outbox row."""
    assert row.id is not None
    return OutboxEntry(
        id=row.id,
        created_at=row.created_at,
        kind=row.kind,
        recipient=row.recipient,
        subject=row.subject,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
    )
