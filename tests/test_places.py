"""What the places picker knows without a screen: the filter, whole régions,
and the tile grid of the map."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amp_tui.places import (
    MapLayout,
    collectivities,
    count_label,
    matching_codes,
    place_line,
    region_codes,
    region_colours,
    region_line,
    regions_in_display_order,
    search_key,
    tile_grid,
    toggle_region,
)
from amp_tui.reference import (
    DepartementRow,
    departements,
    departements_by_code,
    regions,
)

METRO_AND_OVERSEAS = [place for place in departements() if place.zone != "com"]

# The régions' départements as the INSEE lists them (COG 2026), typed here
# independently of data/, so that a misfiled row in the CSV fails a test.
INSEE_REGIONS = {
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "27": "21 25 39 58 70 71 89 90",
    "53": "22 29 35 56",
    "24": "18 28 36 37 41 45",
    "94": "2A 2B",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "32": "02 59 60 62 80",
    "11": "75 77 78 91 92 93 94 95",
    "28": "14 27 50 61 76",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "52": "44 49 53 72 85",
    "93": "04 05 06 13 83 84",
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
}


# The grid


def test_every_departement_has_one_cell_and_no_two_share_one() -> None:
    grid = tile_grid()
    cells = list(grid.cells.values())

    assert set(grid.cells) == {place.code for place in METRO_AND_OVERSEAS}
    assert len(cells) == len(set(cells)) == 101
    assert all(
        0 <= column < grid.columns and 0 <= row < grid.rows for column, row in cells
    )
    assert (grid.columns, grid.rows) == (14, 13)


def test_collectivities_have_no_cell_on_the_map() -> None:
    grid = tile_grid()

    assert not {place.code for place in collectivities()} & set(grid.cells)


def test_grid_codes_are_the_reference_strings() -> None:
    cells = tile_grid().cells

    assert {"01", "2A", "2B", "971"} <= set(cells)
    assert not {"1", "20", "2a"} & set(cells)


def test_the_map_keeps_france_in_shape() -> None:
    cells = tile_grid().cells
    metro = [place.code for place in METRO_AND_OVERSEAS if place.zone == "metro"]
    mainland = [code for code in metro if code not in ("2A", "2B")]
    west = min(mainland, key=lambda code: cells[code][0])
    north = min(mainland, key=lambda code: cells[code][1])

    assert west == "29"
    assert north in ("59", "62", "80")
    assert cells["67"][0] > cells["75"][0] > cells["29"][0]
    assert cells["66"][1] > cells["75"][1] > cells["59"][1]
    assert cells["2A"][1] > cells["2B"][1]


def test_neighbouring_regions_never_share_a_colour() -> None:
    grid = tile_grid()
    colours = region_colours(grid)
    places = departements_by_code()
    codes_at = grid.codes_at

    for (column, row), code in codes_at.items():
        for dx, dy in ((1, 0), (0, 1), (1, 1), (1, -1)):
            other = codes_at.get((column + dx, row + dy))
            if other is None:
                continue
            mine, theirs = places[code].region_code, places[other].region_code
            if mine != theirs:
                assert colours[mine or ""] != colours[theirs or ""], (code, other)
    assert max(colours.values()) < 5
    assert region_colours(grid) == colours


def test_arrows_jump_over_the_sea_to_the_nearest_cell() -> None:
    grid = tile_grid()

    assert grid.neighbour("67", "left") == "88"
    assert grid.neighbour("67", "down") == "68"
    assert grid.neighbour("29", "right") == "22"
    assert grid.neighbour("29", "left") is None
    assert grid.neighbour("971", "right") == "17"
    assert grid.neighbour("17", "left") == "971"
    assert grid.neighbour("2A", "up") == "2B"
    assert grid.neighbour("2A", "down") is None


def test_every_cell_can_be_reached_with_arrows() -> None:
    grid = tile_grid()
    seen = {"75"}
    pending = ["75"]
    while pending:
        code = pending.pop()
        for direction in ("up", "down", "left", "right"):
            target = grid.neighbour(code, direction)
            if target is not None and target not in seen:
                seen.add(target)
                pending.append(target)

    assert seen == set(grid.cells)


def test_arrows_stay_among_the_cells_a_filter_shows() -> None:
    grid = tile_grid()
    shown = {"67", "68", "2A"}

    assert grid.neighbour("67", "down", shown) == "68"
    assert grid.neighbour("68", "down", shown) == "2A"
    assert grid.neighbour("67", "left", shown) is None


# The filter


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("bas rhin", {"67"}),
        ("Bas-Rhin", {"67"}),
        ("67", {"67"}),
        ("cote d or", {"21"}),
        ("Côte-d'Or", {"21"}),
        ("2a", {"2A"}),
        ("2A", {"2A"}),
        ("REUNION", {"974"}),
        ("la réunion", {"974"}),
        ("  haut rhin ", {"68"}),
        ("cotes d armor", {"22"}),
        ("bretagne", {"22", "29", "35", "56"}),
        ("971", {"971"}),
        ("polynesie", {"987"}),
        ("outre mer", {place.code for place in collectivities()}),
    ],
)
def test_typing_finds_places_by_code_or_name(typed: str, found: set[str]) -> None:
    assert matching_codes(typed) == found


def test_a_code_matches_from_its_start() -> None:
    assert matching_codes("6") == {f"6{digit}" for digit in "0123456789"}
    assert matching_codes("97") == {
        place.code for place in departements() if place.code.startswith("97")
    }


def test_an_empty_filter_shows_everything_and_nonsense_shows_nothing() -> None:
    everything = {place.code for place in departements()}

    assert matching_codes("") == everything
    assert matching_codes(" - ' ") == everything
    assert matching_codes("xyzzy") == frozenset()


def test_side_by_side_names_are_told_apart() -> None:
    assert matching_codes("cote d or") == {"21"}
    assert "21" not in matching_codes("cotes d armor")
    assert matching_codes("haute corse") == {"2B"}


@given(st.sampled_from(departements()))
def test_every_place_is_found_by_its_code_and_by_its_name(
    place: DepartementRow,
) -> None:
    assert place.code in matching_codes(place.code.lower())
    assert place.code in matching_codes(place.nom.upper())
    assert place.code in matching_codes(place.label)


def test_the_search_key_drops_accents_case_hyphens_apostrophes_and_spaces() -> None:
    assert search_key("Côte-d'Or") == search_key("cote d or") == "cotedor"
    assert search_key("Côte-d’Or") == "cotedor"
    assert search_key("Île-de-France") == "iledefrance"


# Régions


def test_every_departement_is_in_its_insee_region() -> None:
    for region, codes in INSEE_REGIONS.items():
        assert set(region_codes(region)) == set(codes.split()), region
    assert sum(len(codes.split()) for codes in INSEE_REGIONS.values()) == 101


def test_selecting_a_region_selects_exactly_its_departements() -> None:
    grand_est = toggle_region(set(), "44")

    assert grand_est == {
        place.code for place in departements() if place.region_nom == "Grand Est"
    }
    assert len(grand_est) == 10
    assert toggle_region({"75"}, "44") == grand_est | {"75"}


def test_selecting_a_complete_region_again_clears_it_and_nothing_else() -> None:
    chosen = toggle_region({"75", "971"}, "44")

    assert toggle_region(chosen, "44") == {"75", "971"}
    assert toggle_region({"67", "75"}, "44") == toggle_region(set(), "44") | {"75"}


def test_every_region_is_listed_once_metropolitan_first() -> None:
    shown = regions_in_display_order()
    zones = [region.zone for region in shown]

    assert sorted(region.code for region in shown) == sorted(
        region.code for region in regions()
    )
    assert zones == sorted(zones, key=lambda zone: zone != "metro")
    assert shown[0].nom == "Auvergne-Rhône-Alpes"
    assert sum(len(region_codes(region.code)) for region in shown) == 101


# Drawing the map as text


def test_the_map_fits_80_columns_in_13_or_27_lines() -> None:
    compact = MapLayout(tile_grid(), compact=True)
    roomy = MapLayout(tile_grid(), compact=False)

    assert compact.width == roomy.width <= 76
    assert (compact.height, roomy.height) == (13, 27)
    assert compact.widths[0] == len("[971]")
    assert set(compact.widths[1:]) == {len("[67]")}


def test_region_outlines_are_closed_lines() -> None:
    layout = MapLayout(tile_grid(), compact=False)
    borders = [layout.border_line(row) for row in range(tile_grid().rows + 1)]

    assert not any(end in line for line in borders for end in "╵╷╴╶")
    assert borders[0].strip() == "┌──────────────┐"
    assert all(
        layout.separator(0, row) == ("│" if layout.code_at.get((0, row)) else " ")
        for row in range(tile_grid().rows)
    )


def test_the_compact_map_separates_regions_but_not_the_coast() -> None:
    layout = MapLayout(tile_grid(), compact=True)
    column_67, row = tile_grid().cells["67"]
    column_88, _ = tile_grid().cells["88"]

    assert layout.separator(column_67, row) == " "
    assert layout.separator(column_88, row) == " "
    assert layout.separator(column_67 + 1, row) == " "
    assert layout.separator(*tile_grid().cells["53"]) == "│"


# Describing places


def test_the_status_line_names_a_place_and_where_it_belongs() -> None:
    assert place_line("67") == "(67) Bas-Rhin — Grand Est"
    assert place_line("2A") == "(2A) Corse-du-Sud — Corse"
    assert place_line("975") == (
        "(975) Saint-Pierre-et-Miquelon — Collectivité d'outre-mer"
    )
    assert region_line("44", {"67", "68", "75"}) == "Grand Est : 2 sur 10"


def test_the_count_speaks_good_french() -> None:
    assert [count_label(n) for n in (0, 1, 2)] == [
        "Aucun lieu sélectionné",
        "1 lieu sélectionné",
        "2 lieux sélectionnés",
    ]
