"""Ask for the identifiant and password of the account to associate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from amp_tui.validation import LOGIN_MAX, PASSWORD_MAX


@dataclass(frozen=True)
class AssociationRequest:
    """The account to associate, and the proof that the agent controls it."""

    login: str
    password: str | None


class AssociateDialog(ModalScreen[AssociationRequest | None]):
    """Identifiant and mot de passe of another account; None when cancelled.

    Support staff may leave the password empty: they associate directly.

    | Key(s) | Description |
    | :- | :- |
    | enter | Move to the next field, then associate. |
    | escape | Close without associating. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler"),
    ]

    DEFAULT_CSS = """
    AssociateDialog {
        align: center middle;
    }
    AssociateDialog > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $accent;
        background: $panel;
    }
    AssociateDialog .title {
        text-style: bold;
        margin-bottom: 1;
    }
    AssociateDialog .note {
        color: $text-muted;
        margin-bottom: 1;
    }
    AssociateDialog Input {
        margin-bottom: 1;
    }
    AssociateDialog Horizontal {
        height: auto;
        align-horizontal: right;
    }
    AssociateDialog Button {
        margin-left: 2;
    }
    """

    def __init__(self, *, support: bool) -> None:
        """Ask for a password unless ``support`` staff may skip it."""
        super().__init__()
        self.support = support
        """True when the password is optional."""

    def compose(self) -> ComposeResult:
        """The two fields and the buttons."""
        note = (
            "Support : laissez le mot de passe vide pour associer directement."
            if self.support
            else "Le mot de passe de l'autre compte prouve que vous en avez "
            "l'usage ; l'association est alors approuvée."
        )
        with Vertical():
            yield Label("Associer un compte", classes="title")
            yield Static(note, classes="note")
            yield Label("Identifiant *")
            yield Input(id="login", max_length=LOGIN_MAX, compact=True)
            yield Label("Mot de passe" + ("" if self.support else " *"))
            yield Input(
                id="password", password=True, max_length=PASSWORD_MAX, compact=True
            )
            with Horizontal():
                yield Button("Annuler", id="cancel", compact=True)
                yield Button(
                    "Associer", id="associate", variant="primary", compact=True
                )

    def on_mount(self) -> None:
        """Start in the identifiant."""
        self.query_one("#login", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves from the identifiant to the password, then submits."""
        event.stop()
        if event.input.id == "login":
            self.query_one("#password", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Associate or cancel."""
        event.stop()
        if event.button.id == "associate":
            self.submit()
        else:
            self.dismiss(None)

    def submit(self) -> None:
        """Return the request, once an identifiant is given."""
        login = self.query_one("#login", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not login:
            self.notify("Saisissez l'identifiant du compte.", severity="warning")
            self.query_one("#login", Input).focus()
            return
        if not password and not self.support:
            self.notify("Saisissez le mot de passe du compte.", severity="warning")
            self.query_one("#password", Input).focus()
            return
        self.dismiss(AssociationRequest(login, password or None))

    def action_cancel(self) -> None:
        """Close without associating."""
        self.dismiss(None)
