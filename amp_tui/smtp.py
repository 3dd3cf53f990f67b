"""Speaking SMTP for the outbox, in two steps a sender can record between.

``open_envelope`` goes as far as the ``DATA`` command, so that nothing of
the message has reached the server when it returns; ``transmit`` then sends
the text. Each failure says which side of that line it happened on:
``Refused`` before (the message can be sent again), ``LostInTransit`` after
(the server may hold it). Replies in the 5xx range are permanent refusals.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime

from amp_tui.errors import AmpError
from amp_tui.models import OutboxMessage

# Limitation: no STARTTLS and no authentication. amp-tui hands its mail to a
# relay it trusts (usually on the same host), which does both if needed.


class SmtpUnavailableError(AmpError):
    """The SMTP server cannot be reached; no message was touched."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom messages are sent."""

    host: str = "localhost"
    port: int = 25
    sender: str = "ne-pas-repondre@localhost"
    timeout: float = 30.0

    @property
    def address(self) -> str:
        """``host:port``, for messages."""
        return f"{self.host}:{self.port}"


class Refused(Exception):
    """The server said no, or the exchange broke before the hand-over."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class LostInTransit(Exception):
    """The connection broke after the text was handed over."""


def compose(message: OutboxMessage, settings: SmtpSettings) -> bytes:
    """The message as sent: French text, UTF-8, the same Message-ID every try."""
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = settings.sender.rpartition("@")[2] or "localhost"
    stamp = message.created_at.strftime("%Y%m%d%H%M%S%f")
    email["Message-ID"] = f"<amp-tui.outbox.{message.id}.{stamp}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body, cte="quoted-printable")
    return email.as_bytes(policy=SMTP_POLICY)


class SmtpConnection:
    """One connection to the SMTP server, opened when first needed.

    Replies become ``Refused`` (permanent for 5xx) before the text is handed
    over, and ``LostInTransit`` when the connection breaks during it.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        """Where and as whom to send."""
        self.client: smtplib.SMTP | None = None
        self.awaiting_text = False
        """True between the server's 354 and the end of the text."""

    @property
    def ready(self) -> bool:
        """True while a connection is open."""
        return self.client is not None

    def open(self) -> None:
        """Connect if not connected; raise SmtpUnavailableError on failure."""
        if self.client is not None:
            return
        try:
            self.client = smtplib.SMTP(
                self.settings.host, self.settings.port, timeout=self.settings.timeout
            )
            self.client.ehlo_or_helo_if_needed()
        except (OSError, smtplib.SMTPException) as error:
            self.drop()
            raise SmtpUnavailableError(
                f"Serveur SMTP injoignable ({self.settings.address}) : "
                f"{describe(error)} ; les messages restent en attente."
            ) from error

    def open_envelope(self, recipient: str) -> None:
        """Name sender and recipient, then open the text (MAIL, RCPT, DATA).

        Nothing of the message has reached the server when this returns.
        """
        client = self.connected()
        options = [] if recipient.isascii() else ["SMTPUTF8"]
        try:
            client.rset()
            code, text = client.mail(self.settings.sender, options)
            if code == 250:
                code, text = client.rcpt(recipient)
            if code in (250, 251):
                code, text = client.docmd("DATA")
            if code != 354:
                self.drop_if_closing(code)
                raise Refused(refusal_text(code, text), permanent=code >= 500)
            self.awaiting_text = True
        except smtplib.SMTPNotSupportedError as error:
            raise Refused(
                "Le serveur SMTP n'accepte pas les adresses internationalisées.",
                permanent=True,
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            self.drop()
            raise Refused(f"Connexion SMTP interrompue : {describe(error)}") from error

    def transmit(self, payload: bytes) -> None:
        """Send the text and its final dot; return once the server took it."""
        client = self.connected()
        # Dot-stuffing (RFC 5321, 4.5.2): a line starting with a dot gets
        # another one, so that no line of the text ends it early.
        stuffed = re.sub(rb"(?m)^\.", b"..", payload)
        if not stuffed.endswith(b"\r\n"):
            stuffed += b"\r\n"
        try:
            client.send(stuffed + b".\r\n")
            self.awaiting_text = False
            code, text = client.getreply()
        except (OSError, smtplib.SMTPException) as error:
            self.drop()
            raise LostInTransit(describe(error)) from error
        if code != 250:
            # The server answered: it refused the text and keeps nothing.
            self.drop_if_closing(code)
            raise Refused(refusal_text(code, text), permanent=code >= 500)

    def connected(self) -> smtplib.SMTP:
        """The open client; the caller opened it."""
        if self.client is None:
            raise Refused("Connexion SMTP fermée.")
        return self.client

    def drop_if_closing(self, code: int) -> None:
        """After 421 the server closes the connection: start a new one."""
        if code == 421:
            self.drop()

    def drop(self) -> None:
        """Hang up at once; a server waiting for text then drops it."""
        self.awaiting_text = False
        if self.client is not None:
            try:
                self.client.close()
            finally:
                self.client = None

    def close(self) -> None:
        """Say goodbye if the server listens for commands, then hang up."""
        if self.client is not None and not self.awaiting_text:
            with suppress(OSError, smtplib.SMTPException):
                self.client.quit()
        self.drop()


@contextmanager
def smtp_session(settings: SmtpSettings) -> Iterator[SmtpConnection]:
    """A connection that is closed however the run ends."""
    connection = SmtpConnection(settings)
    try:
        yield connection
    finally:
        connection.close()


def refusal_text(code: int, text: bytes | str) -> str:
    """A server's refusal, for the message's ``last_error``."""
    reply = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"Refus du serveur SMTP ({code} {reply.strip()})"


def describe(error: BaseException) -> str:
    """A short description of a network error."""
    return str(error) or type(error).__name__
