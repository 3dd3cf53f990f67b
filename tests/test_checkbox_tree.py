"""The checkbox tree, driven by keys and clicks in a small app at 80×24."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from screens.widgets.checkbox_tree import CheckboxNode, CheckboxTree, CheckState

GRAND_EST = CheckboxNode(
    "44",
    "Grand Est",
    (
        CheckboxNode("67", "(67) Bas-Rhin"),
        CheckboxNode("68", "(68) Haut-Rhin"),
        CheckboxNode("57", "(57) Moselle", disabled_reason="Hors de votre périmètre"),
    ),
)
BOURGOGNE = CheckboxNode(
    "27",
    "Bourgogne-Franche-Comté",
    (CheckboxNode("21", "(21) Côte-d'Or"), CheckboxNode("25", "(25) Doubs")),
)
REGIONS = (GRAND_EST, BOURGOGNE)


class TreeApp(App[None]):
    """One checkbox tree, recording every Changed message it posts."""

    def __init__(self, nodes: Iterable[CheckboxNode], selection: Iterable[str] = ()):
        super().__init__()
        self.nodes = tuple(nodes)
        self.initial = frozenset(selection)
        self.changes: list[frozenset[str]] = []

    def compose(self) -> ComposeResult:
        yield CheckboxTree(self.nodes, selection=self.initial)

    def on_mount(self) -> None:
        self.query_one(CheckboxTree).focus()

    def on_checkbox_tree_changed(self, event: CheckboxTree.Changed) -> None:
        self.changes.append(event.selection)


def lines(tree: CheckboxTree) -> list[str]:
    """What the tree shows, one string per line, trailing blanks removed."""
    return [tree.render_line(y).text.rstrip() for y in range(tree.last_line + 1)]


def line_of(tree: CheckboxTree, text: str) -> str:
    """The one shown line that contains ``text``."""
    (found,) = [line for line in lines(tree) if text in line]
    return found


async def move_to(pilot: Pilot[None], tree: CheckboxTree, key: str) -> None:
    """Put the cursor on a node with arrow keys, as a user would."""
    target = next(
        y
        for y in range(tree.last_line + 1)
        if (node := tree.get_node_at_line(y)) and node.data and node.data.key == key
    )
    while tree.cursor_line < target:
        await pilot.press("down")
    while tree.cursor_line > target:
        await pilot.press("up")


@pytest.mark.parametrize(
    ("selection", "box"),
    [
        ({"67", "68", "57"}, "[x]"),
        ({"67"}, "[-]"),
        ({"57"}, "[-]"),
        (set(), "[ ]"),
    ],
)
async def test_a_parent_shows_whether_all_some_or_none_of_its_children_are_checked(
    selection: set[str], box: str
) -> None:
    app = TreeApp(REGIONS, selection)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await pilot.pause()

        assert line_of(tree, "Grand Est").startswith(f"▼ {box} Grand Est")
        assert tree.state("44").value == box
        for key, label in (("67", "Bas-Rhin"), ("68", "Haut-Rhin")):
            expected = "[x]" if key in selection else "[ ]"
            assert f"{expected} ({key}) {label}" in line_of(tree, label)


async def test_space_on_a_partly_checked_parent_checks_its_enabled_children() -> None:
    app = TreeApp(REGIONS, {"67"})
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await move_to(pilot, tree, "44")

        await pilot.press("space")

        assert tree.selection == {"67", "68"}
        assert tree.state("44") is CheckState.PARTIAL
        assert "[x] (68) Haut-Rhin" in line_of(tree, "Haut-Rhin")
        assert app.changes == [frozenset({"67", "68"})]


async def test_space_on_a_parent_with_all_enabled_children_checked_unchecks_them() -> (
    None
):
    app = TreeApp(REGIONS, {"21", "25", "67"})
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await move_to(pilot, tree, "27")
        assert "[x] Bourgogne" in line_of(tree, "Bourgogne")

        await pilot.press("space")

        assert tree.selection == {"67"}
        assert "[ ] Bourgogne" in line_of(tree, "Bourgogne")
        assert "[ ] (21) Côte-d'Or" in line_of(tree, "Côte-d'Or")


@pytest.mark.parametrize("disabled_checked", [True, False])
async def test_toggling_a_parent_leaves_its_disabled_children_as_they_were(
    disabled_checked: bool,
) -> None:
    before = {"57"} if disabled_checked else set()
    app = TreeApp(REGIONS, before)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await move_to(pilot, tree, "44")

        await pilot.press("space")
        assert tree.selection == before | {"67", "68"}

        await pilot.press("space")
        assert tree.selection == before


async def test_a_disabled_child_is_dimmed_shows_its_reason_and_cannot_be_toggled() -> (
    None
):
    app = TreeApp(REGIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await move_to(pilot, tree, "57")

        await pilot.press("space", "enter")
        await pilot.click(CheckboxTree, offset=(10, tree.cursor_line))

        assert tree.selection == frozenset()
        assert app.changes == []
        assert "[ ] (57) Moselle  Hors de votre périmètre" in line_of(tree, "Moselle")
        assert not tree.can_toggle("57")
        muted = tree.get_component_rich_style("checkbox-tree--disabled")
        await pilot.press("up")
        strip = tree.render_line(3)
        label_style = next(s.style for s in strip if "Moselle" in s.text)
        assert label_style is not None and label_style.color == muted.color


async def test_a_parent_whose_children_are_all_disabled_cannot_be_toggled() -> None:
    closed = CheckboxNode(
        "94",
        "Corse",
        (
            CheckboxNode("2A", "(2A) Corse-du-Sud"),
            CheckboxNode("2B", "(2B) Haute-Corse"),
        ),
        disabled_reason="Hors de votre périmètre",
    )
    app = TreeApp([closed])
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)

        for key in ("94", "2A"):
            await move_to(pilot, tree, key)
            await pilot.press("space")

        assert tree.selection == frozenset()
        assert "Corse  Hors de votre périmètre" in line_of(tree, "Corse ")


async def test_the_selection_is_read_and_set_as_a_set_of_leaf_keys() -> None:
    app = TreeApp(REGIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await pilot.pause()
        assert lines(tree)[0].startswith("▼ [ ] Grand Est")

        tree.selection = {"21", "25", "57", "44", "inconnu"}
        await pilot.pause()

        assert tree.selection == {"21", "25", "57"}
        assert lines(tree)[0].startswith("▼ [-] Grand Est")
        assert "[x] Bourgogne" in line_of(tree, "Bourgogne")
        assert app.changes == [], "setting the selection from code posts nothing"

        await move_to(pilot, tree, "21")
        await pilot.press("space")
        assert tree.selection == {"25", "57"}
        assert app.changes == [frozenset({"25", "57"})]


async def test_a_whole_parent_is_selected_in_one_call() -> None:
    app = TreeApp(REGIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await pilot.pause()
        assert "[ ] (68) Haut-Rhin" in line_of(tree, "Haut-Rhin")

        tree.set_checked("44")
        await pilot.pause()
        assert tree.selection == {"67", "68"}
        assert "[x] (68) Haut-Rhin" in line_of(tree, "Haut-Rhin")

        tree.set_checked("44", False)
        assert tree.selection == frozenset()


async def test_labels_with_brackets_are_shown_as_written() -> None:
    nodes = [
        CheckboxNode(
            "p",
            "[b]Gras[/b] et [x] déjà coché",
            (
                CheckboxNode("a", "Ville [67]"),
                CheckboxNode("b", "[red]rouge[/red] [link=x]lien[/link]"),
                CheckboxNode("c", "fin \\[échappé]"),
            ),
        )
    ]
    app = TreeApp(nodes, {"a"})
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await pilot.pause()

        assert lines(tree) == [
            "▼ [-] [b]Gras[/b] et [x] déjà coché",
            "├── [x] Ville [67]",
            "├── [ ] [red]rouge[/red] [link=x]lien[/link]",
            "└── [ ] fin \\[échappé]",
        ]


async def test_a_click_on_a_label_toggles_it_and_a_click_on_the_arrow_folds() -> None:
    app = TreeApp(REGIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await pilot.pause()

        await pilot.click(CheckboxTree, offset=(8, 1))
        assert tree.selection == {"67"}

        await pilot.click(CheckboxTree, offset=(4, 0))
        assert tree.selection == {"67", "68"}

        await pilot.click(CheckboxTree, offset=(0, 0))
        assert tree.selection == {"67", "68"}
        assert lines(tree)[:2] == ["▶ [-] Grand Est", "▼ [ ] Bourgogne-Franche-Comté"]


async def test_left_folds_or_goes_to_the_parent_and_right_unfolds_or_goes_down() -> (
    None
):
    app = TreeApp(REGIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await move_to(pilot, tree, "68")

        await pilot.press("left")
        assert tree.cursor_entry is GRAND_EST
        await pilot.press("left")
        assert lines(tree)[0].startswith("▶")
        assert len(lines(tree)) == 4

        await pilot.press("right")
        assert lines(tree)[0].startswith("▼")
        await pilot.press("right")
        assert tree.cursor_entry == GRAND_EST.children[0]
        await pilot.press("down", "space")
        assert tree.selection == {"68"}


async def test_a_filter_hides_other_nodes_and_acts_only_on_what_is_shown() -> None:
    app = TreeApp(REGIONS, {"21"})
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)

        tree.filter(lambda node: "rhin" in node.plain_label.lower())
        await pilot.pause()
        assert lines(tree) == [
            "▼ [ ] Grand Est",
            "├── [ ] (67) Bas-Rhin",
            "└── [ ] (68) Haut-Rhin",
        ]
        await move_to(pilot, tree, "44")
        await pilot.press("space")
        assert tree.selection == {"21", "67", "68"}
        assert lines(tree)[0] == "▼ [x] Grand Est"

        tree.filter(None)
        await pilot.pause()
        assert len(lines(tree)) == 7
        assert lines(tree)[0].startswith("▼ [-] Grand Est")
        assert tree.cursor_entry is GRAND_EST


async def test_a_matching_parent_is_shown_with_all_its_children() -> None:
    app = TreeApp(REGIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)

        tree.filter(lambda node: node.key == "27")
        await pilot.pause()

        assert lines(tree) == [
            "▼ [ ] Bourgogne-Franche-Comté",
            "├── [ ] (21) Côte-d'Or",
            "└── [ ] (25) Doubs",
        ]


async def test_toggling_repaints_lines_without_rebuilding_the_tree() -> None:
    app = TreeApp(REGIONS)
    async with app.run_test(size=(80, 24)) as pilot:
        tree = app.query_one(CheckboxTree)
        await move_to(pilot, tree, "44")
        built = tree._tree_lines

        await pilot.press("space")

        assert tree._tree_lines is built, "a toggle must not rebuild the node lines"
        assert lines(tree)[:3] == [
            "▼ [-] Grand Est",
            "├── [x] (67) Bas-Rhin",
            "├── [x] (68) Haut-Rhin",
        ]


async def test_long_labels_are_cut_to_the_width_with_an_ellipsis() -> None:
    long = CheckboxNode("long", "Information " * 12)
    app = TreeApp([CheckboxNode("p", "Groupe", (long,))])
    async with app.run_test(size=(40, 10)) as pilot:
        tree = app.query_one(CheckboxTree)
        await pilot.pause()

        assert all(len(line) <= 40 for line in lines(tree))
        assert lines(tree)[1].endswith("…")
        assert tree.max_scroll_x == 0


def test_keys_must_be_unique_in_the_whole_tree() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        CheckboxTree([GRAND_EST, CheckboxNode("67", "(67) encore")])
