"""Choosing places of execution: the filter, whole régions, and the map grid.

The picker offers two views of one selection, a tree of régions and a tile
map. What they share lives here, free of any interface code: how typed text
matches a place, which codes make up a région, and the tile grid read from
``data/tilegrid.csv`` with the moves between its cells and a colouring that
gives neighbouring régions different colours.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from amp_tui.config import data_dir
from amp_tui.reference import (
    COLLECTIVITY_ZONE,
    DepartementRow,
    RegionRow,
    departements,
    departements_by_code,
    french_order,
    regions,
)
from amp_tui.validation import fold

Direction = Literal["up", "down", "left", "right"]
Cell = tuple[int, int]

COLLECTIVITIES = "Collectivités d'outre-mer"
"""How the overseas collectivities are named as a group."""

_STEPS: dict[Direction, Cell] = {
    "up": (0, -1),
    "down": (0, 1),
    "left": (-1, 0),
    "right": (1, 0),
}


# Filtering


def search_key(text: str) -> str:
    """Reduce text to what a search compares: letters and digits only, folded.

    Accents, case, hyphens, apostrophes and spaces all disappear, so
    ``cote d or``, ``Côte-d'Or`` and ``COTEDOR`` give the same key.
    """
    return "".join(char for char in fold(text) if char.isalnum())


def place_matches(place: DepartementRow, query: str) -> bool:
    """Tell whether a place answers a typed query.

    A place matches when its name contains the query, or its label starts
    with it: the code alone (``6`` finds 60 to 69, ``2a`` finds Corse-du-Sud)
    or the label as the tab shows it (``(67) Bas-Rhin``). An empty query
    matches everything.
    """
    key = search_key(query)
    return (
        not key
        or search_key(place.label).startswith(key)
        or key in search_key(place.nom)
    )


def region_matches(region: RegionRow, query: str) -> bool:
    """Tell whether a région's name contains a typed query."""
    key = search_key(query)
    return not key or key in search_key(region.nom)


def matching_codes(query: str) -> frozenset[str]:
    """The codes a query finds: matching places, and every place of a région
    (``bretagne`` finds its four départements) or of the collectivities
    (``outre mer``) whose name matches."""
    key = search_key(query)
    if not key:
        return frozenset(place.code for place in departements())
    found_regions = {region.code for region in regions() if region_matches(region, key)}
    all_collectivities = key in search_key(COLLECTIVITIES)
    return frozenset(
        place.code
        for place in departements()
        if place_matches(place, key)
        or place.region_code in found_regions
        or (all_collectivities and place.zone == COLLECTIVITY_ZONE)
    )


# Describing places


def count_label(count: int) -> str:
    """``3 lieux sélectionnés``, in good French for 0 and 1."""
    if count == 0:
        return "Aucun lieu sélectionné"
    if count == 1:
        return "1 lieu sélectionné"
    return f"{count} lieux sélectionnés"


def place_line(code: str) -> str:
    """A place and where it belongs: ``(67) Bas-Rhin — Grand Est``."""
    place = departements_by_code().get(code)
    if place is None:
        return ""
    belongs_to = place.region_nom or "Collectivité d'outre-mer"
    return f"{place.label} — {belongs_to}"


def region_line(region_code: str, selection: Collection[str]) -> str:
    """A région and how much of it is chosen: ``Grand Est : 2 sur 10``."""
    members = region_codes(region_code)
    chosen = sum(1 for member in members if member in selection)
    return f"{region_by_code()[region_code].nom} : {chosen} sur {len(members)}"


# Régions


def region_by_code() -> dict[str, RegionRow]:
    """The régions keyed by INSEE code."""
    return {region.code: region for region in regions()}


def regions_in_display_order() -> tuple[RegionRow, ...]:
    """Metropolitan régions by name, then the overseas ones by name."""
    return tuple(
        sorted(
            regions(),
            key=lambda region: (region.zone != "metro", search_key(region.nom)),
        )
    )


def region_codes(region_code: str) -> tuple[str, ...]:
    """The codes of a région's départements, in French order."""
    return tuple(
        place.code for place in departements() if place.region_code == region_code
    )


def collectivities() -> tuple[DepartementRow, ...]:
    """The overseas collectivities, which belong to no région."""
    return tuple(place for place in departements() if place.zone == COLLECTIVITY_ZONE)


def toggle_region(selection: Iterable[str], region_code: str) -> frozenset[str]:
    """Select a whole région, or clear it when it is already all selected."""
    chosen = set(selection)
    members = set(region_codes(region_code))
    if members <= chosen:
        return frozenset(chosen - members)
    return frozenset(chosen | members)


def sorted_codes(codes: Iterable[str]) -> list[str]:
    """Codes in the order French lists use (2A and 2B after 19)."""
    return sorted(codes, key=french_order)


# The tile grid


@dataclass(frozen=True)
class TileGrid:
    """The map's cells: one per département of metropolitan France and per
    overseas département, ``(column, row)`` from the north-west corner."""

    cells: Mapping[str, Cell]
    columns: int
    rows: int

    @property
    def codes_at(self) -> dict[Cell, str]:
        """The code on each occupied cell."""
        return {cell: code for code, cell in self.cells.items()}

    def neighbour(
        self,
        code: str,
        direction: Direction,
        among: Collection[str] | None = None,
    ) -> str | None:
        """The cell an arrow key leads to from ``code``, or None at an edge.

        Candidates lie beyond ``code`` in ``direction`` (and are in
        ``among`` when it is given). The nearest one on the same line wins;
        otherwise the nearest on the closest line, so that empty sea cells
        are jumped over and the insets stay reachable.
        """
        column, row = self.cells[code]
        step_x, step_y = _STEPS[direction]
        best: tuple[int, int, str] | None = None
        for other, (other_column, other_row) in self.cells.items():
            if other == code or (among is not None and other not in among):
                continue
            ahead = (other_column - column) * step_x + (other_row - row) * step_y
            if ahead <= 0:
                continue
            across = abs((other_column - column) * step_y + (other_row - row) * step_x)
            rank = (across, ahead, other)
            if best is None or rank < best:
                best = rank
        return best[2] if best is not None else None


@lru_cache(maxsize=1)
def tile_grid() -> TileGrid:
    """The grid shipped in ``data/tilegrid.csv``."""
    with (data_dir() / "tilegrid.csv").open(encoding="utf-8", newline="") as handle:
        cells = {
            row["code"]: (int(row["col"]), int(row["row"]))
            for row in csv.DictReader(handle)
        }
    columns = 1 + max(column for column, _ in cells.values())
    rows = 1 + max(row for _, row in cells.values())
    return TileGrid(cells=cells, columns=columns, rows=rows)


def region_colours(grid: TileGrid) -> dict[str, int]:
    """Give each région a colour number so that régions whose cells touch,
    even by a corner, never share one; the fewest numbers a greedy pass finds.

    Régions are coloured most-constrained first (then by code), so the
    result is the same on every run.
    """
    region_of = {place.code: place.region_code for place in departements()}
    codes_at = grid.codes_at
    touching: dict[str, set[str]] = {}
    for (column, row), code in codes_at.items():
        region = region_of[code]
        assert region is not None, f"{code} has a cell but no région"
        touching.setdefault(region, set())
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                other = codes_at.get((column + dx, row + dy))
                other_region = region_of.get(other) if other else None
                if other_region is not None and other_region != region:
                    touching[region].add(other_region)
    colours: dict[str, int] = {}
    while len(colours) < len(touching):

        def constraint(region: str) -> tuple[int, int, str]:
            used = {colours[other] for other in touching[region] if other in colours}
            return (-len(used), -len(touching[region]), region)

        region = min((r for r in touching if r not in colours), key=constraint)
        used = {colours[other] for other in touching[region] if other in colours}
        colours[region] = next(n for n in range(len(touching)) if n not in used)
    return colours


# Drawing the grid as text

_CORNERS = " ╶╴─╷┌┐┬╵└┘┴│├┤┼"
"""The box-drawing character for a corner, indexed by which of its arms
(up 8, down 4, left 2, right 1) separate two régions, or a région and the sea."""


class MapLayout:
    """Where a tile grid is drawn in a terminal, and its région borders.

    Each column is as wide as its longest code plus two marks (``[67]``),
    with one character between columns for a border. The ``compact`` layout
    gives each row one line and draws only the borders between two régions;
    the other gives each row a line of cells and a line of borders above it,
    which outline every région and the coast.
    """

    def __init__(self, grid: TileGrid, *, compact: bool) -> None:
        """Lay out ``grid`` in one or two lines per row."""
        self.grid = grid
        """The grid drawn."""
        self.compact = compact
        """One line per row, without outlines."""
        self.code_at = grid.codes_at
        """The code on each occupied cell."""
        self._region_of = {place.code: place.region_code for place in departements()}
        self.widths = tuple(
            2 + max((len(code) for (c, _), code in self.code_at.items() if c == column))
            for column in range(grid.columns)
        )
        """The width of each column's cells, marks included."""
        self.starts = tuple(
            sum(width + 1 for width in self.widths[:column])
            for column in range(grid.columns + 1)
        )
        """The x of the border before each column (and after the last)."""

    @property
    def width(self) -> int:
        """Characters across the whole map."""
        return self.starts[-1] + 1

    @property
    def height(self) -> int:
        """Lines down the whole map."""
        return self.grid.rows if self.compact else 2 * self.grid.rows + 1

    def line_of(self, row: int) -> int:
        """The line where a row's cells are drawn."""
        return row if self.compact else 2 * row + 1

    def row_on(self, line: int) -> int | None:
        """The row whose cells a line shows, or None for a border line."""
        if self.compact:
            return line if 0 <= line < self.grid.rows else None
        return line // 2 if line % 2 else None

    def region_at(self, column: int, row: int) -> str | None:
        """The région of a cell, or None for the sea and beyond the edges."""
        code = self.code_at.get((column, row))
        return self._region_of.get(code) if code else None

    def separator(self, column: int, row: int) -> str:
        """The character on the border before ``column``, on a row's line.

        Limitation: the compact layout has no line between rows, so a border
        between a région and the one below it is shown only by colour. Without
        colour (``NO_COLOR``) and in 24 lines, such neighbours are told apart
        by the status line and by the bold cells of the cursor's région.
        """
        left, here = self.region_at(column - 1, row), self.region_at(column, row)
        apart = left != here and not (self.compact and None in (left, here))
        return "│" if apart else " "

    def border_line(self, row: int) -> str:
        """The line of borders above ``row``, corners included."""
        parts = []
        for column in range(self.grid.columns + 1):
            above_left = self.region_at(column - 1, row - 1)
            above = self.region_at(column, row - 1)
            left = self.region_at(column - 1, row)
            here = self.region_at(column, row)
            corner = (
                8 * (above_left != above)
                + 4 * (left != here)
                + 2 * (above_left != left)
                + (above != here)
            )
            parts.append(_CORNERS[corner])
            if column < self.grid.columns:
                parts.append(("─" if above != here else " ") * self.widths[column])
        return "".join(parts)
