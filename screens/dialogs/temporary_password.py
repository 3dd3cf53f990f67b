"""The one time a temporary password is shown, after support staff reset it.

The password lives only in this dialog: it is not logged, not put in a
notification, and forgotten when the dialog closes.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class TemporaryPasswordDialog(ModalScreen[None]):
    """Show an account's new temporary password, once.

    | Key(s) | Description |
    | :- | :- |
    | enter, escape | Close the dialog; the password is not shown again. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Fermer"),
    ]

    DEFAULT_CSS = """
    TemporaryPasswordDialog {
        align: center middle;
    }
    TemporaryPasswordDialog > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $warning;
        background: $panel;
    }
    TemporaryPasswordDialog .title {
        text-style: bold;
        width: 100%;
        margin-bottom: 1;
    }
    TemporaryPasswordDialog #temporary-password {
        width: 100%;
        content-align: center middle;
        text-style: bold reverse;
        margin: 1 0;
    }
    TemporaryPasswordDialog Horizontal {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    """

    def __init__(self, login: str, password: str) -> None:
        """Show ``password``, just given to the account ``login``."""
        super().__init__()
        self.login = login
        """The account whose password was reset."""
        self._password = password

    def compose(self) -> ComposeResult:
        """Lay out the explanation, the password and the button."""
        with Vertical():
            yield Label("Mot de passe temporaire", classes="title")
            yield Static(
                f"Nouveau mot de passe du compte « {self.login} » :", markup=False
            )
            yield Static(self._password, id="temporary-password", markup=False)
            yield Static(
                "Notez-le et transmettez-le à l'agent : il ne sera plus affiché. "
                "L'agent le remplace dans Mes coordonnées après s'être connecté.",
                markup=False,
            )
            with Horizontal():
                yield Button("J'ai noté le mot de passe", id="close", variant="primary")

    def on_mount(self) -> None:
        """Enter closes the dialog through its button."""
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The button closes the dialog."""
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        """Close, forgetting the password."""
        self._password = ""
        self.dismiss()
