"""The checkbox tree of the places picker: régions, their départements, then
the overseas collectivities.

``PlacesTree`` is a ``CheckboxTree`` that can find a node by key and follow
the map's cursor, unfolding the région it leads to.
"""

from __future__ import annotations

from collections.abc import Collection

from textual.widgets.tree import TreeNode

from amp_tui.places import (
    COLLECTIVITIES,
    collectivities,
    region_codes,
    regions_in_display_order,
)
from amp_tui.reference import departements_by_code
from screens.widgets.checkbox_tree import CheckboxNode, CheckboxTree

COLLECTIVITIES_KEY = "collectivites"
"""Tree key of the group of overseas collectivities."""
REGION_PREFIX = "region:"
"""Tree keys of régions; their INSEE codes would clash with départements'."""


def region_key(region_code: str) -> str:
    """The tree key of a région."""
    return f"{REGION_PREFIX}{region_code}"


def place_nodes(open_regions: Collection[str] = ()) -> tuple[CheckboxNode, ...]:
    """Régions with their départements, then the overseas collectivities.

    Régions are folded, except those whose codes are in ``open_regions``.
    """
    places = departements_by_code()
    nodes = [
        CheckboxNode(
            region_key(region.code),
            region.nom,
            tuple(
                CheckboxNode(code, places[code].label)
                for code in region_codes(region.code)
            ),
            expanded=region.code in open_regions,
        )
        for region in regions_in_display_order()
    ]
    nodes.append(
        CheckboxNode(
            COLLECTIVITIES_KEY,
            COLLECTIVITIES,
            tuple(CheckboxNode(place.code, place.label) for place in collectivities()),
            expanded=False,
        )
    )
    return tuple(nodes)


class PlacesTree(CheckboxTree):
    """The checkbox tree of places, which can find a node by key and follow
    the map's cursor."""

    _opened_to_reveal: TreeNode[CheckboxNode] | None = None

    def node_for(self, key: str) -> TreeNode[CheckboxNode] | None:
        """The tree node showing ``key``, if the filter lets it show."""
        pending = list(self.root.children)
        while pending:
            node = pending.pop()
            if node.data is not None and node.data.key == key:
                return node
            pending.extend(node.children)
        return None

    def shown_leaves(self) -> list[str]:
        """The keys of the places the tree shows (or would show, unfolded)."""
        return [
            leaf.data.key
            for group in self.root.children
            for leaf in group.children
            if leaf.data is not None
        ]

    def reveal(self, key: str) -> None:
        """Put the cursor on ``key``, unfolding its région when it is folded.

        A région unfolded this way is folded again when the cursor is sent
        to another one, so that following the map does not unfold them all.
        """
        node = self.node_for(key)
        if node is None or node is self.cursor_node:
            return
        parent = node.parent
        opened = self._opened_to_reveal
        if opened is not None and opened is not parent and opened.is_expanded:
            opened.collapse()
        self._opened_to_reveal = None
        if parent is not None and parent.data is not None and parent.is_collapsed:
            parent.expand()
            self._opened_to_reveal = parent
        self.last_line  # noqa: B018 - lays the lines out after a fold or unfold
        self.move_cursor(node)
