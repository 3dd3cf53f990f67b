"""Sending the outbox by SMTP, each message once, under leases, with retries.

A sender takes one message at a time under a lease (``claimed``), commits
that, speaks to the SMTP server up to the ``DATA`` command, commits
``sending`` right before it hands over the text, and commits ``sent`` once
the server accepts it. Several senders may run at once. A sender killed at
any point leaves its message with a lease that runs out:

- a ``claimed`` message was never handed over, so it goes back to the queue;
- a ``sending`` message may have reached the server, so it becomes
  ``uncertain`` instead of being sent twice, and waits for support staff.

A refusal (4xx reply, lost connection before the hand-over) is retried with
a doubling delay; a permanent refusal (5xx), or ``max_attempts`` refusals,
leave the message ``failed``. The reason is kept on the message either way.
What support staff see of all this is in ``amp_tui.outbox_review``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from amp_tui.database import Database
from amp_tui.models import OutboxMessage, OutboxStatus, utcnow
from amp_tui.smtp import (
    LostInTransit,
    Refused,
    SmtpConnection,
    SmtpSettings,
    SmtpUnavailableError,
    compose,
    smtp_session,
)

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]

ERROR_MAX = 500
IN_FLIGHT = (OutboxStatus.CLAIMED.value, OutboxStatus.SENDING.value)
INTERRUPTED_BEFORE = "Envoi interrompu avant la transmission (expéditeur arrêté)."
INTERRUPTED_DURING = (
    "Envoi interrompu pendant la transmission : le serveur a pu recevoir le "
    "message. Vérifiez auprès du destinataire avant de le relancer."
)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long a lease lasts, how often and how late a send is retried.

    The lease must outlast one message's exchange with the server (four
    replies at most, each within the SMTP timeout), or a second sender could
    take over a message still being sent.
    """

    max_attempts: int = 5
    first_delay: dt.timedelta = dt.timedelta(minutes=1)
    max_delay: dt.timedelta = dt.timedelta(hours=1)
    lease: dt.timedelta = dt.timedelta(minutes=5)

    def delay_after(self, attempts: int) -> dt.timedelta:
        """The wait before the next try, after ``attempts`` failed tries."""
        return min(self.first_delay * 2 ** max(attempts - 1, 0), self.max_delay)


@dataclass
class DeliveryReport:
    """What one run of the sender did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def all_sent(self) -> bool:
        """True when nothing of this run was refused, uncertain or left over."""
        return not self.errors

    def count(self, status: OutboxStatus, error: str | None) -> None:
        """Add one message's outcome."""
        if status == OutboxStatus.SENT:
            self.sent += 1
        elif status == OutboxStatus.PENDING:
            self.retried += 1
        elif status == OutboxStatus.FAILED:
            self.failed += 1
        elif status == OutboxStatus.UNCERTAIN:
            self.uncertain += 1
        if error:
            self.errors.append(error)


# --- Running the sender -----------------------------------------------------------


def send_pending(
    db: Database,
    *,
    smtp: SmtpSettings,
    policy: DeliveryPolicy | None = None,
    clock: Clock = utcnow,
) -> DeliveryReport:
    """Send every message that is due, over one SMTP connection if it lasts.

    Raises SmtpUnavailableError when the server cannot be reached before
    any message is taken. Losing it later ends the run early; the report
    says so and the messages left wait for the next run.
    """
    policy = policy or DeliveryPolicy()
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    report = DeliveryReport()
    settled = settle_expired_leases(db, policy, clock())
    report.failed += settled[OutboxStatus.FAILED]
    report.uncertain += settled[OutboxStatus.UNCERTAIN]
    if settled[OutboxStatus.UNCERTAIN]:
        report.errors.append(INTERRUPTED_DURING)
    if settled[OutboxStatus.FAILED]:
        report.errors.append(INTERRUPTED_BEFORE)
    taken = 0
    with smtp_session(smtp) as connection:
        while connection.ready or has_due_message(db, clock()):
            try:
                connection.open()
            except SmtpUnavailableError as unreachable:
                if taken == 0:
                    raise
                report.errors.append(unreachable.message)
                break
            message = claim_next(db, owner=owner, policy=policy, now=clock())
            if message is None:
                break
            taken += 1
            status, problem = deliver(
                db, connection, message, owner=owner, policy=policy, clock=clock
            )
            report.count(status, problem)
    log.info(
        "outbox run: %d sent, %d to retry, %d failed, %d uncertain",
        report.sent,
        report.retried,
        report.failed,
        report.uncertain,
    )
    return report


def deliver(
    db: Database,
    connection: SmtpConnection,
    message: OutboxMessage,
    *,
    owner: str,
    policy: DeliveryPolicy,
    clock: Clock,
) -> tuple[OutboxStatus, str | None]:
    """Take one claimed message through SMTP; return its status and error."""
    assert message.id is not None
    try:
        connection.open_envelope(message.recipient)
        if not hand_over(db, message.id, owner=owner, policy=policy, now=clock()):
            # Another sender settled this message meanwhile: hang up so that
            # the server drops the half-open transaction.
            connection.drop()
            return OutboxStatus.CLAIMED, None
        connection.transmit(compose(message, connection.settings))
    except Refused as refusal:
        log.warning("message %s refused: %s", message.id, refusal.reason)
        status = record_refusal(
            db, message, owner=owner, policy=policy, now=clock(), refusal=refusal
        )
        return status, refusal.reason
    except LostInTransit as lost:
        log.warning("message %s lost in transit: %s", message.id, lost)
        reason = f"{INTERRUPTED_DURING} ({lost})"
        finish(db, message.id, owner=owner, status=OutboxStatus.UNCERTAIN, error=reason)
        return OutboxStatus.UNCERTAIN, reason
    finish(db, message.id, owner=owner, status=OutboxStatus.SENT, sent_at=clock())
    log.info("message %s sent", message.id)
    return OutboxStatus.SENT, None


# --- The states of a message ----------------------------------------------------


def has_due_message(db: Database, now: dt.datetime) -> bool:
    """Tell whether a sender would find something to do."""
    with db.session() as session:
        return session.exec(due(now).limit(1)).first() is not None


def due(now: dt.datetime) -> SelectOfScalar[int | None]:
    """The ids of messages a sender may take now, oldest due first."""
    return (
        select(col(OutboxMessage.id))
        .where(
            col(OutboxMessage.status) == OutboxStatus.PENDING.value,
            or_(
                col(OutboxMessage.next_attempt_at).is_(None),
                col(OutboxMessage.next_attempt_at) <= now,
            ),
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
    )


def claim_next(
    db: Database, *, owner: str, policy: DeliveryPolicy, now: dt.datetime
) -> OutboxMessage | None:
    """Take the next due message under a lease, or return None.

    The claim is a compare-and-set on the status, so two senders never take
    the same message.
    """
    with db.session(write=True) as session:
        for message_id in session.exec(due(now).limit(10)).all():
            claimed = session.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == message_id,
                    col(OutboxMessage.status) == OutboxStatus.PENDING.value,
                )
                .values(
                    status=OutboxStatus.CLAIMED.value,
                    lease_owner=owner,
                    lease_until=now + policy.lease,
                    attempts=col(OutboxMessage.attempts) + 1,
                )
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                return session.get(OutboxMessage, message_id, populate_existing=True)
    return None


def settle_expired_leases(
    db: Database, policy: DeliveryPolicy, now: dt.datetime
) -> dict[OutboxStatus, int]:
    """Settle the messages whose sender stopped before finishing them.

    Returns how many went back to the queue, failed (out of attempts), or
    became uncertain.
    """
    expired = col(OutboxMessage.lease_until) < now
    claimed = col(OutboxMessage.status) == OutboxStatus.CLAIMED.value
    exhausted = col(OutboxMessage.attempts) >= policy.max_attempts
    steps: list[tuple[OutboxStatus, list[Any], dict[str, Any]]] = [
        (
            OutboxStatus.FAILED,
            [claimed, expired, exhausted],
            {"last_error": INTERRUPTED_BEFORE},
        ),
        (
            OutboxStatus.PENDING,
            [claimed, expired],
            {
                "lease_owner": None,
                "lease_until": None,
                "next_attempt_at": now,
                "last_error": INTERRUPTED_BEFORE,
            },
        ),
        (
            OutboxStatus.UNCERTAIN,
            [col(OutboxMessage.status) == OutboxStatus.SENDING.value, expired],
            {"last_error": INTERRUPTED_DURING},
        ),
    ]
    settled: dict[OutboxStatus, int] = {}
    with db.session(write=True) as session:
        for status, where, values in steps:
            result = session.execute(
                update(OutboxMessage)
                .where(*where)
                .values(status=status.value, **values)
            )
            settled[status] = result.rowcount  # type: ignore[attr-defined]
    if any(settled.values()):
        log.warning("expired leases settled: %s", settled)
    return settled


def hand_over(
    db: Database,
    message_id: int,
    *,
    owner: str,
    policy: DeliveryPolicy,
    now: dt.datetime,
) -> bool:
    """Mark a claimed message ``sending``; False if this sender lost it."""
    with db.session(write=True) as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == message_id,
                col(OutboxMessage.status) == OutboxStatus.CLAIMED.value,
                col(OutboxMessage.lease_owner) == owner,
            )
            .values(status=OutboxStatus.SENDING.value, lease_until=now + policy.lease)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def record_refusal(
    db: Database,
    message: OutboxMessage,
    *,
    owner: str,
    policy: DeliveryPolicy,
    now: dt.datetime,
    refusal: Refused,
) -> OutboxStatus:
    """Schedule the next try, or give up after too many or a permanent no."""
    assert message.id is not None
    if refusal.permanent or message.attempts >= policy.max_attempts:
        status = OutboxStatus.FAILED
        finish(db, message.id, owner=owner, status=status, error=refusal.reason)
        return status
    status = OutboxStatus.PENDING
    finish(
        db,
        message.id,
        owner=owner,
        status=status,
        error=refusal.reason,
        next_attempt_at=now + policy.delay_after(message.attempts),
    )
    return status


def finish(
    db: Database,
    message_id: int,
    *,
    owner: str,
    status: OutboxStatus,
    error: str | None = None,
    sent_at: dt.datetime | None = None,
    next_attempt_at: dt.datetime | None = None,
) -> None:
    """Record how a sender's attempt ended, if the message is still its own.

    A message another sender turned ``uncertain`` meanwhile is still this
    sender's to settle: it knows what happened.
    """
    values: dict[str, object] = {
        "status": status.value,
        "lease_owner": None,
        "lease_until": None,
    }
    if error is not None:
        values["last_error"] = error[:ERROR_MAX]
    if sent_at is not None:
        values["sent_at"] = sent_at
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    with db.session(write=True) as session:
        session.execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.id) == message_id,
                col(OutboxMessage.lease_owner) == owner,
                col(OutboxMessage.status).in_(
                    [*IN_FLIGHT, OutboxStatus.UNCERTAIN.value]
                ),
            )
            .values(**values)
        )


# --- Speaking SMTP ------------------------------------------------------------
