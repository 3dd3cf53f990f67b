"""Build ``data/tilegrid.csv``, the tile-map positions of the départements.

The map picker draws metropolitan France as a grid of equal cells, one per
département, so that arrow keys move between neighbours. This script derives
the cells from the centroids in ``data/departements.csv`` and writes
``code,col,row`` rows (column 0 is the west edge, row 0 the north edge).

How the cells are chosen, in order:

1. Project each mainland centroid to the plane (longitude scaled by the cosine
   of 46.5° so that east-west and north-south distances compare), then
   widen it by ``X_STRETCH``: France is as wide as it is tall, but a grid of
   départements needs more columns than rows to keep Alsace out east.
2. Magnify the area around Paris with a radial lens: Île-de-France packs eight
   départements into a space smaller than one cell, so every point within
   ``LENS_RADIUS`` of Paris is pushed outwards by up to ``LENS_PUSH``.
3. Divide by ``CELL_SIZE`` to get fractional grid coordinates, then give each
   département a distinct cell by solving the assignment problem that
   minimises the sum of squared distances between points and cells (the
   Hungarian method, so the result is optimal and deterministic).
4. Apply ``OVERRIDES``, a short hand-made table that repairs the few places
   where the optimum breaks a well-known border (Normandy, the Atlantic
   coast, Provence).
5. Place Corsica and the five overseas départements as detached insets
   (``INSETS``), then check the landmarks a reader looks for first
   (``check_shape``).

Run from the repository root, then read the printed map::

    python data/tools/build_tilegrid.py          # writes data/tilegrid.csv
    python data/tools/build_tilegrid.py --check  # prints only
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent
SOURCE = DATA_DIR / "departements.csv"
TARGET = DATA_DIR / "tilegrid.csv"

# Tuning, in degrees of latitude (one degree is about 111 km). These values
# were chosen by printing the map for a range of settings and reading it.
REFERENCE_LATITUDE = 46.5
CELL_SIZE = 0.75  # side of one cell
X_STRETCH = 1.12  # extra east-west spread
PARIS = "75"  # centre of the lens
LENS_PUSH = 0.5  # how far the lens moves a point next to Paris
LENS_RADIUS = 1.8  # points farther than this from Paris do not move

# Hand adjustments applied after the assignment, as code -> (col, row).
# Each entry fixes a border that the optimum got wrong; a département moved
# here frees its cell, and the table must leave no two codes in one cell.
OVERRIDES: dict[str, tuple[int, int]] = {
    # Normandy: Eure under Seine-Maritime, Calvados and Manche west of it.
    "50": (2, 2),
    "14": (3, 2),
    "27": (4, 2),
    # Atlantic coast: close the gap between Charente-Maritime and the Landes,
    # and let the Pays basque turn the corner towards the Pyrénées.
    "33": (4, 7),
    "40": (4, 8),
    "64": (3, 9),
    # Provence: Bouches-du-Rhône by the Var, Vaucluse by the Gard.
    "84": (9, 9),
    "13": (10, 9),
}

# Detached insets, as code -> (col, row): Corsica off the south-east coast,
# the overseas départements in a column in the Atlantic, west of Aquitaine.
INSETS: dict[str, tuple[int, int]] = {
    "2B": (13, 11),
    "2A": (13, 12),
    "971": (0, 6),
    "972": (0, 7),
    "973": (0, 8),
    "974": (0, 9),
    "976": (0, 10),
}


def read_departements() -> list[dict[str, str]]:
    """Return the rows of ``departements.csv``."""
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def project(lat: float, lon: float) -> tuple[float, float]:
    """Project a centroid to the plane (x grows eastwards, y northwards)."""
    return lon * math.cos(math.radians(REFERENCE_LATITUDE)), lat


def magnify(
    point: tuple[float, float], centre: tuple[float, float]
) -> tuple[float, float]:
    """Push ``point`` away from ``centre`` when it lies inside the lens."""
    dx, dy = point[0] - centre[0], point[1] - centre[1]
    distance = math.hypot(dx, dy)
    if distance == 0 or distance >= LENS_RADIUS:
        return point
    pushed = distance + LENS_PUSH * (1 - distance / LENS_RADIUS)
    return centre[0] + dx * pushed / distance, centre[1] + dy * pushed / distance


def solve_assignment(cost: list[list[float]]) -> list[int]:
    """Return, for each row of ``cost``, the column of a minimum-cost matching.

    The Hungarian method with row and column potentials; ``cost`` has at most
    as many rows as columns. Ties resolve towards lower indices, so the result
    depends only on the input.
    """
    rows, cols = len(cost), len(cost[0])
    row_potential = [0.0] * (rows + 1)
    col_potential = [0.0] * (cols + 1)
    owner = [0] * (cols + 1)  # owner[j]: 1-based row matched to column j
    previous = [0] * (cols + 1)
    for row in range(1, rows + 1):
        owner[0] = row
        free_col = 0
        slack = [math.inf] * (cols + 1)
        visited = [False] * (cols + 1)
        while True:
            visited[free_col] = True
            current = owner[free_col]
            delta, next_col = math.inf, 0
            for col in range(1, cols + 1):
                if visited[col]:
                    continue
                reduced = (
                    cost[current - 1][col - 1]
                    - row_potential[current]
                    - col_potential[col]
                )
                if reduced < slack[col]:
                    slack[col], previous[col] = reduced, free_col
                if slack[col] < delta:
                    delta, next_col = slack[col], col
            for col in range(cols + 1):
                if visited[col]:
                    row_potential[owner[col]] += delta
                    col_potential[col] -= delta
                else:
                    slack[col] -= delta
            free_col = next_col
            if owner[free_col] == 0:
                break
        while free_col:
            back = previous[free_col]
            owner[free_col] = owner[back]
            free_col = back
    matched = [0] * rows
    for col in range(1, cols + 1):
        if owner[col]:
            matched[owner[col] - 1] = col - 1
    return matched


def mainland_cells(departements: list[dict[str, str]]) -> dict[str, tuple[int, int]]:
    """Assign a distinct cell to every mainland département (Corsica aside)."""
    mainland = [
        row
        for row in departements
        if row["zone"] == "metro" and row["code"] not in INSETS
    ]
    points = {
        row["code"]: project(float(row["lat"]), float(row["lon"])) for row in mainland
    }
    centre = points[PARIS]
    points = {code: magnify(point, centre) for code, point in points.items()}
    west = min(x for x, _ in points.values())
    north = max(y for _, y in points.values())
    fractional = {
        code: ((x - west) * X_STRETCH / CELL_SIZE, (north - y) / CELL_SIZE)
        for code, (x, y) in points.items()
    }
    width = math.ceil(max(x for x, _ in fractional.values())) + 1
    height = math.ceil(max(y for _, y in fractional.values())) + 1
    cells = [(col, row) for row in range(height) for col in range(width)]
    codes = sorted(fractional)
    cost = [
        [
            (fractional[code][0] - col) ** 2 + (fractional[code][1] - row) ** 2
            for col, row in cells
        ]
        for code in codes
    ]
    matched = solve_assignment(cost)
    return {code: cells[cell] for code, cell in zip(codes, matched, strict=True)}


def build_grid(departements: list[dict[str, str]]) -> dict[str, tuple[int, int]]:
    """Return code -> (col, row) for every metropolitan and overseas département."""
    grid = mainland_cells(departements)
    grid.update(OVERRIDES)
    grid.update(INSETS)
    wanted = {row["code"] for row in departements if row["zone"] in ("metro", "drom")}
    if set(grid) != wanted:
        raise SystemExit(f"codes differ from departements.csv: {set(grid) ^ wanted}")
    taken: dict[tuple[int, int], str] = {}
    for code, cell in sorted(grid.items()):
        if cell in taken:
            raise SystemExit(f"{code} and {taken[cell]} share cell {cell}")
        taken[cell] = code
    check_shape(grid)
    return grid


def check_shape(grid: dict[str, tuple[int, int]]) -> None:
    """Fail unless the landmarks of the map sit where a French reader expects."""
    mainland = {code: cell for code, cell in grid.items() if code not in INSETS}
    cols = [col for col, _ in mainland.values()]
    rows = [row for _, row in mainland.values()]
    inset_corners = [
        (col + dc, row + dr)
        for col, row in INSETS.values()
        for dc in (-1, 0, 1)
        for dr in (-1, 0, 1)
    ]
    landmarks = {
        "Finistère is the westernmost": grid["29"][0] == min(cols),
        "Alsace is the easternmost": {grid["67"][0], grid["68"][0]} == {max(cols)},
        "Bas-Rhin is north of Haut-Rhin": grid["67"][1] < grid["68"][1],
        "Nord is on the top row": grid["59"][1] == min(rows),
        "the Pyrénées are on the bottom rows": all(
            grid[code][1] >= max(rows) - 2 for code in ("64", "65", "09", "66")
        ),
        "Paris touches 92, 93 and 94": all(
            _touching(grid["75"], grid[code]) for code in ("92", "93", "94")
        ),
        "the Alpes are south-east of Lyon": all(
            grid[code][0] > grid["69"][0] and grid[code][1] > grid["69"][1]
            for code in ("73", "05", "04", "06")
        ),
        "the insets touch no mainland cell, not even by a corner": not (
            set(inset_corners) & set(mainland.values())
        ),
    }
    broken = [name for name, holds in landmarks.items() if not holds]
    if broken:
        raise SystemExit("the map no longer reads as France: " + "; ".join(broken))


def _touching(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Tell whether two cells share a side."""
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1


def ascii_map(grid: dict[str, tuple[int, int]]) -> str:
    """Draw the grid with one three-character column per cell."""
    by_cell = {cell: code for code, cell in grid.items()}
    width = max(col for col, _ in by_cell) + 1
    height = max(row for _, row in by_cell) + 1
    lines = ["    " + "".join(f"{col:>4}" for col in range(width))]
    for row in range(height):
        cells = "".join(f"{by_cell.get((col, row), '.'):>4}" for col in range(width))
        lines.append(f"{row:>4}{cells}")
    return "\n".join(lines)


def write_grid(grid: dict[str, tuple[int, int]]) -> None:
    """Write ``tilegrid.csv``, sorted by code as strings like departements.csv."""
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "col", "row"])
        for code in sorted(grid):
            writer.writerow([code, *grid[code]])


def main() -> None:
    """Build the grid, print it, and write it unless ``--check`` is given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print, do not write")
    arguments = parser.parse_args()
    grid = build_grid(read_departements())
    print(ascii_map(grid))
    if not arguments.check:
        write_grid(grid)
        print(f"wrote {len(grid)} cells to {TARGET.relative_to(DATA_DIR.parent)}")


if __name__ == "__main__":
    main()
