"""The places picker, driven by keys and the mouse at 80×24: the map and the
tree stay in step, typing filters both, Valider applies and Annuler drops."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from amp_tui.places import region_codes, tile_grid
from amp_tui.reference import departements
from screens.dialogs.places_picker import PlacesPicker
from screens.widgets.checkbox_tree import CheckState
from screens.widgets.departement_map import DepartementMap
from screens.widgets.places_tree import PlacesTree, region_key

SIZE = (80, 24)
GRAND_EST = frozenset(region_codes("44"))


class PickerHarness(App[None]):
    """An app that opens the picker and records what it returns."""

    def __init__(self, selection: Iterable[str] = ()) -> None:
        super().__init__()
        self.initial = frozenset(selection)
        self.results: list[frozenset[str] | None] = []

    def on_mount(self) -> None:
        self.push_screen(PlacesPicker(self.initial), self.results.append)


def picker(pilot: Pilot[None]) -> PlacesPicker:
    screen = pilot.app.screen
    assert isinstance(screen, PlacesPicker)
    return screen


def views(pilot: Pilot[None]) -> tuple[PlacesTree, DepartementMap]:
    screen = picker(pilot)
    return screen.tree_view, screen.map_view


def assert_views_agree(pilot: Pilot[None]) -> frozenset[str]:
    """The map, the tree and the dialog hold one and the same selection."""
    screen = picker(pilot)
    tree, places_map = views(pilot)
    assert tree.selection == places_map.selection == screen.selection
    return screen.selection


def status(pilot: Pilot[None]) -> str:
    return str(picker(pilot).query_one("#places-status", Static).content)


def arrow_path(start: str, goal: str) -> list[str]:
    """The arrow keys that lead the map's cursor from ``start`` to ``goal``."""
    grid = tile_grid()
    came_from: dict[str, tuple[str, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        code = queue.popleft()
        if code == goal:
            break
        for key in ("up", "down", "left", "right"):
            target = grid.neighbour(code, key)
            if target is not None and target not in came_from:
                came_from[target] = (code, key)
                queue.append(target)
    keys: list[str] = []
    step = came_from[goal]
    while step is not None:
        keys.append(step[1])
        step = came_from[step[0]]
    return keys[::-1]


async def map_cursor_to(pilot: Pilot[None], code: str) -> None:
    _, places_map = views(pilot)
    places_map.focus()
    await pilot.press(*arrow_path(places_map.cursor, code))
    assert places_map.cursor == code


async def tree_cursor_to(pilot: Pilot[None], key: str) -> None:
    """Walk the tree's cursor to ``key`` with the arrows, unfolding its région."""
    tree, _ = views(pilot)
    tree.focus()
    region = next(
        (place.region_code for place in departements() if place.code == key), None
    )
    path = [region_key(region), key] if region else [key]
    for step in path:
        await pilot.pause()
        node = tree.node_for(step)
        assert node is not None, step
        tree.last_line  # noqa: B018 - lays the lines out after an unfold
        while tree.cursor_line < node.line:
            await pilot.press("down")
        while tree.cursor_line > node.line:
            await pilot.press("up")
        if step != key and node.is_collapsed:
            await pilot.press("right")
    entry = tree.cursor_entry
    assert entry is not None and entry.key == key


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*(char if char != " " else "space" for char in text))


async def test_buyer_selects_on_the_map_with_arrows_and_space() -> None:
    app = PickerHarness()
    async with app.run_test(size=SIZE) as pilot:
        tree, places_map = views(pilot)
        assert app.focused is places_map

        await map_cursor_to(pilot, "67")
        await pilot.press("space")
        await map_cursor_to(pilot, "68")
        await pilot.press("space")

        assert assert_views_agree(pilot) == {"67", "68"}
        assert tree.state("67") is CheckState.CHECKED
        assert tree.state(region_key("44")) is CheckState.PARTIAL
        assert "2 lieux sélectionnés" in str(
            picker(pilot).query_one("#places-count", Static).content
        )
        await pilot.click("#places-ok")
    assert app.results == [{"67", "68"}]


async def test_the_status_line_names_the_cell_under_the_cursor_and_its_region() -> None:
    app = PickerHarness()
    async with app.run_test(size=SIZE) as pilot:
        await map_cursor_to(pilot, "67")

        assert status(pilot) == "(67) Bas-Rhin — Grand Est"
        tree, _ = views(pilot)
        assert tree.cursor_entry is not None and tree.cursor_entry.key == "67"


async def test_a_click_toggles_a_cell_and_hovering_names_it() -> None:
    app = PickerHarness({"75"})
    async with app.run_test(size=SIZE) as pilot:
        _, places_map = views(pilot)
        cell = places_map.cell_region("2A")
        offset = places_map.content_region.offset - places_map.region.offset
        target = (offset.x + cell.x + 1, offset.y + cell.y)

        await pilot.hover("#places-map", offset=target)
        assert status(pilot) == "(2A) Corse-du-Sud — Corse"

        await pilot.click("#places-map", offset=target)
        assert assert_views_agree(pilot) == {"75", "2A"}
        assert places_map.cursor == "2A"

        await pilot.click("#places-map", offset=target)
        assert assert_views_agree(pilot) == {"75"}


async def test_checking_in_the_tree_fills_the_cell_on_the_map() -> None:
    app = PickerHarness()
    async with app.run_test(size=SIZE) as pilot:
        _, places_map = views(pilot)
        await tree_cursor_to(pilot, "29")
        await pilot.press("space")

        assert assert_views_agree(pilot) == {"29"}
        assert places_map.cursor == "29"
        y = places_map.cell_region("29").y
        assert "[29]" in places_map.render_line(y).text or ">29<" in (
            places_map.render_line(y).text
        )


async def test_checking_a_region_in_the_tree_selects_exactly_its_departements() -> None:
    app = PickerHarness({"75"})
    async with app.run_test(size=SIZE) as pilot:
        await tree_cursor_to(pilot, region_key("44"))
        await pilot.press("space")

        assert assert_views_agree(pilot) == GRAND_EST | {"75"}

        await pilot.press("space")
        assert assert_views_agree(pilot) == {"75"}


async def test_ctrl_r_selects_the_whole_region_of_the_map_cursor() -> None:
    app = PickerHarness({"971"})
    async with app.run_test(size=SIZE) as pilot:
        await map_cursor_to(pilot, "57")
        await pilot.press("ctrl+r")

        assert assert_views_agree(pilot) == GRAND_EST | {"971"}
        tree, _ = views(pilot)
        assert tree.state(region_key("44")) is CheckState.CHECKED

        await pilot.press("ctrl+r")
        assert assert_views_agree(pilot) == {"971"}


async def test_typing_on_the_map_filters_and_enter_leads_to_the_result() -> None:
    app = PickerHarness()
    async with app.run_test(size=SIZE) as pilot:
        tree, places_map = views(pilot)
        await type_text(pilot, "cote d or")
        await pilot.pause()

        filter_input = picker(pilot).query_one("#places-filter", Input)
        assert filter_input.value == "cote d or"
        assert tree.shown_leaves() == ["21"]
        assert places_map.shown == {"21"}
        assert places_map.cursor == "21"

        await pilot.press("enter")
        assert app.focused is tree
        await pilot.pause()
        await pilot.press("space")
        assert assert_views_agree(pilot) == {"21"}


async def test_each_filter_of_the_story_finds_its_place() -> None:
    expected = {
        "bas rhin": ["67"],
        "67": ["67"],
        "cote d or": ["21"],
        "2a": ["2A"],
        "REUNION": ["974"],
    }
    app = PickerHarness()
    async with app.run_test(size=SIZE) as pilot:
        tree, places_map = views(pilot)
        filter_input = picker(pilot).query_one("#places-filter", Input)
        for typed, found in expected.items():
            filter_input.focus()
            await pilot.press("ctrl+u")
            await type_text(pilot, typed)
            await pilot.pause()

            assert tree.shown_leaves() == found, typed
            assert places_map.shown == set(found), typed


async def test_a_filter_that_finds_nothing_says_so() -> None:
    app = PickerHarness()
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "xyzzy")
        await pilot.pause()

        assert status(pilot) == "Aucun lieu ne correspond à « xyzzy »."
        assert views(pilot)[0].shown_leaves() == []


async def test_selection_made_under_a_filter_survives_clearing_it() -> None:
    app = PickerHarness({"75"})
    async with app.run_test(size=SIZE) as pilot:
        tree, places_map = views(pilot)
        await type_text(pilot, "rhin")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space", "down", "space")
        await pilot.press("escape")
        await pilot.pause()

        assert picker(pilot).query_one("#places-filter", Input).value == ""
        assert places_map.shown is None
        assert len(tree.shown_leaves()) == 109
        assert assert_views_agree(pilot) == {"67", "68", "75"}


async def test_map_and_tree_agree_after_any_mix_of_actions() -> None:
    app = PickerHarness({"2B"})
    async with app.run_test(size=SIZE) as pilot:
        await map_cursor_to(pilot, "13")
        await pilot.press("space")
        assert_views_agree(pilot)
        await pilot.press("ctrl+r")
        assert_views_agree(pilot)
        await tree_cursor_to(pilot, "06")
        await pilot.press("space")
        assert_views_agree(pilot)
        await type_text(pilot, "97")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space", "down", "down", "space")
        assert_views_agree(pilot)
        await pilot.press("escape")
        await map_cursor_to(pilot, "2B")
        await pilot.press("enter")

        selection = assert_views_agree(pilot)
        provence = set(region_codes("93"))
        assert selection == (provence - {"06"}) | {"971", "973"}


async def test_annuler_drops_every_change() -> None:
    app = PickerHarness({"67", "68"})
    async with app.run_test(size=SIZE) as pilot:
        await map_cursor_to(pilot, "29")
        await pilot.press("space", "ctrl+r")
        await pilot.click("#places-cancel")

    assert app.results == [None]


async def test_escape_clears_the_filter_first_then_closes_without_applying() -> None:
    app = PickerHarness({"67"})
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "68")
        await pilot.press("enter", "space")
        await pilot.pause()

        await pilot.press("escape")
        assert isinstance(app.screen, PlacesPicker)
        await pilot.press("escape")

    assert app.results == [None]


async def test_the_whole_picker_fits_in_80_by_24() -> None:
    app = PickerHarness({"67"})
    async with app.run_test(size=SIZE) as pilot:
        screen = picker(pilot)
        tree, places_map = views(pilot)
        await pilot.pause()

        assert places_map.compact
        assert not screen.has_class("-wide")
        assert places_map.size.height == tile_grid().rows
        assert places_map.max_scroll_x == 0
        assert tree.size.height >= 4
        for widget_id in ("#places-filter", "#places-ok", "#places-cancel"):
            region = screen.query_one(widget_id).region
            assert region.bottom <= 24 and region.right <= 80, widget_id


async def test_a_large_terminal_shows_the_views_side_by_side_with_outlines() -> None:
    app = PickerHarness({"67"})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = picker(pilot)
        tree, places_map = views(pilot)
        await pilot.pause()

        assert screen.has_class("-wide")
        assert not places_map.compact
        assert places_map.size.height == 2 * tile_grid().rows + 1
        assert tree.region.x >= places_map.region.right
        assert tree.size.height > 30


async def test_a_terminal_smaller_than_the_map_scrolls_it_to_the_cursor() -> None:
    app = PickerHarness()
    async with app.run_test(size=(60, 20)) as pilot:
        tree, places_map = views(pilot)
        await pilot.pause()
        assert places_map.size.height < tile_grid().rows
        assert tree.size.height >= 3

        for code in ("2A", "29", "59"):
            await map_cursor_to(pilot, code)
            await pilot.pause()
            cell = places_map.cell_region(code)
            seen = places_map.scrollable_content_region.size
            x, y = (
                cell.x - places_map.scroll_offset.x,
                cell.y - places_map.scroll_offset.y,
            )
            assert 0 <= x <= seen.width - cell.width, code
            assert 0 <= y < seen.height, code
