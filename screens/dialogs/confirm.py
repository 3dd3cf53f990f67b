"""A yes/no question in a modal dialog, answered with one key."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ConfirmDialog(ModalScreen[bool]):
    """Ask a question; dismiss with True for yes and False for no.

    The focus starts on `Non`, so that a stray `Enter` changes nothing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o,y", "answer(True)", "Oui"),
        Binding("n", "answer(False)", "Non"),
        Binding("escape", "answer(False)", "Annuler"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | o, y | Answer yes. |
    | n | Answer no. |
    | escape | Answer no and close the dialog. |
    """

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
    }
    ConfirmDialog > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $warning;
        background: $panel;
    }
    ConfirmDialog .title {
        text-style: bold;
        width: 100%;
        margin-bottom: 1;
    }
    ConfirmDialog .keys {
        color: $text-muted;
        margin-top: 1;
    }
    ConfirmDialog Horizontal {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    ConfirmDialog Button {
        margin-left: 2;
    }
    """

    def __init__(self, title: str, question: str, *, yes: str = "Oui") -> None:
        """Ask ``question`` under ``title``; ``yes`` labels the yes button."""
        super().__init__()
        self.title_text = title
        """The dialog's title."""
        self.question = question
        """The question asked."""
        self.yes_label = yes
        """The label of the yes button."""

    def compose(self) -> ComposeResult:
        """Lay out the question and the two buttons."""
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Static(self.question)
            yield Static("o : oui   n : non   Échap : non", classes="keys")
            with Horizontal():
                yield Button(self.yes_label, id="yes", variant="warning")
                yield Button("Non", id="no", variant="primary")

    def on_mount(self) -> None:
        """Start on the safe answer."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the pressed button."""
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(yes)
