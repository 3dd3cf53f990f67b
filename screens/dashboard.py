"""Tableau de bord: the consultations an agent sees, as cards, with their ★.

The ★ of a card is stored as soon as it is toggled (space, `f` or a click),
because the alerts of Mes alertes électroniques fire only for favourite
consultations. ctrl+f shows the favourites only; typing in the search field
keeps the consultations whose reference or title holds every word. Every
database call runs in a thread worker.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from functools import partial
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from amp_tui.consultations import (
    ConsultationCard,
    ConsultationPage,
    list_consultations,
    set_favourite,
)
from amp_tui.database import Database
from amp_tui.errors import AmpError
from amp_tui.snapshots import Actor
from screens.commands import PaletteCommand, ScreenCommands
from screens.widgets.consultation_list import ConsultationList

log = logging.getLogger(__name__)

TITLE = "Tableau de bord"
UNEXPECTED = "Erreur inattendue : ★ non enregistrée. Le détail est dans le journal."


class DashboardScreen(Screen[None]):
    """The consultations dashboard of one agent.

    | Key(s) | Description |
    | :- | :- |
    | space, f | Add or remove the ★ of the consultation under the cursor. |
    | ctrl+f | Show the favourites only, or every consultation again. |
    | / | Go to the search field. |
    | enter, down | From the search field, go back to the cards. |
    | escape | Leave the search field; on the cards, go back. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "toggle_favourites_only", "Favoris seulement"),
        Binding("slash", "focus_search", "Rechercher"),
        Binding("escape", "back", "Retour"),
    ]

    DEFAULT_CSS = """
    DashboardScreen {
        layout: vertical;
        & #dashboard-bar {
            height: 1;
            background: $primary;
        }
        & #dashboard-title {
            padding: 0 1;
            color: $text;
            text-style: bold;
        }
        & #dashboard-count {
            width: 1fr;
            padding: 0 1;
            color: $text;
            text-align: right;
        }
        & #favourites-only {
            width: auto;
            padding: 0 1;
            color: $text;
        }
        & #favourites-only.-on {
            text-style: bold;
        }
        & #search {
            margin: 0 1;
        }
        & ConsultationList {
            height: 1fr;
        }
    }
    """

    COMMANDS: ClassVar = {ScreenCommands}
    HELP_GROUP = TITLE
    """The heading of this screen's own keys in the help."""

    def __init__(self, db: Database, actor: Actor) -> None:
        """Show the consultations ``actor`` sees on ``db``."""
        super().__init__()
        self.db = db
        """Where consultations are read and favourites stored."""
        self.actor = actor
        """Whose dashboard this is."""
        self.favourites_only = False
        """True while only the favourites are listed."""

    def compose(self) -> ComposeResult:
        """Lay out the title bar, the search field, the cards and the footer."""
        with Horizontal(id="dashboard-bar"):
            yield Label(TITLE, id="dashboard-title")
            yield Static("", id="dashboard-count")
            yield Static("", id="favourites-only", markup=False)
        yield Input(
            placeholder="Rechercher une référence ou un intitulé ( / )",
            id="search",
            compact=True,
        )
        yield ConsultationList(id="consultations")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """List the consultations and put the focus on the cards."""
        self.reload()
        self.cards.focus()

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """This screen's actions, for the command palette."""
        yield PaletteCommand(
            "Favori ★",
            "Ajouter ou retirer la consultation sélectionnée des favoris (espace)",
            self.cards.action_toggle_star,
        )
        yield PaletteCommand(
            "Toutes les consultations" if self.favourites_only else "Favoris seulement",
            "Changer le filtre des consultations (ctrl+f)",
            self.action_toggle_favourites_only,
        )
        yield PaletteCommand(
            "Rechercher une consultation",
            "Par référence ou intitulé (/)",
            self.action_focus_search,
        )

    @property
    def cards(self) -> ConsultationList:
        """The list of cards."""
        return self.query_one(ConsultationList)

    def reload(self) -> None:
        """List again, with the current filter and search."""
        search = self.query_one("#search", Input).value
        loader = partial(
            self.load_page, favourites_only=self.favourites_only, search=search
        )
        if self.favourites_only:
            empty = "Aucune consultation favorite. Ajoutez-en avec espace ou f."
        else:
            empty = "Aucune consultation."
        self.cards.show(loader, empty_message=empty)
        box = "[x]" if self.favourites_only else "[ ]"
        marker = self.query_one("#favourites-only", Static)
        marker.update(f"{box} Favoris seulement")
        marker.set_class(self.favourites_only, "-on")
        self.query_one("#dashboard-count", Static).update("")

    def load_page(
        self, offset: int, limit: int, *, favourites_only: bool, search: str
    ) -> ConsultationPage:
        """Read one page of cards; runs in the list's thread worker."""
        return list_consultations(
            self.db,
            actor=self.actor,
            favourites_only=favourites_only,
            search=search,
            offset=offset,
            limit=limit,
        )

    @on(ConsultationList.Loaded)
    def show_count(self, event: ConsultationList.Loaded) -> None:
        """Say how many consultations are listed."""
        count = event.total
        noun = "consultation" if count <= 1 else "consultations"
        self.query_one("#dashboard-count", Static).update(f"{count} {noun}")

    @on(ConsultationList.LoadFailed)
    def show_load_failure(self, event: ConsultationList.LoadFailed) -> None:
        """Say why the cards could not be read."""
        self.notify(event.message, severity="error", timeout=10)

    @on(Input.Changed, "#search")
    def search(self) -> None:
        """List again as the search text changes."""
        self.reload()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        """Enter in the search field goes back to the cards."""
        self.cards.focus()

    def on_key(self, event: events.Key) -> None:
        """Down from the search field goes to the cards."""
        if event.key == "down" and self.focused is self.query_one("#search"):
            event.stop()
            self.cards.focus()

    def on_click(self, event: events.Click) -> None:
        """A click on the filter marker toggles it."""
        if event.widget is not None and event.widget.id == "favourites-only":
            self.action_toggle_favourites_only()

    def action_toggle_favourites_only(self) -> None:
        """Show the favourites only, or every consultation again."""
        self.favourites_only = not self.favourites_only
        self.reload()

    def action_focus_search(self) -> None:
        """Go to the search field."""
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        """Leave the search field, or else leave the dashboard."""
        if self.focused is self.query_one("#search"):
            self.cards.focus()
        elif len(self.app.screen_stack) > 1:
            self.dismiss()

    @on(ConsultationList.StarToggled)
    def toggle_star(self, event: ConsultationList.StarToggled) -> None:
        """Show the new ★ at once, then store it."""
        wanted = not event.card.favourite
        self.cards.replace_card(dataclasses.replace(event.card, favourite=wanted))
        self.store_star(event.card, wanted)

    @work(thread=True, group="favourites", exit_on_error=False)
    def store_star(self, card: ConsultationCard, wanted: bool) -> None:
        """Store a ★ change; put the card back as it was if that fails."""
        try:
            set_favourite(
                self.db, actor=self.actor, consultation_id=card.id, favourite=wanted
            )
        except AmpError as error:
            self.app.call_from_thread(self.star_refused, card, error.message)
        except Exception:
            log.exception("storing the favourite of %s failed", card.reference)
            self.app.call_from_thread(self.star_refused, card, UNEXPECTED)
        else:
            self.app.call_from_thread(self.star_stored, card, wanted)

    def star_stored(self, card: ConsultationCard, wanted: bool) -> None:
        """Confirm the change in one short line."""
        if wanted:
            self.notify(f"{card.reference} ajoutée aux favoris (★).")
        else:
            self.notify(f"{card.reference} retirée des favoris.")

    def star_refused(self, card: ConsultationCard, message: str) -> None:
        """Show the card as stored, and why the change was refused."""
        self.cards.replace_card(card)
        self.notify(message, severity="error", timeout=10)
