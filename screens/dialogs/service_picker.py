"""Choosing a service from the tree of the agent's entity.

ServiceField shows the chosen service in the form; Enter opens the
ServicePicker dialog over it. The dialog lists the services as an indented
tree; typing filters them by any part of their path, ignoring case and
accents, and then shows the full path of each match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from amp_tui.snapshots import SERVICE_PATH_SEPARATOR, ServiceNode
from amp_tui.validation import fold

NO_SERVICE = "Aucun service (rattaché à l'entité)"
NO_SERVICE_ID = "none"
OPEN_MARK = "▼"


@dataclass(frozen=True)
class ServiceChoice:
    """The service picked, or None for no service."""

    service_id: int | None


class ServicePicker(ModalScreen[ServiceChoice | None]):
    """Pick a service; dismiss with a ServiceChoice, or None to change nothing.

    | Key(s) | Description |
    | :- | :- |
    | up, down | Move through the services. |
    | pageup, pagedown | Move a page at a time. |
    | enter | Choose the highlighted service. |
    | escape | Close without changing the service. |
    | any letter | Filter the services by name. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Fermer sans changer"),
        Binding("down", "move(1)", "Service suivant", show=False),
        Binding("up", "move(-1)", "Service précédent", show=False),
        Binding("pagedown", "page(1)", "Page suivante", show=False),
        Binding("pageup", "page(-1)", "Page précédente", show=False),
    ]

    DEFAULT_CSS = """
    ServicePicker {
        align: center middle;
    }
    ServicePicker > Vertical {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        border: thick $primary;
        background: $panel;
    }
    ServicePicker .title {
        text-style: bold;
    }
    ServicePicker Input {
        margin: 1 0;
        text-style: underline;
    }
    ServicePicker OptionList {
        height: auto;
        max-height: 14;
        border: none;
        padding: 0;
    }
    /* The highlight must read without colour, and while typing the filter. */
    ServicePicker OptionList > .option-list--option-highlighted {
        text-style: bold underline;
    }
    ServicePicker .hint {
        color: $text-muted;
    }
    """

    def __init__(self, services: Sequence[ServiceNode], selected: int | None) -> None:
        """Offer ``services`` (in tree order), starting on ``selected``."""
        super().__init__()
        self.services = list(services)
        """Every service of the entity, parents before their children."""
        self.selected = selected
        """The service chosen when the dialog opened."""

    def compose(self) -> ComposeResult:
        """Lay out the filter, the list and the keys."""
        with Vertical():
            yield Label("Choisir le service", classes="title")
            yield Input(placeholder="Tapez pour filtrer…", id="filter", compact=True)
            yield OptionList(id="services")
            yield Static(
                "↑ ↓ : parcourir   Entrée : choisir   Échap : fermer sans changer",
                classes="hint",
            )

    def on_mount(self) -> None:
        """List every service, the current one highlighted."""
        self.show_matches("")
        self.query_one("#filter", Input).focus()

    def show_matches(self, query: str) -> None:
        """List the services matching ``query``: a tree, or paths when filtered."""
        words = fold(query).split()
        options = []
        if all(word in fold(NO_SERVICE) for word in words):
            options.append(Option(NO_SERVICE, id=NO_SERVICE_ID))
        for node in self.services:
            if words:
                if all(word in fold(node.path) for word in words):
                    options.append(Option(Text(node.path), id=str(node.id)))
            else:
                depth = node.path.count(SERVICE_PATH_SEPARATOR)
                options.append(Option(Text("  " * depth + node.nom), id=str(node.id)))
        services = self.query_one("#services", OptionList)
        services.set_options(options)
        wanted = str(self.selected) if self.selected is not None else NO_SERVICE_ID
        ids = [option.id for option in options]
        services.highlighted = (
            ids.index(wanted) if wanted in ids else (0 if ids else None)
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing filters at once."""
        self.show_matches(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter chooses the highlighted service."""
        event.stop()
        self.choose(self.query_one("#services", OptionList).highlighted_option)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) in the list chooses that service."""
        event.stop()
        self.choose(event.option)

    def choose(self, option: Option | None) -> None:
        """Close with the service of ``option``."""
        if option is None:
            return
        if option.id == NO_SERVICE_ID:
            self.dismiss(ServiceChoice(None))
        else:
            self.dismiss(ServiceChoice(int(option.id or 0)))

    def action_move(self, step: int) -> None:
        """Move the highlight without leaving the filter."""
        services = self.query_one("#services", OptionList)
        if step > 0:
            services.action_cursor_down()
        else:
            services.action_cursor_up()

    def action_page(self, step: int) -> None:
        """Move the highlight a page at a time."""
        services = self.query_one("#services", OptionList)
        if step > 0:
            services.action_page_down()
        else:
            services.action_page_up()

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)


class ServiceField(Static, can_focus=True):
    """A form field showing the chosen service's path; it opens the picker.

    | Key(s) | Description |
    | :- | :- |
    | enter, space | Open the list of services. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "pick", "Choisir le service", show=False),
    ]

    DEFAULT_CSS = """
    ServiceField {
        background: $surface;
        text-style: underline;
        pointer: pointer;
        &:focus {
            background-tint: $foreground 5%;
        }
    }
    """

    class Changed(Message):
        """The user picked another service."""

        def __init__(self, field: ServiceField) -> None:
            super().__init__()
            self.field = field
            """The field that changed."""

        @property
        def control(self) -> ServiceField:
            """The field that changed."""
            return self.field

    def __init__(self, *, id: str | None = None) -> None:
        """An empty field; ``show`` fills it."""
        super().__init__("", id=id, markup=False)
        self.service_id: int | None = None
        """The chosen service, or None for no service."""
        self.services: list[ServiceNode] = []
        """The services offered, in tree order."""
        self.paths: dict[int, str] = {}
        """The path of each known service, by id."""

    def show(self, service_id: int | None, paths: dict[int, str]) -> None:
        """Show ``service_id`` (None: no service), naming it from ``paths``."""
        self.service_id = service_id
        self.paths = {**self.paths, **paths}
        path = self.paths.get(service_id or -1, "") or NO_SERVICE
        self.update(f"{path} {OPEN_MARK}")

    def offer(self, services: Sequence[ServiceNode]) -> None:
        """Offer ``services`` in the picker, keeping the current choice."""
        self.services = list(services)
        self.show(self.service_id, {node.id: node.path for node in services})

    def action_pick(self) -> None:
        """Open the picker over the form."""
        self.app.push_screen(ServicePicker(self.services, self.service_id), self.picked)

    def picked(self, choice: ServiceChoice | None) -> None:
        """Take the picker's answer; None leaves the field as it was."""
        if choice is None or choice.service_id == self.service_id:
            return
        self.show(choice.service_id, {})
        self.post_message(self.Changed(self))

    def on_click(self) -> None:
        """A click opens the picker too."""
        self.action_pick()
