"""The ``consultation`` and ``outbox`` commands of ``amp-tui``.

``add_commands`` registers them on the main parser's subcommands; each
handler takes the parsed arguments and returns the exit code, like those of
``amp_tui.cli``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from amp_tui import cli
from amp_tui.errors import AmpError, FieldErrors
from amp_tui.models import Phase

SMTP_VARIABLE = "AMP_TUI_SMTP"
SENDER_VARIABLE = "AMP_TUI_SMTP_FROM"
DEFAULT_SMTP = "localhost:25"
DEFAULT_SENDER = "ne-pas-repondre@localhost"

CONSULTATION_LABELS = {
    "reference": "Référence",
    "title": "Intitulé",
    "procedure": "Procédure",
    "category": "Catégorie",
    "phase": "Phase",
    "date_limite": "Date limite",
    "createur": "Créateur",
    "entite": "Entité",
    "evenement": "Événement",
}


def add_commands(commands: Any) -> None:
    """Register ``consultation`` and ``outbox`` on the main subparsers."""
    from amp_tui.notifications import CONSULTATION_EVENTS

    consultation = commands.add_parser(
        "consultation", help="consultations et favoris"
    ).add_subparsers(dest="consultation_command", metavar="ACTION", required=True)
    create = consultation.add_parser(
        "create", help="créer une consultation (favoris automatiques en phase E)"
    )
    create.add_argument("reference", metavar="REFERENCE")
    create.add_argument("--titre", required=True)
    create.add_argument("--entite", metavar="SIGLE")
    create.add_argument("--createur", metavar="LOGIN")
    create.add_argument(
        "--phase", choices=[phase.value for phase in Phase], default="E"
    )
    create.add_argument(
        "--date-limite", metavar="AAAA-MM-JJTHH:MM", help="heure de Paris par défaut"
    )
    create.add_argument("--procedure", default="Appel d'offres ouvert")
    create.add_argument("--categorie", default="Services")
    create.add_argument("--allotie", action="store_true")
    create.add_argument("--objet", default="")
    create.set_defaults(handler=consultation_create)
    event = consultation.add_parser(
        "event", help="signaler un événement et prévenir qui suit la consultation"
    )
    event.add_argument("reference", metavar="REFERENCE")
    event.add_argument("kind", metavar="KIND", choices=CONSULTATION_EVENTS)
    event.set_defaults(handler=consultation_event)

    outbox = commands.add_parser("outbox", help="alertes à envoyer").add_subparsers(
        dest="outbox_command", metavar="ACTION", required=True
    )
    send = outbox.add_parser("send", help="envoyer les alertes en attente")
    send.add_argument(
        "--smtp",
        metavar="HOST:PORT",
        help=f"serveur SMTP (sinon {SMTP_VARIABLE}, sinon {DEFAULT_SMTP})",
    )
    send.add_argument(
        "--from",
        dest="sender",
        metavar="ADRESSE",
        help=f"expéditeur (sinon {SENDER_VARIABLE}, sinon {DEFAULT_SENDER})",
    )
    send.add_argument(
        "--lease",
        type=float,
        default=300.0,
        metavar="SECONDES",
        help="durée de réservation d'un message par cet envoi",
    )
    send.set_defaults(handler=outbox_send)
    listing = outbox.add_parser("list", help="messages non envoyés, avec la raison")
    listing.add_argument(
        "--all", action="store_true", help="aussi les messages envoyés"
    )
    listing.set_defaults(handler=outbox_list)
    retry = outbox.add_parser("retry", help="relancer un message en échec ou incertain")
    retry.add_argument("message_id", type=int, metavar="ID")
    retry.set_defaults(handler=outbox_retry)


def consultation_create(args: argparse.Namespace) -> int:
    """Create a consultation and report who follows it."""
    from amp_tui.auto_favourites import create_consultation

    db = cli.open_database(args)
    with french_field_errors():
        created = create_consultation(
            db,
            actor=cli.cli_actor(),
            reference=args.reference,
            title=args.titre,
            entite=args.entite,
            creator_login=args.createur,
            phase=args.phase,
            deadline=parse_deadline(args.date_limite),
            procedure=args.procedure,
            category=args.categorie,
            allotie=args.allotie,
            objet=args.objet,
        )
    followers = ", ".join(created.favourite_of) or "personne"
    print(f"Consultation {created.card.reference} créée ; favorite de : {followers}.")
    return 0


def consultation_event(args: argparse.Namespace) -> int:
    """Record an event on a consultation and queue its alerts."""
    from amp_tui.consultations import record_event

    db = cli.open_database(args)
    with french_field_errors():
        notified = record_event(db, reference=args.reference, kind=args.kind)
    print(
        f"{len(notified)} alerte(s) en attente d'envoi"
        + (f" : {', '.join(notified)}." if notified else ".")
    )
    return 0


def outbox_send(args: argparse.Namespace) -> int:
    """Send the due messages; exit 1 when any was refused or left uncertain."""
    from amp_tui.outbox import DeliveryPolicy, send_pending
    from amp_tui.smtp import SmtpSettings

    host, port = parse_smtp(args.smtp or os.environ.get(SMTP_VARIABLE) or DEFAULT_SMTP)
    sender = args.sender or os.environ.get(SENDER_VARIABLE) or DEFAULT_SENDER
    if args.lease <= 0:
        raise AmpError("--lease attend un nombre de secondes positif.")
    db = cli.open_database(args)
    report = send_pending(
        db,
        smtp=SmtpSettings(host=host, port=port, sender=sender),
        policy=DeliveryPolicy(lease=dt.timedelta(seconds=args.lease)),
    )
    print(
        f"{report.sent} envoyé(s), {report.retried} à réessayer, "
        f"{report.failed} en échec, {report.uncertain} incertain(s)."
    )
    if report.all_sent:
        return 0
    print(
        f"amp-tui: {report.errors[-1]} ; voir « amp-tui outbox list ».",
        file=sys.stderr,
    )
    return 1


def outbox_list(args: argparse.Namespace) -> int:
    """Print the messages not sent yet (or all), newest first, with reasons."""
    from amp_tui.models import OutboxStatus
    from amp_tui.outbox_review import list_messages

    db = cli.open_database(args)
    statuses = None if args.all else [s for s in OutboxStatus if s != OutboxStatus.SENT]
    entries = list_messages(db, actor=cli.cli_actor(), statuses=statuses)
    if not entries:
        print("Aucun message." if args.all else "Aucun message en attente.")
    for entry in entries:
        created = entry.created_at.astimezone().strftime("%d/%m/%Y %H:%M")
        print(
            f"{entry.id:>6}  {entry.status_label:<16}  {entry.attempts} essai(s)  "
            f"{created}  {entry.kind}  {entry.recipient}  {entry.subject}"
        )
        if entry.last_error:
            print(f"        raison : {entry.last_error}")
    return 0


def outbox_retry(args: argparse.Namespace) -> int:
    """Put a failed or uncertain message back in the queue."""
    from amp_tui.outbox_review import requeue_message

    db = cli.open_database(args)
    entry = requeue_message(db, actor=cli.cli_actor(), message_id=args.message_id)
    print(f"Message {entry.id} remis en attente d'envoi.")
    return 0


def parse_smtp(value: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[::1]:25`` for IPv6) into its parts."""
    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise AmpError(
            f"--smtp attend HOTE:PORT, par exemple localhost:25 (reçu « {value} »)."
        )
    return host, int(port)


def parse_deadline(value: str | None) -> dt.datetime | None:
    """Read an ISO date and time; without an offset it is Paris time."""
    from amp_tui.notifications import PLATFORM_TIMEZONE

    if value is None:
        return None
    try:
        deadline = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise AmpError(
            f"--date-limite attend AAAA-MM-JJTHH:MM (reçu « {value} »)."
        ) from error
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=PLATFORM_TIMEZONE)
    return deadline


@contextmanager
def french_field_errors() -> Iterator[None]:
    """Re-raise FieldErrors with the French names of the consultation fields."""
    try:
        yield
    except FieldErrors as error:
        raise AmpError(
            " ; ".join(
                f"{CONSULTATION_LABELS.get(name, name)} : {message}"
                for name, message in error.errors.items()
            )
        ) from error
