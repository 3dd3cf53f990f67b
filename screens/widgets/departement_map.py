"""A tile map of France's départements that the user picks places on.

``DepartementMap`` draws the grid of ``amp_tui.places.tile_grid``: one cell
per département, showing its code, metropolitan France in its own shape and
the overseas départements as insets. Arrow keys move a cursor from cell to
cell, space (or a click) selects or clears the cell under it.

Every state is told apart without colour, so that the map reads the same on
a 16-colour terminal, with ``NO_COLOR`` or in a monochrome screenshot:

- a selected cell is filled (reverse video) and bracketed: ``[67]``;
- the cursor cell is marked ``>67<`` (filled as well when selected);
- régions are separated by lines drawn between their cells, and each région
  also takes one of the theme's colours, neighbours never sharing one;
- cells that a filter leaves out are drawn faint and the cursor skips them;
- the cells of the cursor's région are drawn bold.

With room for two lines per row the map draws full région outlines; with
one line per row (the ``compact`` layout, for 24-line terminals) it keeps
only the vertical separators and lets colour show the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from amp_tui.places import (
    Direction,
    MapLayout,
    TileGrid,
    region_colours,
    tile_grid,
)
from amp_tui.reference import departements

REGION_COLOURS = 5
"""How many région colour classes the stylesheet provides."""


class MapMessage(Message):
    """Base of the map's messages: which map sent it."""

    def __init__(self, departement_map: DepartementMap) -> None:
        super().__init__()
        self.departement_map = departement_map
        """The map that sent the message."""

    @property
    def control(self) -> DepartementMap:
        """Alias of ``departement_map``, for ``@on`` selectors."""
        return self.departement_map


class DepartementMap(ScrollView, can_focus=True):
    """The départements as a tile map, with a cursor and a selection.

    Its ``selection`` is a set of codes; it may hold codes without a cell
    (the overseas collectivities), which it keeps but does not draw.
    Setting ``selection``, ``move_cursor`` and ``show_only`` from code posts
    nothing, so that two views kept in step do not echo each other.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move('up')", "Haut", show=False),
        Binding("down", "move('down')", "Bas", show=False),
        Binding("left", "move('left')", "Gauche", show=False),
        Binding("right", "move('right')", "Droite", show=False),
        Binding("space,enter", "toggle_cell", "Cocher/décocher"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | up, down, left, right | Move the cursor to the nearest cell that way (empty cells are jumped over). |
    | space, enter | Select or clear the département under the cursor. |
    """  # noqa: E501

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"departement-map--region-{n}" for n in range(REGION_COLOURS)),
        "departement-map--border",
        "departement-map--selected",
        "departement-map--cursor",
        "departement-map--muted",
        "departement-map--cursor-region",
    }
    """
    | Class | Description |
    | :- | :- |
    | `departement-map--region-0` to `-4` | The colour of each région's cells. |
    | `departement-map--border` | The lines between régions. |
    | `departement-map--selected` | Added to a selected cell (a fill). |
    | `departement-map--cursor` | The cursor's markers. |
    | `departement-map--muted` | Cells a filter leaves out. |
    | `departement-map--cursor-region` | The other cells of the cursor's région. |
    """

    DEFAULT_CSS = """
    DepartementMap {
        width: auto;
        height: auto;
        overflow: auto auto;
        scrollbar-size: 1 1;
        & > .departement-map--region-0 { color: $text-primary; }
        & > .departement-map--region-1 { color: $text-success; }
        & > .departement-map--region-2 { color: $text-warning; }
        & > .departement-map--region-3 { color: $text-secondary; }
        & > .departement-map--region-4 { color: $text-accent; }
        & > .departement-map--border { color: $foreground 45%; }
        & > .departement-map--selected { text-style: bold reverse; }
        & > .departement-map--cursor { text-style: bold; }
        & > .departement-map--muted { color: $text-disabled; }
        & > .departement-map--cursor-region { text-style: bold; }
        &:focus > .departement-map--cursor { color: $text-accent; }
    }
    """

    compact: reactive[bool] = reactive(True)
    """One line per row of cells (True) or two, with full région outlines."""

    class Changed(MapMessage):
        """The user selected or cleared a cell."""

        def __init__(self, departement_map: DepartementMap, selection: frozenset[str]):
            super().__init__(departement_map)
            self.selection = selection
            """The selected codes after the change."""

    class CursorMoved(MapMessage):
        """The user moved the cursor to another cell."""

        def __init__(self, departement_map: DepartementMap, code: str):
            super().__init__(departement_map)
            self.code = code
            """The département now under the cursor."""

    class Hovered(MapMessage):
        """The mouse moved onto a cell (``code``) or off the cells (None)."""

        def __init__(self, departement_map: DepartementMap, code: str | None):
            super().__init__(departement_map)
            self.code = code
            """The département under the mouse, if any."""

    def __init__(
        self,
        *,
        selection: Iterable[str] = (),
        grid: TileGrid | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Draw ``grid`` (the shipped one by default) with ``selection``."""
        super().__init__(name=name, id=id, classes=classes)
        self.grid = grid or tile_grid()
        """The cells of the map."""
        self.layout_plan = MapLayout(self.grid, compact=True)
        """Where cells and borders go; follows ``compact``."""
        self._region_of = {place.code: place.region_code for place in departements()}
        self._colour_of = region_colours(self.grid)
        self._selected: set[str] = set(selection)
        self._shown: frozenset[str] | None = None
        self._cursor = min(
            self.grid.cells, key=lambda code: self.grid.cells[code][::-1]
        )
        self._hover: str | None = None
        self._styles: dict[tuple[str, ...], Style] = {}
        self._lines: dict[int, Strip] = {}
        self._update_virtual_size()

    # Public state

    @property
    def selection(self) -> frozenset[str]:
        """The selected codes, drawn or not."""
        return frozenset(self._selected)

    @selection.setter
    def selection(self, codes: Iterable[str]) -> None:
        """Select exactly ``codes``; posts nothing."""
        codes = set(codes)
        changed = codes ^ self._selected
        if changed:
            self._selected = codes
            self._repaint(changed)

    @property
    def cursor(self) -> str:
        """The code of the cell under the cursor."""
        return self._cursor

    def move_cursor(self, code: str, *, scroll: bool = True) -> None:
        """Put the cursor on ``code`` if it has a cell; posts nothing."""
        if code not in self.grid.cells or code == self._cursor:
            return
        self._set_cursor(code)
        if scroll:
            self.scroll_to_cell(code)

    def show_only(self, codes: frozenset[str] | None) -> None:
        """Draw the cells outside ``codes`` faint; None shows every cell.

        The cursor moves to the first shown cell when its own is left out.
        """
        self._shown = codes
        shown_cells = self._navigable()
        if shown_cells and self._cursor not in shown_cells:
            first = min(shown_cells, key=lambda code: self.grid.cells[code][::-1])
            self._cursor = first
            self.scroll_to_cell(first)
        self._repaint()

    def toggle(self, code: str) -> None:
        """Select or clear a cell as the user does, and post ``Changed``."""
        if code in self._selected:
            self._selected.discard(code)
        else:
            self._selected.add(code)
        self._repaint({code})
        self.post_message(self.Changed(self, self.selection))

    @property
    def shown(self) -> frozenset[str] | None:
        """The codes a filter shows, or None when every cell is shown."""
        return self._shown

    def cell_region(self, code: str) -> Region:
        """Where a cell's code is drawn, in the map's (unscrolled) content."""
        column, row = self.grid.cells[code]
        plan = self.layout_plan
        return Region(
            plan.starts[column] + 1, plan.line_of(row), plan.widths[column], 1
        )

    def scroll_to_cell(self, code: str) -> None:
        """Scroll so that a cell and its outline are visible."""
        self.scroll_to_region(
            self.cell_region(code).grow((1, 1, 1, 1)), animate=False, force=True
        )

    def _set_cursor(self, code: str) -> None:
        """Move the cursor and redraw what shows it."""
        previous, self._cursor = self._cursor, code
        same_region = self._region_of[previous] == self._region_of[code]
        self._repaint({previous, code} if same_region else None)

    def _repaint(self, codes: Iterable[str] | None = None) -> None:
        """Redraw the lines holding ``codes``, or the whole map for None.

        A toggle redraws one line of the map, not thirteen.
        """
        if codes is None:
            self._lines.clear()
            self.refresh()
            return
        rows = {self.grid.cells[code][1] for code in codes if code in self.grid.cells}
        for row in rows:
            line = self.layout_plan.line_of(row)
            self._lines.pop(line, None)
            self.refresh_line(line)

    def _navigable(self) -> set[str]:
        """Cells the cursor may visit: the shown ones, or all if none is."""
        if self._shown is None:
            return set(self.grid.cells)
        shown = {code for code in self.grid.cells if code in self._shown}
        return shown or set(self.grid.cells)

    # Actions and events

    def action_move(self, direction: Direction) -> None:
        """Move the cursor one cell towards ``direction``."""
        target = self.grid.neighbour(self._cursor, direction, self._navigable())
        if target is not None:
            self._set_cursor(target)
            self.scroll_to_cell(target)
            self.post_message(self.CursorMoved(self, target))

    def action_toggle_cell(self) -> None:
        """Select or clear the cell under the cursor."""
        self.toggle(self._cursor)

    def _cell_under(self, event: events.MouseEvent) -> str | None:
        code = event.style.meta.get("cell")
        return code if isinstance(code, str) else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Report the cell under the mouse, when it changes."""
        code = self._cell_under(event)
        if code != self._hover:
            self._hover = code
            self.post_message(self.Hovered(self, code))

    def on_leave(self, event: events.Leave) -> None:
        """The mouse left the map: nothing is hovered any more."""
        if self._hover is not None:
            self._hover = None
            self.post_message(self.Hovered(self, None))

    def on_click(self, event: events.Click) -> None:
        """A click on a cell moves the cursor there and toggles it."""
        code = self._cell_under(event)
        if code is None:
            return
        event.stop()
        if code != self._cursor:
            self._set_cursor(code)
            self.post_message(self.CursorMoved(self, code))
        self.toggle(code)

    # Drawing

    def watch_compact(self) -> None:
        """Switch between one and two lines per row."""
        self._update_virtual_size()
        self._lines.clear()
        self.refresh(layout=True)

    def _update_virtual_size(self) -> None:
        self.layout_plan = MapLayout(self.grid, compact=self.compact)
        self.virtual_size = Size(self.layout_plan.width, self.layout_plan.height)

    def notify_style_update(self) -> None:
        """Forget cached styles when the theme or the CSS changes."""
        self._styles.clear()
        self._lines.clear()
        super().notify_style_update()

    def _style(self, *components: str) -> Style:
        """The widget's style with components' styles layered on, in order.

        Only what a component sets is layered, so that ``selected`` keeps the
        région's colour; a colour with transparency (``$foreground 45%``) is
        first blended with the background, as a terminal cannot.
        """
        style = self._styles.get(components)
        if style is None:
            style = self.rich_style
            for component in components:
                name = f"departement-map--{component}"
                layer = self.get_component_rich_style(name, partial=True)
                if layer.color is not None:
                    blended = self.get_component_rich_style(name).color
                    layer += Style(color=blended)
                style += layer
            self._styles[components] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw one line of the map, scrolled."""
        scroll_x, scroll_y = self.scroll_offset
        line = y + scroll_y
        strip = self._lines.get(line)
        if strip is None:
            row = self.layout_plan.row_on(line)
            if row is not None:
                segments = self._cell_line(row)
            elif not self.compact and line < self.layout_plan.height:
                border = self.layout_plan.border_line(line // 2)
                segments = [Segment(border, self._style("border"))]
            else:
                segments = []
            width = self.layout_plan.width
            strip = Strip(segments).extend_cell_length(width, self._style())
            self._lines[line] = strip
        return strip.crop(scroll_x, scroll_x + self.size.width)

    def _cell_line(self, row: int) -> list[Segment]:
        """The cells of one row, with their separators."""
        segments = []
        border = self._style("border")
        for column in range(self.grid.columns + 1):
            segments.append(Segment(self.layout_plan.separator(column, row), border))
            if column < self.grid.columns:
                segments.extend(self._cell(column, row))
        return segments

    def _cell(self, column: int, row: int) -> list[Segment]:
        """One cell: its code between two marks, styled by its state."""
        width = self.layout_plan.widths[column]
        code = self.layout_plan.code_at.get((column, row))
        if code is None:
            return [Segment(" " * width, self._style())]
        selected = code in self._selected
        shown = self._shown is None or code in self._shown
        colour = (
            f"region-{self._colour_of[self._region_of[code] or ''] % REGION_COLOURS}"
            if shown
            else "muted"
        )
        extra = ["selected"] if selected else []
        if self._region_of[code] == self._region_of[self._cursor]:
            extra.append("cursor-region")
        body = self._style(colour, *extra)
        meta = Style.from_meta({"cell": code})
        room = width - len(code) - 2
        before, after = " " * (room // 2), " " * (room - room // 2)
        if code == self._cursor:
            mark = body + self._style("cursor") + meta
            return [
                Segment(before, self._style() + meta),
                Segment(">", mark),
                Segment(code, body + meta),
                Segment("<", mark),
                Segment(after, self._style() + meta),
            ]
        left, right = ("[", "]") if selected else (" ", " ")
        return [
            Segment(before, self._style() + meta),
            Segment(f"{left}{code}{right}", body + meta),
            Segment(after, self._style() + meta),
        ]
