"""The audit trail of one account: who changed what, when, newest first.

Each event shows its date and time, the agent who acted and the action,
then one line per changed field with its old and new values. Passwords are
never stored in the trail, so a password change reads only « modifié ».
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from amp_tui.accounts import list_services, load_account
from amp_tui.audit import AuditEntry, list_events, show
from amp_tui.database import Database
from amp_tui.errors import AmpError
from amp_tui.snapshots import AccountSnapshot, Actor
from amp_tui.validation import format_phone
from screens.commands import PaletteCommand, ScreenCommands

log = logging.getLogger(__name__)

ACTIONS = {
    "creation": "Création du compte",
    "modification": "Modification",
    "deverrouillage": "Déverrouillage",
    "reinitialisation_mot_de_passe": "Réinitialisation du mot de passe",
    "association": "Association de comptes",
    "dissociation": "Dissociation de comptes",
}
"""French names of the actions the services record."""

FIELDS = {
    "login": "Identifiant",
    "nom": "NOM",
    "prenom": "Prénom",
    "email": "Adresse électronique",
    "telephone": "Téléphone",
    "telecopieur": "Télécopieur",
    "service": "Service",
    "mot_de_passe": "Mot de passe",
    "lieux_execution": "Lieux d'exécution",
    "comptes_associes": "Comptes associés",
    "verrouille": "Verrouillé",
}
"""French labels of the fields recorded in the trail."""

UNEXPECTED = (
    "Erreur inattendue : les modifications du compte n'ont pas pu être lues. "
    "Le détail est dans le journal."
)


def field_label(name: str) -> str:
    """The French label of a recorded field; alerts by their stable key."""
    if name.startswith("alertes."):
        return f"Alerte [{name.removeprefix('alertes.')}]"
    return FIELDS.get(name, name)


def field_value(name: str, value: Any, services: Mapping[int, str]) -> str:
    """An old or new value as people read it."""
    if name == "service" and isinstance(value, int):
        return services.get(value, f"service n° {value}")
    if name in ("telephone", "telecopieur") and isinstance(value, str):
        return format_phone(value) or show(value)
    return show(value)


def describe(entry: AuditEntry, services: Mapping[int, str]) -> Text:
    """One event: a heading line, then one line per changed field."""
    stamp = entry.at.astimezone().strftime("%d/%m/%Y %H:%M:%S")
    text = Text()
    text.append(stamp, style="bold")
    text.append(f"  {ACTIONS.get(entry.action, entry.action)}", style="bold")
    text.append(f"  par {entry.actor}")
    for name, change in sorted(entry.changes.items()):
        label = field_label(name)
        if change.get("changed"):
            line = f"{label} : modifié"
        else:
            old = field_value(name, change.get("old"), services)
            new = field_value(name, change.get("new"), services)
            line = f"{label} : {old} → {new}"
        text.append(f"\n  {line}")
    return text


class AuditScreen(Screen[None]):
    """The audit trail of one account, newest event first.

    | Key(s) | Description |
    | :- | :- |
    | up, down, pageup, pagedown | Move through the events. |
    | escape, f7 | Close the trail. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f7", "close", "Fermer le journal"),
    ]

    COMMANDS: ClassVar = {ScreenCommands}
    HELP_GROUP = "Journal"
    """The heading of this screen's own keys in the help."""

    DEFAULT_CSS = """
    AuditScreen #audit-title {
        width: 100%;
        padding: 0 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    AuditScreen #audit-account, AuditScreen #audit-status {
        width: 100%;
        padding: 0 1;
    }
    AuditScreen #audit-status {
        color: $text-muted;
    }
    AuditScreen #audit-status.-problem {
        color: $text-warning;
        text-style: bold;
    }
    AuditScreen OptionList {
        height: 1fr;
    }
    """

    def __init__(self, db: Database, actor: Actor, agent_id: int) -> None:
        """Show the trail of account ``agent_id``, read as ``actor``."""
        super().__init__()
        self.db = db
        """Where the trail is read."""
        self.actor = actor
        """Who reads it; they must be allowed to see the account."""
        self.agent_id = agent_id
        """The account whose trail is shown."""

    def compose(self) -> ComposeResult:
        """Lay out the title, the account, a status line and the events."""
        yield Label("Journal des modifications", id="audit-title")
        yield Label("", id="audit-account", markup=False)
        yield Static("Lecture du journal…", id="audit-status", markup=False)
        yield OptionList(id="audit-events", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Read the trail off the UI thread."""
        self.query_one(OptionList).focus()
        self.read_trail()

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def read_trail(self) -> None:
        """Read the account, its services and its events."""
        call = self.app.call_from_thread
        try:
            snapshot = load_account(self.db, actor=self.actor, agent_id=self.agent_id)
            # Limitation: every event of the account is read at once. An
            # account has a few events a year, so this stays small; one with
            # tens of thousands would make the trail slow to open.
            entries = list_events(self.db, login=snapshot.login)
            nodes = list_services(self.db, entity_id=snapshot.entity_id)
        except AmpError as error:
            call(self.failed, error.message)
        except Exception:
            log.exception("unexpected failure while reading the audit trail")
            call(self.failed, UNEXPECTED)
        else:
            services = {node.id: node.path for node in nodes}
            call(self.show_trail, snapshot, entries, services)

    def show_trail(
        self,
        snapshot: AccountSnapshot,
        entries: list[AuditEntry],
        services: Mapping[int, str],
    ) -> None:
        """List the events, newest first."""
        self.query_one("#audit-account", Label).update(
            f"Compte : {snapshot.login} - {snapshot.nom} {snapshot.prenom} "
            f"({snapshot.entity_sigle})"
        )
        count = len(entries)
        self.set_status(
            "Aucune modification enregistrée pour ce compte."
            if not entries
            else f"{count} événement{'s' if count > 1 else ''}, du plus récent "
            "au plus ancien."
        )
        options: list[Option | None] = []
        for entry in reversed(entries):
            if options:
                options.append(None)  # a rule between two events
            options.append(Option(describe(entry, services)))
        events = self.query_one(OptionList)
        events.set_options(options)
        if entries:
            events.highlighted = 0

    def failed(self, message: str) -> None:
        """Say why the trail could not be read."""
        self.set_status(message, problem=True)

    def set_status(self, text: str, *, problem: bool = False) -> None:
        """Update the line above the events."""
        status = self.query_one("#audit-status", Static)
        status.update(text)
        status.set_class(problem, "-problem")

    def action_close(self) -> None:
        """Back to where the trail was opened from."""
        self.dismiss()

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """The trail's one action, for the command palette."""
        yield PaletteCommand(
            "Fermer le journal",
            "Revenir à l'écran précédent (Échap)",
            self.action_close,
        )
