"""Sending alerts to a real SMTP server on 127.0.0.1, started by each test.

The server (aiosmtpd) records what it accepts and can be told to refuse,
or to kill the sender at a chosen step, so that every path of the outbox is
exercised against the real protocol and a real ``amp-tui`` process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import col, select

from amp_tui.consultations import record_event
from amp_tui.database import Database
from amp_tui.models import OutboxMessage, utcnow
from amp_tui.outbox import DeliveryPolicy, send_pending
from amp_tui.outbox_review import NEEDS_ATTENTION, list_messages, requeue_message
from amp_tui.smtp import SmtpSettings, SmtpUnavailableError
from tests.consultation_factories import (
    add_buyer,
    add_consultation,
    add_entity_under,
    star,
)
from tests.factories import SUPPORT

KIND = "reponse_electronique"
SENDER = "alertes@amp.example.fr"


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps what it accepts and obeys the test.

    ``refuse`` answers RCPT with that reply; ``delay`` slows every accepted
    message down. ``kill_at`` names a step
    (``RCPT`` or ``DATA``) and a message number: when the server reaches
    it, it SIGKILLs ``victim``; at ``DATA`` the message is already kept.
    """

    received: list[EmailMessage] = field(default_factory=list)
    refuse: str | None = None
    delay: float = 0.0
    kill_at: tuple[str, int] | None = None
    victim: subprocess.Popen[str] | None = None
    counts: dict[str, int] = field(default_factory=lambda: {"RCPT": 0, "DATA": 0})

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse:
            return self.refuse
        await self.step("RCPT")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        del message["X-Rcpt"]
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.received.append(message)
        await self.step("DATA")
        await asyncio.sleep(self.delay)
        return "250 OK"

    async def step(self, name: str) -> None:
        self.counts[name] += 1
        if self.kill_at == (name, self.counts[name]):
            while self.victim is None:
                await asyncio.sleep(0.01)
            os.kill(self.victim.pid, signal.SIGKILL)
            await asyncio.sleep(0.2)

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.received]

    def recipients(self) -> list[str]:
        return [str(message["X-Rcpt"]) for message in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, SmtpSettings]]:
    """A running SMTP server on 127.0.0.1 and the settings to reach it."""
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, SmtpSettings(host="127.0.0.1", port=port, sender=SENDER, timeout=10)
    controller.stop()


def queue_alerts(db: Database, count: int) -> list[str]:
    """Queue ``count`` alerts through a real event; return their recipients."""
    add_entity_under(db, "CEA")
    add_consultation(db, "JLV770", "CEA")
    logins = [f"abonne{number:02d}" for number in range(1, count + 1)]
    for login in logins:
        add_buyer(db, login, "CEA", alerts=[KIND])
        star(db, login, "JLV770")
    record_event(db, reference="JLV770", kind=KIND)
    return [f"{login}@example.fr" for login in logins]


def rows(db: Database) -> list[OutboxMessage]:
    with db.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def amp_tui(db: Database, *args: str) -> list[str]:
    url = db.url.render_as_string(hide_password=False)
    return [sys.executable, "-m", "amp_tui", "--database-url", url, *args]


# --- Delivery ---------------------------------------------------------------------


def test_each_alert_reaches_its_recipient_once_with_its_subject(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    expected = queue_alerts(db, 3)

    first = send_pending(db, smtp=settings)
    second = send_pending(db, smtp=settings)

    assert (first.sent, first.all_sent, second.sent) == (3, True, 0)
    assert sorted(server.recipients()) == expected
    assert set(server.subjects()) == {
        "Réponse électronique reçue : JLV770 | Consultation JLV770"
    }
    assert {str(m["From"]) for m in server.received} == {SENDER}
    assert "Bonjour Jeanne DUPONT," in server.received[0].get_content()
    assert [row.status for row in rows(db)] == ["sent"] * 3


def test_the_command_sends_and_says_how_many(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    queue_alerts(db, 2)

    run = subprocess.run(
        amp_tui(db, "outbox", "send", "--smtp", settings.address, "--from", SENDER),
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("2 envoyé(s), 0 à réessayer")
    assert len(server.received) == 2


# --- Refusals and retries ---------------------------------------------------------


def test_a_refusing_server_keeps_the_reason_and_gets_the_message_once_it_recovers(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    queue_alerts(db, 1)
    server.refuse = "451 4.3.0 Boîte pleine, réessayez plus tard"
    start = utcnow()

    refused = send_pending(db, smtp=settings, clock=lambda: start)
    server.refuse = None
    too_soon = send_pending(
        db, smtp=settings, clock=lambda: start + dt.timedelta(seconds=30)
    )
    later = send_pending(
        db, smtp=settings, clock=lambda: start + dt.timedelta(minutes=2)
    )

    assert (refused.retried, too_soon.sent, later.sent) == (1, 0, 1)
    assert "451" in refused.errors[0]
    (row,) = rows(db)
    assert (row.status, row.attempts) == ("sent", 2)
    assert row.last_error is not None and "451 4.3.0" in row.last_error
    assert len(server.received) == 1


def test_retries_wait_longer_each_time_then_the_message_is_left_for_support(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    queue_alerts(db, 1)
    server.refuse = "451 4.7.1 Greylisted"
    rules = DeliveryPolicy(max_attempts=3)
    now = utcnow()
    waits = []

    for _ in range(3):
        send_pending(db, smtp=settings, policy=rules, clock=lambda at=now: at)
        (row,) = rows(db)
        if row.next_attempt_at is not None and row.status == "pending":
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at

    (row,) = rows(db)
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2)]
    assert (row.status, row.attempts) == ("failed", 3)
    stuck = list_messages(db, actor=SUPPORT, statuses=NEEDS_ATTENTION)
    assert [(entry.id, entry.status_label) for entry in stuck] == [(row.id, "en échec")]
    assert stuck[0].last_error is not None and "Greylisted" in stuck[0].last_error
    assert server.received == []


def test_support_sees_a_failed_message_and_sends_it_again(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    queue_alerts(db, 1)
    server.refuse = "550 5.1.1 Destinataire inconnu"
    send_pending(db, smtp=settings)
    (row,) = rows(db)
    assert row.id is not None

    listed = subprocess.run(
        amp_tui(db, "outbox", "list"), capture_output=True, text=True, check=False
    )
    requeue_message(db, actor=SUPPORT, message_id=row.id)
    server.refuse = None
    send_pending(db, smtp=settings)

    # A permanent refusal (5xx) is not retried on its own.
    assert (row.status, row.attempts) == ("failed", 1)
    assert "en échec" in listed.stdout
    assert "raison : Refus du serveur SMTP (550 5.1.1 Destinataire inconnu)" in (
        listed.stdout
    )
    assert len(server.received) == 1
    assert rows(db)[0].status == "sent"


def test_an_unreachable_server_leaves_every_message_untouched(db: Database) -> None:
    queue_alerts(db, 2)
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)

    with pytest.raises(SmtpUnavailableError):
        send_pending(db, smtp=settings)
    run = subprocess.run(
        amp_tui(db, "outbox", "send", "--smtp", settings.address),
        capture_output=True,
        text=True,
        check=False,
    )

    assert run.returncode == 1
    assert run.stderr.startswith(
        f"amp-tui: Serveur SMTP injoignable ({settings.address})"
    )
    assert len(run.stderr.strip().splitlines()) == 1
    assert [(row.status, row.attempts) for row in rows(db)] == [("pending", 0)] * 2


# --- A sender killed mid-run ---------------------------------------------------------


def run_killed_sender(
    db: Database, server: Mailbox, settings: SmtpSettings, kill_at: tuple[str, int]
) -> None:
    """Start ``amp-tui outbox send`` and let the server SIGKILL it at ``kill_at``."""
    server.kill_at = kill_at
    sender = subprocess.Popen(
        amp_tui(db, "outbox", "send", "--smtp", settings.address, "--lease", "2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    server.victim = sender
    assert sender.wait(timeout=60) == -signal.SIGKILL
    server.kill_at = None
    time.sleep(2.5)  # let the dead sender's lease run out


def test_a_sender_killed_before_handing_over_a_message_sends_it_later_once(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    expected = queue_alerts(db, 5)

    run_killed_sender(db, server, settings, ("RCPT", 3))
    restarted = subprocess.run(
        amp_tui(db, "outbox", "send", "--smtp", settings.address),
        capture_output=True,
        text=True,
        check=False,
    )

    assert restarted.returncode == 0, restarted.stderr
    assert sorted(server.recipients()) == expected
    assert [row.status for row in rows(db)] == ["sent"] * 5


def test_a_sender_killed_after_handing_over_a_message_never_sends_it_twice(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    expected = queue_alerts(db, 5)

    run_killed_sender(db, server, settings, ("DATA", 2))
    restarted = subprocess.run(
        amp_tui(db, "outbox", "send", "--smtp", settings.address),
        capture_output=True,
        text=True,
        check=False,
    )
    listed = subprocess.run(
        amp_tui(db, "outbox", "list"), capture_output=True, text=True, check=False
    )

    # The server kept message 2 before the sender died: it is received once,
    # and left "uncertain" for support staff rather than sent again.
    assert sorted(server.recipients()) == expected
    assert [row.status for row in rows(db)] == [
        "sent",
        "uncertain",
        "sent",
        "sent",
        "sent",
    ]
    assert restarted.returncode == 1
    assert "incertain" in listed.stdout
    assert "le serveur a pu recevoir le message" in listed.stdout


def test_two_senders_at_once_send_each_message_once(
    db: Database, mailbox: tuple[Mailbox, SmtpSettings]
) -> None:
    server, settings = mailbox
    expected = queue_alerts(db, 12)
    server.delay = 0.2  # long enough for both senders to be at work together

    senders = [
        subprocess.Popen(
            amp_tui(db, "outbox", "send", "--smtp", settings.address),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=120) for sender in senders]

    assert [sender.returncode for sender in senders] == [0, 0], outputs
    shares = [int(stdout.split()[0]) for stdout, _ in outputs]
    assert sum(shares) == 12 and min(shares) > 0
    assert sorted(server.recipients()) == expected
    assert [row.status for row in rows(db)] == ["sent"] * 12
