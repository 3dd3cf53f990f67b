"""The picker of Mes préférences "Lieu d'exécution": a map, a tree, a filter.

``PlacesPicker`` shows one selection of places in two views kept in step: a
tile map of the départements and a checkbox tree of régions, départements
and overseas collectivities. Typing filters both. The dialog returns the new
set of codes on Valider and None on Annuler; it stores nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static, Tree

from amp_tui.places import (
    COLLECTIVITIES,
    count_label,
    matching_codes,
    place_line,
    region_line,
    search_key,
    sorted_codes,
    tile_grid,
    toggle_region,
)
from amp_tui.reference import departements_by_code
from screens.widgets.checkbox_tree import CheckboxNode, CheckboxTree
from screens.widgets.departement_map import DepartementMap
from screens.widgets.places_tree import (
    COLLECTIVITIES_KEY,
    REGION_PREFIX,
    PlacesTree,
    place_nodes,
)

TITLE = 'Mes préférences "Lieu d\'exécution"'
DEFAULT_CURSOR = "75"
"""Where the map's cursor starts when nothing is selected: Paris."""
NOTHING_FOUND = "Aucun lieu ne correspond à « {} »."
WIDE = 112
"""From this width the map and the tree stand side by side."""
ROOMY_SIDE_BY_SIDE = 32
ROOMY_STACKED = 42
"""From these heights the map has room for full région outlines."""
CHROME_SIDE_BY_SIDE = 5
CHROME_STACKED = 9
"""Lines taken by all but the map: title, filter, status, buttons, footer,
and when stacked, the smallest tree (three lines and a rule)."""
MIN_MAP_LINES = 3


def describe(key: str, selection: frozenset[str]) -> str:
    """The status line for a tree key or a code: name, then région."""
    if key.startswith(REGION_PREFIX):
        return region_line(key.removeprefix(REGION_PREFIX), selection)
    return COLLECTIVITIES if key == COLLECTIVITIES_KEY else place_line(key)


class PlacesPicker(ModalScreen[frozenset[str] | None]):
    """Choose places of execution on a map or in a tree.

    | Key(s) | Description |
    | :- | :- |
    | letters, digits | Filter both views by code or name. |
    | enter, down | In the filter: go to the results. |
    | space | Check or uncheck the place or région under the cursor. |
    | ctrl+r | Check or uncheck the whole région under the cursor. |
    | tab | Go from the filter to the map, the tree, then the buttons. |
    | escape | Clear the filter, or when it is empty, close without applying. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "toggle_region", "Toute la région"),
        Binding("escape", "cancel", "Annuler"),
    ]

    HELP_GROUP = "Lieux d'exécution"
    """The heading of this dialog's own keys in the help."""
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("Lettres, chiffres", "Filtrer par code ou par nom"),
        ("↑ ↓ ← →", "Se déplacer sur la carte ou dans la liste"),
        ("Espace, Entrée", "Cocher ou décocher le lieu sous le curseur"),
        ("Ctrl+R", "Cocher ou décocher toute la région"),
        ("Échap", "Effacer le filtre, puis fermer sans appliquer"),
    ]
    """Keys of the map, the tree and the filter, for the help."""

    DEFAULT_CSS = """
    PlacesPicker {
        align: center middle;
        & > #places-dialog {
            width: 100%;
            height: 100%;
            max-width: 140;
            max-height: 50;
            background: $surface;
        }
        #places-title {
            width: 100%;
            padding: 0 1;
            background: $primary;
            color: $text;
            text-style: bold;
        }
        #places-filter-row {
            height: 1;
            padding: 0 1;
        }
        #places-filter-row > Label {
            width: auto;
            padding-right: 1;
        }
        #places-filter {
            width: 1fr;
        }
        #places-views {
            height: 1fr;
        }
        #places-map-pane {
            height: auto;
            width: 100%;
        }
        DepartementMap {
            max-width: 100%;
            padding: 0 1;
        }
        #places-status {
            height: 1;
            padding: 0 1;
            color: $text-muted;
        }
        PlacesTree {
            height: 1fr;
            min-height: 3;
            border-top: hkey $foreground 30%;
        }
        #places-buttons {
            height: 1;
            padding: 0 1;
        }
        #places-count {
            width: 1fr;
        }
        #places-buttons > Button {
            margin-left: 2;
        }
    }
    PlacesPicker.-wide {
        #places-views {
            layout: horizontal;
        }
        #places-map-pane {
            width: auto;
            height: 100%;
        }
        PlacesTree {
            width: 1fr;
            height: 100%;
            border-top: none;
            border-left: vkey $foreground 30%;
        }
    }
    """

    def __init__(self, selection: Iterable[str] = ()) -> None:
        """Start from ``selection``, the codes the form holds now."""
        super().__init__()
        self.initial = frozenset(selection)
        """The selection the dialog opened with."""
        self.selection = self.initial
        """The selection as the user has made it so far."""
        self.hovered: str | None = None
        """The cell under the mouse, shown in the status line before the cursor."""
        places = departements_by_code()
        chosen_regions = {
            places[code].region_code for code in self.initial if code in places
        }
        self.tree_view = PlacesTree(
            place_nodes({region for region in chosen_regions if region}),
            selection=self.initial,
            id="places-tree",
        )
        """The tree view."""
        self.map_view = DepartementMap(selection=self.initial, id="places-map")
        """The map view."""
        on_grid = [
            code for code in sorted_codes(self.initial) if code in tile_grid().cells
        ]
        self.map_view.move_cursor(
            on_grid[0] if on_grid else DEFAULT_CURSOR, scroll=False
        )

    def compose(self) -> ComposeResult:
        """The title, the filter, the two views, the status and the buttons."""
        with Vertical(id="places-dialog"):
            yield Label(TITLE, id="places-title")
            with Horizontal(id="places-filter-row"):
                yield Label("Filtrer :")
                yield Input(
                    placeholder="code ou nom : 67, bas rhin, cote d or…",
                    compact=True,
                    select_on_focus=False,
                    id="places-filter",
                )
            with Vertical(id="places-views"):
                with Vertical(id="places-map-pane"):
                    yield self.map_view
                    yield Static(id="places-status", markup=False)
                yield self.tree_view
            with Horizontal(id="places-buttons"):
                yield Static(id="places-count")
                yield Button("Valider", id="places-ok", variant="primary", compact=True)
                yield Button("Annuler", id="places-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        """Fit the layout to the terminal, then start on the map."""
        self.fit_layout()
        self.show_selection()
        self.map_view.focus()
        self.call_after_refresh(self.tree_view.reveal, self.map_view.cursor)

    def on_resize(self, event: events.Resize) -> None:
        """Side by side and with full outlines when there is room."""
        self.fit_layout()

    def fit_layout(self) -> None:
        """Choose the layout, and give the map the lines it needs if it can.

        On a terminal too small for the whole map, the map gets what the
        other lines leave and scrolls to keep its cursor in sight.
        """
        width, height = self.app.size
        wide = width >= WIDE
        self.set_class(wide, "-wide")
        self.map_view.compact = height < (ROOMY_SIDE_BY_SIDE if wide else ROOMY_STACKED)
        plan = self.map_view.layout_plan
        needed = plan.height + (1 if width < plan.width + 2 else 0)
        room = height - (CHROME_SIDE_BY_SIDE if wide else CHROME_STACKED)
        self.map_view.styles.height = max(MIN_MAP_LINES, min(needed, room))

    # Keeping the views in step

    def set_selection(self, selection: frozenset[str]) -> None:
        """Make both views show ``selection``."""
        self.selection = selection
        self.tree_view.selection = selection
        self.map_view.selection = selection
        self.show_selection()

    def show_selection(self) -> None:
        """Update the count and the status line."""
        self._show("#places-count", count_label(len(self.selection)))
        self.show_status()

    def _show(self, line_id: str, text: str) -> None:
        """Change a one-line text; its size is fixed, so no layout is needed."""
        line = self.query_one(line_id, Static)
        if str(line.content) != text:
            line.update(text, layout=False)

    def show_status(self) -> None:
        """Name the place under the mouse, or else under the cursor."""
        if self.hovered is not None:
            key = self.hovered
        elif self.focused is self.tree_view and self.tree_view.cursor_entry is not None:
            key = self.tree_view.cursor_entry.key
        else:
            key = self.map_view.cursor
        self._show("#places-status", describe(key, self.selection))

    @on(CheckboxTree.Changed)
    def _tree_changed(self, event: CheckboxTree.Changed) -> None:
        event.stop()
        self.selection = event.selection
        self.map_view.selection = event.selection
        self.show_selection()

    @on(DepartementMap.Changed)
    def _map_changed(self, event: DepartementMap.Changed) -> None:
        event.stop()
        # Name the leaf that changed rather than replace the whole selection,
        # so that the tree may redraw that branch only.
        for code in event.selection ^ self.selection:
            self.tree_view.set_checked(code, code in event.selection)
        self.selection = event.selection
        self.show_selection()

    @on(DepartementMap.CursorMoved)
    def _map_cursor_moved(self, event: DepartementMap.CursorMoved) -> None:
        event.stop()
        self.tree_view.reveal(event.code)
        self.show_status()

    @on(DepartementMap.Hovered)
    def _map_hovered(self, event: DepartementMap.Hovered) -> None:
        event.stop()
        self.hovered = event.code
        self.show_status()

    @on(Tree.NodeHighlighted)
    def _tree_cursor_moved(self, event: Tree.NodeHighlighted[CheckboxNode]) -> None:
        event.stop()
        # Only the user's own moves in the tree lead the map: the tree also
        # reports moves that followed the map, and those arrive late.
        if event.node.data is not None and self.focused is self.tree_view:
            self.map_view.move_cursor(event.node.data.key)
        self.show_status()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The status line follows the view that has the focus."""
        self.show_status()

    # Filtering

    @on(Input.Changed, "#places-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        query = event.value
        if not search_key(query):
            self.tree_view.filter(None)
            self.map_view.show_only(None)
            self.show_status()
            return
        found = matching_codes(query)
        # A région whose name matches has all its places in ``found``, so
        # the tree shows it whole without accepting the région itself.
        self.tree_view.filter(lambda node: node.key in found)
        self.map_view.show_only(found)
        first = next(
            (key for key in self.tree_view.shown_leaves() if key in found), None
        )
        if first is not None:
            self.map_view.move_cursor(first)
            self.call_after_refresh(self.tree_view.reveal, first)
        if not found:
            self._show("#places-status", NOTHING_FOUND.format(query.strip()))
        else:
            self.show_status()

    @on(Input.Submitted, "#places-filter")
    def _go_to_results(self, event: Input.Submitted) -> None:
        event.stop()
        self.tree_view.focus()

    def on_key(self, event: events.Key) -> None:
        """Typing in a view filters; down in the filter goes to the results."""
        filter_input = self.query_one("#places-filter", Input)
        if self.focused is filter_input:
            if event.key == "down":
                event.stop()
                self.tree_view.focus()
            return
        if self.focused not in (self.map_view, self.tree_view):
            return
        if event.is_printable and event.character and event.character != " ":
            event.stop()
            filter_input.focus()
            filter_input.insert_text_at_cursor(event.character)
        elif event.key == "backspace" and filter_input.value:
            event.stop()
            filter_input.focus()
            filter_input.action_delete_left()

    # Actions

    def current_region(self) -> str | None:
        """The région of the place under the cursor of the view in use."""
        if self.focused is self.tree_view and self.tree_view.cursor_entry is not None:
            key = self.tree_view.cursor_entry.key
            if key.startswith(REGION_PREFIX):
                return key.removeprefix(REGION_PREFIX)
        else:
            key = self.map_view.cursor
        place = departements_by_code().get(key)
        return place.region_code if place is not None else None

    def action_toggle_region(self) -> None:
        """Check the whole région under the cursor, or clear it if all checked."""
        region = self.current_region()
        if region is None:
            self.app.bell()
            return
        self.set_selection(toggle_region(self.selection, region))

    def action_cancel(self) -> None:
        """Clear the filter first; then close without applying anything."""
        filter_input = self.query_one("#places-filter", Input)
        if filter_input.value:
            filter_input.value = ""
            return
        self.dismiss(None)

    @on(Button.Pressed, "#places-ok")
    def _apply(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.selection)

    @on(Button.Pressed, "#places-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
