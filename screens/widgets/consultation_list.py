"""A scrolling list of consultation cards that loads them a page at a time.

``ConsultationList`` draws only the lines on screen (Textual's line API), so
a thousand consultations cost what a screenful does. It knows how many cards
there are from the first page; the others are fetched in a thread worker
when their lines are first drawn, through the loader the screen gives it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from amp_tui.consultations import ConsultationCard, ConsultationPage
from amp_tui.errors import AmpError
from screens.widgets.consultation_card import (
    CARD_LINES,
    CardStyles,
    card_lines,
    placeholder_lines,
)

log = logging.getLogger(__name__)

CARD_HEIGHT = CARD_LINES + 1
"""A card's lines plus the rule under it."""

MARKER = "▌"
"""Drawn left of the card under the cursor, so that it shows without colour."""

Loader = Callable[[int, int], ConsultationPage]
"""Fetch ``limit`` cards from ``offset``; runs in a thread."""

LOADING = "Chargement…"
LOAD_FAILED = "Chargement impossible : rouvrez le tableau de bord pour réessayer."
UNEXPECTED = "Erreur inattendue pendant le chargement. Le détail est dans le journal."


class ConsultationList(ScrollView, can_focus=True):
    """The consultations as cards, with a cursor on one of them.

    Call ``show`` with a loader to (re)fill it. Pressing space or `f`, or
    clicking the ★ of a card, posts ``StarToggled``: the screen stores the
    change and calls ``replace_card`` with the result.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,f", "toggle_star", "★ Favori"),
        Binding("up,k", "cursor_up", "Précédente", show=False),
        Binding("down,j", "cursor_down", "Suivante", show=False),
        Binding("pageup", "page_up", "Page précédente", show=False),
        Binding("pagedown", "page_down", "Page suivante", show=False),
        Binding("home", "first", "Première", show=False),
        Binding("end", "last", "Dernière", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | space, f | Add or remove the ★ of the card under the cursor. |
    | up, k | Move to the previous card. |
    | down, j | Move to the next card. |
    | pageup | Move up one screenful. |
    | pagedown | Move down one screenful. |
    | home | Move to the first card. |
    | end | Move to the last card. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "consultation-list--cursor",
        "consultation-list--marker",
        "consultation-list--star",
        "consultation-list--reference",
        "consultation-list--phase",
        "consultation-list--current-phase",
        "consultation-list--label",
        "consultation-list--rule",
    }
    """
    | Class | Description |
    | :- | :- |
    | `consultation-list--cursor` | Targets the card under the cursor. |
    | `consultation-list--marker` | Targets the bar left of the card under the cursor. |
    | `consultation-list--star` | Targets the ★ (or ☆). |
    | `consultation-list--reference` | Targets the reference of a consultation. |
    | `consultation-list--phase` | Targets the phase letters. |
    | `consultation-list--current-phase` | Targets the current phase's letter. |
    | `consultation-list--label` | Targets `Objet :`, `Date limite :` and messages. |
    | `consultation-list--rule` | Targets the rule between two cards. |
    """

    DEFAULT_CSS = """
    ConsultationList {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        background: $surface;
        & > .consultation-list--cursor {
            background: $block-cursor-blurred-background;
        }
        &:focus > .consultation-list--cursor {
            background: $block-hover-background;
        }
        & > .consultation-list--marker {
            text-style: dim;
        }
        &:focus > .consultation-list--marker {
            color: $accent;
            text-style: bold;
        }
        & > .consultation-list--star {
            color: $warning;
            text-style: bold;
        }
        & > .consultation-list--reference {
            text-style: bold;
        }
        & > .consultation-list--phase {
            text-style: dim;
        }
        & > .consultation-list--current-phase {
            color: $accent;
            text-style: bold reverse;
        }
        & > .consultation-list--label {
            text-style: dim;
        }
        & > .consultation-list--rule {
            color: $foreground 15%;
        }
    }
    """

    cursor: reactive[int] = reactive(0, init=False)
    """The index of the card under the cursor."""

    class StarToggled(Message):
        """The user asked to add or remove the ★ of ``card``."""

        def __init__(self, card: ConsultationCard) -> None:
            super().__init__()
            self.card = card
            """The card as shown when the user asked."""

    class Loaded(Message):
        """A page arrived; ``total`` is how many cards the list holds."""

        def __init__(self, total: int) -> None:
            super().__init__()
            self.total = total
            """How many consultations match."""

    class LoadFailed(Message):
        """A page could not be loaded; ``message`` says why, in French."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message
            """What to tell the user."""

    def __init__(
        self,
        *,
        empty_message: str = "Aucune consultation.",
        page_size: int = 50,
        id: str | None = None,
    ) -> None:
        """An empty list; ``show`` fills it."""
        super().__init__(id=id)
        self.empty_message = empty_message
        """Shown when there is no consultation to list."""
        self.page_size = page_size
        """How many cards one load brings."""
        self.total: int | None = None
        """How many cards there are, once the first page has arrived."""
        self.pages: dict[int, tuple[ConsultationCard, ...]] = {}
        """The loaded pages, by number."""
        self._loader: Loader | None = None
        self._generation = 0
        self._loading: set[int] = set()
        self._failed: set[int] = set()
        self._lines: LRUCache[tuple[ConsultationCard, int], list[Text]] = LRUCache(256)

    # --- Filling -----------------------------------------------------------

    def show(self, loader: Loader, *, empty_message: str | None = None) -> None:
        """Drop what is shown and list what ``loader`` returns instead."""
        self._loader = loader
        self._generation += 1
        if empty_message is not None:
            self.empty_message = empty_message
        self.total = None
        self.pages.clear()
        self._loading.clear()
        self._failed.clear()
        self.set_reactive(ConsultationList.cursor, 0)
        self.scroll_to(y=0, animate=False, force=True)
        self._request(0)
        self.refresh()

    def replace_card(self, card: ConsultationCard) -> None:
        """Show ``card`` in place of the loaded card with the same id."""
        for number, cards in self.pages.items():
            for position, shown in enumerate(cards):
                if shown.id == card.id:
                    self.pages[number] = (
                        *cards[:position],
                        card,
                        *cards[position + 1 :],
                    )
                    self.refresh_lines(
                        (number * self.page_size + position) * CARD_HEIGHT, CARD_LINES
                    )
                    return

    def card_at(self, index: int) -> ConsultationCard | None:
        """The card at ``index`` if its page is loaded; asks for it if not."""
        page, position = divmod(index, self.page_size)
        cards = self.pages.get(page)
        if cards is None:
            self.call_later(self._request, page)
            return None
        return cards[position] if position < len(cards) else None

    @property
    def current_card(self) -> ConsultationCard | None:
        """The card under the cursor, once loaded."""
        if not self.total:
            return None
        return self.card_at(self.cursor)

    def _request(self, page: int) -> None:
        if self._loader is None or page in self._loading or page in self._failed:
            return
        if page in self.pages:
            return
        self._loading.add(page)
        self._load(self._loader, self._generation, page)

    @work(thread=True, group="consultation-pages", exit_on_error=False)
    def _load(self, loader: Loader, generation: int, page: int) -> None:
        try:
            result = loader(page * self.page_size, self.page_size)
        except AmpError as error:
            self.app.call_from_thread(self._fail, generation, page, error.message)
        except Exception:
            log.exception("loading consultations failed")
            self.app.call_from_thread(self._fail, generation, page, UNEXPECTED)
        else:
            self.app.call_from_thread(self._arrive, generation, page, result)

    def _arrive(self, generation: int, page: int, result: ConsultationPage) -> None:
        if generation != self._generation:
            return
        self._loading.discard(page)
        self.pages[page] = result.cards
        self.total = result.total
        self.virtual_size = Size(self.size.width, result.total * CARD_HEIGHT)
        if self.cursor >= result.total:
            self.cursor = max(result.total - 1, 0)
        self.refresh()
        self.post_message(self.Loaded(result.total))

    def _fail(self, generation: int, page: int, message: str) -> None:
        if generation != self._generation:
            return
        self._loading.discard(page)
        self._failed.add(page)
        self.refresh()
        self.post_message(self.LoadFailed(message))

    # --- Drawing -----------------------------------------------------------

    def _card_styles(self) -> CardStyles:
        return CardStyles(
            star=self.get_component_rich_style("consultation-list--star", partial=True),
            reference=self.get_component_rich_style(
                "consultation-list--reference", partial=True
            ),
            phase=self.get_component_rich_style(
                "consultation-list--phase", partial=True
            ),
            current_phase=self.get_component_rich_style(
                "consultation-list--current-phase", partial=True
            ),
            label=self.get_component_rich_style(
                "consultation-list--label", partial=True
            ),
        )

    def render_line(self, y: int) -> Strip:
        """Draw one line of the visible part of the list."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        label = self.get_component_rich_style("consultation-list--label", partial=True)
        line = y + int(self.scroll_offset.y)
        if not self.total:
            if line != 1:
                return Strip.blank(width, base)
            if self.total == 0:
                message = self.empty_message
            else:
                message = LOAD_FAILED if self._failed else LOADING
            return self._strip(Text(f"   {message}", style=label), width, base)
        index, row = divmod(line, CARD_HEIGHT)
        if index >= self.total:
            return Strip.blank(width, base)
        if row == CARD_LINES:
            rule = self.get_component_rich_style("consultation-list--rule")
            return Strip([Segment("─" * width, rule)], width)
        card = self.card_at(index)
        if card is None:
            failed = index // self.page_size in self._failed
            message = LOAD_FAILED if failed else LOADING
            lines = placeholder_lines(width - len(MARKER), message, label)
        else:
            key = (card, width)
            lines = self._lines.get(key) or card_lines(
                card, width - len(MARKER), self._card_styles()
            )
            self._lines[key] = lines
        style = base + Style(meta={"card": index})
        text = Text()
        if index == self.cursor:
            style += self.get_component_rich_style("consultation-list--cursor")
            marker = "consultation-list--marker"
            text.append(MARKER, self.get_component_rich_style(marker, partial=True))
        else:
            text.append(" " * len(MARKER))
        text.append_text(lines[row])
        return self._strip(text, width, style)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, style).apply_style(style)

    def notify_style_update(self) -> None:
        """Forget drawn cards when the theme changes."""
        super().notify_style_update()
        self._lines.clear()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the scrollable height in step with the number of cards."""
        self._lines.clear()
        self.virtual_size = Size(event.size.width, (self.total or 0) * CARD_HEIGHT)

    # --- Moving and toggling -------------------------------------------------

    def watch_cursor(self, previous: int, cursor: int) -> None:
        """Redraw the cards that gained or lost the cursor, and show the new one."""
        self.refresh_lines(previous * CARD_HEIGHT, CARD_LINES)
        self.refresh_lines(cursor * CARD_HEIGHT, CARD_LINES)
        self.scroll_to_region(
            Region(0, cursor * CARD_HEIGHT, 1, CARD_HEIGHT),
            animate=False,
            force=True,
            immediate=True,
        )

    def _move_to(self, index: int) -> None:
        if self.total:
            self.cursor = min(max(index, 0), self.total - 1)

    @property
    def cards_per_screen(self) -> int:
        """How many whole cards fit in the list's height."""
        return max(self.scrollable_content_region.height // CARD_HEIGHT, 1)

    def action_cursor_up(self) -> None:
        """Move to the previous card."""
        self._move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        """Move to the next card."""
        self._move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        """Move up one screenful."""
        self._move_to(self.cursor - self.cards_per_screen)

    def action_page_down(self) -> None:
        """Move down one screenful."""
        self._move_to(self.cursor + self.cards_per_screen)

    def action_first(self) -> None:
        """Move to the first card."""
        self._move_to(0)

    def action_last(self) -> None:
        """Move to the last card."""
        self._move_to((self.total or 1) - 1)

    def action_toggle_star(self) -> None:
        """Ask for the ★ of the card under the cursor to change."""
        card = self.current_card
        if card is not None:
            self.post_message(self.StarToggled(card))

    def on_click(self, event: events.Click) -> None:
        """Put the cursor on the clicked card; toggle its ★ if that was hit."""
        meta = event.style.meta
        if "card" not in meta:
            return
        self.cursor = meta["card"]
        if meta.get("star"):
            self.action_toggle_star()
