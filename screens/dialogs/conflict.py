"""The dialog shown when a save is refused because the account moved on.

It lists, field by field, what was stored meanwhile against what the user
typed, and offers two ways out: reload the stored account, or go back to
editing with the user's own edits kept on top of the stored account.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from amp_tui.alerts import ALERT_KEYS, ALERTS
from amp_tui.snapshots import AccountDraft, AccountSnapshot

ConflictChoice = Literal["reload", "edit"]
"""What the user chose: take the stored account, or keep editing."""

TEXT_FIELDS = (
    ("login", "Identifiant"),
    ("nom", "NOM"),
    ("prenom", "Prénom"),
    ("email", "Adresse électronique"),
    ("telephone", "Téléphone"),
    ("telecopieur", "Télécopieur"),
)
EMPTY = "(vide)"
UNCHANGED = "(non modifié par vous)"


@dataclass(frozen=True)
class Change:
    """One field that changed in the database while the user was editing."""

    label: str
    stored: str
    yours: str


def changes_meanwhile(
    base: AccountSnapshot,
    current: AccountSnapshot,
    mine: AccountDraft,
    service_paths: Mapping[int, str],
) -> list[Change]:
    """Every field stored differently now than when the user started.

    ``base`` is what the user started from, ``current`` what is stored now,
    ``mine`` what the user typed; ``service_paths`` names services by id.
    """
    return list(_changes(base, current, mine, service_paths))


def _changes(
    base: AccountSnapshot,
    current: AccountSnapshot,
    mine: AccountDraft,
    service_paths: Mapping[int, str],
) -> Iterator[Change]:
    start = AccountDraft.from_snapshot(base)
    now = AccountDraft.from_snapshot(current)
    for name, label in TEXT_FIELDS:
        if getattr(start, name) != getattr(now, name):
            yours = _yours(getattr(mine, name), getattr(start, name))
            yield Change(label, getattr(now, name) or EMPTY, yours)
    if base.service_id != current.service_id:
        path = service_paths.get(mine.service_id or -1, "") or EMPTY
        if mine.service_id == base.service_id:
            path = f"{path} {UNCHANGED}"
        yield Change("Service", current.service_path or EMPTY, path)
    for key in ALERT_KEYS:
        if (key in base.alerts) != (key in current.alerts):
            yield Change(
                f"Alerte « {ALERTS[key].label} »",
                _switch(key in current.alerts),
                _yours(_switch(key in mine.alerts), _switch(key in base.alerts)),
            )
    if base.departements != current.departements:
        yield Change(
            "Lieux d'exécution",
            _codes(current.departements),
            _yours(_codes(mine.departements), _codes(base.departements)),
        )
    if base.associations != current.associations:
        yield Change(
            "Comptes associés",
            _associations(current),
            f"{_associations(base)} {UNCHANGED}",
        )


def _yours(value: str, started_from: str) -> str:
    """The user's value, saying so when the user left it as it was."""
    if value == started_from:
        return f"{value or EMPTY} {UNCHANGED}"
    return value or EMPTY


def _switch(on: bool) -> str:
    return "activée" if on else "désactivée"


def _codes(codes: set[str] | frozenset[str]) -> str:
    return " ".join(f"({code})" for code in sorted(codes)) or EMPTY


def _associations(snapshot: AccountSnapshot) -> str:
    items = [f"{item.login} ({item.statut})" for item in snapshot.associations]
    return ", ".join(items) or EMPTY


def merge_edits(
    base: AccountSnapshot, current: AccountSnapshot, mine: AccountDraft
) -> AccountDraft:
    """Put the user's own edits on top of the account stored now.

    A field the user left as it was in ``base`` takes its stored value; a
    field the user changed keeps the user's value. Alerts and places merge
    item by item the same way. The typed password is kept.
    """
    start = AccountDraft.from_snapshot(base)
    merged = AccountDraft.from_snapshot(current)
    for name in (*(name for name, _ in TEXT_FIELDS), "service_id"):
        if getattr(mine, name) != getattr(start, name):
            setattr(merged, name, getattr(mine, name))
    merged.alerts = (merged.alerts | (mine.alerts - start.alerts)) - (
        start.alerts - mine.alerts
    )
    merged.departements = (
        merged.departements | (mine.departements - start.departements)
    ) - (start.departements - mine.departements)
    merged.password = mine.password
    merged.password_confirmation = mine.password_confirmation
    return merged


class ConflictDialog(ModalScreen[ConflictChoice]):
    """Show what changed meanwhile; dismiss with "reload" or "edit"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('reload')", "Recharger"),
        Binding("escape", "choose('edit')", "Reprendre la saisie"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | r | Reload the stored account, dropping the edits. |
    | escape | Close the dialog and go back to editing. |
    """

    DEFAULT_CSS = """
    ConflictDialog {
        align: center middle;
    }
    ConflictDialog > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border: thick $warning;
        background: $panel;
    }
    ConflictDialog .title {
        text-style: bold;
        color: $text-warning;
    }
    ConflictDialog VerticalScroll {
        height: auto;
        max-height: 9;
        margin: 1 0 0 0;
    }
    ConflictDialog .field {
        text-style: bold;
    }
    ConflictDialog .values {
        padding-left: 2;
    }
    ConflictDialog .choices {
        margin-top: 1;
        color: $text-muted;
    }
    ConflictDialog Horizontal {
        height: auto;
        align-horizontal: right;
    }
    ConflictDialog Button {
        margin-left: 2;
    }
    """

    def __init__(self, message: str, changes: list[Change]) -> None:
        """Explain ``message`` and list ``changes``."""
        super().__init__()
        self.message = message
        """Why nothing was saved."""
        self.changes = changes
        """The fields that changed meanwhile."""

    def compose(self) -> ComposeResult:
        """Lay out the explanation, the changes and the two choices."""
        with Vertical():
            yield Label("Compte modifié par ailleurs", classes="title")
            yield Static(f"{self.message} Ce qui a changé entre-temps :")
            with VerticalScroll(can_focus=False):
                if not self.changes:
                    yield Static("Aucun champ affiché n'a changé.", classes="values")
                for change in self.changes:
                    yield Label(change.label, classes="field")
                    yield Static(
                        f"enregistré   : {change.stored}\n"
                        f"votre saisie : {change.yours}",
                        classes="values",
                        markup=False,
                    )
            yield Static(
                "r : recharger le compte enregistré (vos saisies sont abandonnées).\n"
                "Échap : reprendre la saisie ; vos modifications sont conservées et "
                "les autres champs prennent les valeurs enregistrées.",
                classes="choices",
            )
            with Horizontal():
                yield Button("Recharger", id="reload", variant="warning", compact=True)
                yield Button(
                    "Reprendre la saisie", id="edit", variant="primary", compact=True
                )

    def on_mount(self) -> None:
        """Start on the choice that loses nothing."""
        self.query_one("#edit", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Choose with a button."""
        event.stop()
        self.dismiss("reload" if event.button.id == "reload" else "edit")

    def action_choose(self, choice: ConflictChoice) -> None:
        """Choose from the keyboard."""
        self.dismiss(choice)
