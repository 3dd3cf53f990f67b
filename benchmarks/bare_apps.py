"""The yardsticks: plain Textual apps that do as little as Textual allows.

Each benchmark compares amp-tui with one of these, run the same way in the
same run, so that the figures are ratios rather than machine-bound times:

- ``label``: one label, the least a Textual app can show (start-up, memory);
- ``input``: one focused ``Input`` (typing);
- ``tabs``: a ``TabbedContent`` of four panes switched by F2 to F5 (tab switch);
- ``list``: a ``SelectionList`` toggled with space (check boxes).

Run one in a terminal with ``python benchmarks/bare_apps.py NAME``. This
module imports nothing but Textual, so that its start-up is Textual's own.
"""

from __future__ import annotations

import sys
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import (
    Footer,
    Input,
    Label,
    SelectionList,
    TabbedContent,
    TabPane,
)

LABEL = "Une étiquette"
"""The text the minimal app shows; its first frame holds it."""

TAB_TITLES = ("Un", "Deux", "Trois", "Quatre")


class LabelApp(App[None]):
    """One label and nothing else."""

    def compose(self) -> ComposeResult:
        """The label."""
        yield Label(LABEL)


class InputApp(App[None]):
    """One focused input of a given width."""

    def __init__(self, width: int = 51) -> None:
        """An input ``width`` cells wide."""
        super().__init__()
        self.field_width = width

    def compose(self) -> ComposeResult:
        """The input."""
        field = Input(value="MARTIN", compact=True)
        field.styles.width = self.field_width
        yield field


class TabsApp(App[None]):
    """Four tabs switched by F2 to F5, with a footer, like the account screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(f"f{number}", f"show('tab-{number}')", title)
        for number, title in enumerate(TAB_TITLES, start=2)
    ]

    def compose(self) -> ComposeResult:
        """The tabs, each holding one input, then the footer."""
        with TabbedContent():
            for number, title in enumerate(TAB_TITLES, start=2):
                with TabPane(f"F{number} {title}", id=f"tab-{number}"):
                    yield Input(value=title, compact=True)
        yield Footer(compact=True)

    def action_show(self, tab_id: str) -> None:
        """Open a tab and focus its input."""
        self.query_one(TabbedContent).active = tab_id
        self.query_one(f"#{tab_id} Input").focus()


class ListApp(App[None]):
    """A selection list of ``count`` items, ``size`` cells large."""

    def __init__(self, count: int = 13, size: tuple[int, int] = (76, 16)) -> None:
        """A list of ``count`` options in a ``size`` box."""
        super().__init__()
        self.count = count
        self.box = size

    def compose(self) -> ComposeResult:
        """The list, focused on its first option."""
        options = [(f"Option {number}", number) for number in range(self.count)]
        selection: SelectionList[int] = SelectionList(*options, compact=True)
        selection.styles.width, selection.styles.height = self.box
        yield selection


APPS: dict[str, type[App[None]]] = {
    "label": LabelApp,
    "input": InputApp,
    "tabs": TabsApp,
    "list": ListApp,
}


def main(argv: list[str]) -> None:
    """Run the app named first, with its numbers: ``list 13 76x12``."""
    name, *numbers = argv
    if name == "list":
        count = int(numbers[0]) if numbers else 13
        width, height = (numbers[1] if len(numbers) > 1 else "76x16").split("x")
        ListApp(count, (int(width), int(height))).run()
    elif name == "input":
        InputApp(int(numbers[0]) if numbers else 51).run()
    else:
        APPS[name]().run()


if __name__ == "__main__":
    main(sys.argv[1:])
