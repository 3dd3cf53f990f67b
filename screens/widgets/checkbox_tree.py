"""A tree of checkboxes whose parents show the state of their children.

``CheckboxTree`` extends Textual's ``Tree`` the way ``DirectoryTree`` does: it
keeps the tree's navigation and overrides how a label is drawn. Only leaves
hold a checked state; a parent's `[x]` `[-]` `[ ]` is worked out from its
leaves each time it is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

TOGGLE_STYLE = Style.from_meta({"toggle": True})
"""Marks the expand icon so that a click on it expands instead of checking."""

MIN_LABEL_CELLS = 20
"""A label keeps at least this many cells when a disabled reason must fit."""


class CheckState(Enum):
    """What a node's box shows; the value is the ASCII box itself."""

    CHECKED = "[x]"
    PARTIAL = "[-]"
    UNCHECKED = "[ ]"


@dataclass(frozen=True)
class CheckboxNode:
    """One entry of a checkbox tree; a leaf when it has no children.

    ``key`` is unique in the whole tree. ``label`` is shown as plain text,
    never parsed as markup. A ``disabled_reason`` greys out the node and
    everything under it, and is shown after its label.
    """

    key: str
    label: str | Text
    children: tuple[CheckboxNode, ...] = ()
    disabled_reason: str | None = None
    expanded: bool = True

    @property
    def is_leaf(self) -> bool:
        """Leaves are what gets checked; parents only summarise them."""
        return not self.children

    @property
    def plain_label(self) -> str:
        """The label as a string, for filters and detail lines."""
        return self.label if isinstance(self.label, str) else self.label.plain


Predicate = Callable[[CheckboxNode], bool]
_Shown = list[tuple[CheckboxNode, "_Shown"]]


class CheckboxTree(Tree[CheckboxNode]):
    """A tree of checkboxes with tri-state parents.

    Build it from ``CheckboxNode`` values (key, label, children, disabled
    reason). The selection is the set of checked leaf keys:

    - ``selection`` reads it or replaces it;
    - ``set_checked(key, checked)`` checks or unchecks a leaf, or every
      enabled leaf under a parent, in one call;
    - ``toggle(key)`` does what space does on that node;
    - ``state(key)`` and ``can_toggle(key)`` tell what a node shows.

    ``set_nodes`` replaces the structure; ``filter`` shows only the nodes a
    predicate accepts, with their ancestors and all the children of an
    accepted parent. Both rebuild the tree nodes (under 2 ms for 130 nodes,
    so a filter can follow every key typed) and keep the selection, the
    folded parents and the cursor. While a filter is on, a parent's box and
    its toggle concern only the leaves shown under it; hidden leaves keep
    their state.

    ``Changed`` is posted when the user changes the selection (keys, mouse,
    or ``toggle``). Setting ``selection`` or calling ``set_checked`` from code
    posts nothing, so that two views kept in step do not echo each other.
    ``NodeHighlighted``, inherited from ``Tree``, tells which node the cursor
    is on: its ``node.data`` is the ``CheckboxNode``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_check", "Cocher/décocher"),
        Binding("left", "collapse_or_parent", "Replier", show=False),
        Binding("right", "expand_or_child", "Déplier", show=False),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | space | Check or uncheck the node under the cursor and all it holds. |
    | enter | Same as space (so does a click on a label). |
    | up | Move the cursor up. |
    | down | Move the cursor down. |
    | left | Collapse the node, or move to its parent. |
    | right | Expand the node, or move to its first child. |
    | shift+space | Expand or collapse the node and its siblings. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "checkbox-tree--checkbox",
        "checkbox-tree--checked",
        "checkbox-tree--disabled",
        "checkbox-tree--reason",
    }
    """
    | Class | Description |
    | :- | :- |
    | `checkbox-tree--checkbox` | Targets every box. |
    | `checkbox-tree--checked` | Targets the boxes showing `[x]` or `[-]`. |
    | `checkbox-tree--disabled` | Targets a node that cannot be toggled. |
    | `checkbox-tree--reason` | Targets the reason shown after a disabled node. |
    """

    DEFAULT_CSS = """
    CheckboxTree {
        overflow-x: hidden;
        & > .checkbox-tree--checked {
            color: $text-accent;
            text-style: bold;
        }
        & > .checkbox-tree--disabled {
            color: $text-disabled;
        }
        & > .checkbox-tree--reason {
            color: $text-warning;
            text-style: italic;
        }
    }
    """

    class Changed(Message):
        """The user checked or unchecked something."""

        def __init__(self, checkbox_tree: CheckboxTree, selection: frozenset[str]):
            super().__init__()
            self.checkbox_tree = checkbox_tree
            """The tree whose selection changed."""
            self.selection = selection
            """The checked leaf keys after the change."""

        @property
        def control(self) -> CheckboxTree:
            """Alias of ``checkbox_tree``, for ``@on`` selectors."""
            return self.checkbox_tree

    def __init__(
        self,
        nodes: Iterable[CheckboxNode] = (),
        *,
        selection: Iterable[str] = (),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Build the tree from top-level ``nodes``, with ``selection`` checked."""
        super().__init__("", name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(Tree.show_root, False)
        self.set_reactive(Tree.auto_expand, False)
        self._roots: tuple[CheckboxNode, ...] = ()
        self._specs: dict[str, CheckboxNode] = {}
        self._blocked: set[str] = set()
        self._selected: set[str] = set()
        self._predicate: Predicate | None = None
        self._collapsed: set[str] = set()
        self._nodes_by_key: dict[str, TreeNode[CheckboxNode]] = {}
        self._shown_leaves: dict[str | None, tuple[str, ...]] = {}
        self.set_nodes(nodes)
        self.selection = frozenset(selection)

    # Structure

    def set_nodes(self, nodes: Iterable[CheckboxNode]) -> None:
        """Replace the whole structure; checked leaves that remain stay checked."""
        roots = tuple(nodes)
        specs: dict[str, CheckboxNode] = {}
        blocked: set[str] = set()

        def index(spec: CheckboxNode, inherited: bool) -> None:
            if spec.key in specs:
                raise ValueError(f"duplicate checkbox tree key: {spec.key!r}")
            specs[spec.key] = spec
            off = inherited or spec.disabled_reason is not None
            if off:
                blocked.add(spec.key)
            for child in spec.children:
                index(child, off)

        for spec in roots:
            index(spec, False)
        self._collapsed.update(spec.key for spec in specs.values() if not spec.expanded)
        self._roots, self._specs, self._blocked = roots, specs, blocked
        self._selected &= {key for key, spec in specs.items() if spec.is_leaf}
        self._populate()

    def filter(self, predicate: Predicate | None) -> None:
        """Show only accepted nodes and their ancestors; ``None`` shows all."""
        self._predicate = predicate
        self._populate()

    def _populate(self) -> None:
        """Rebuild the Textual nodes from the structure and the filter."""
        cursor = self.cursor_node
        cursor_key = cursor.data.key if cursor and cursor.data else None
        if self._predicate is None:
            expandable = {
                key: node
                for key, node in self._nodes_by_key.items()
                if node.allow_expand
            }
            self._collapsed -= expandable.keys()
            self._collapsed |= {k for k, n in expandable.items() if n.is_collapsed}
        self.clear()
        self._nodes_by_key = {}
        self._shown_leaves = {}
        self._shown_leaves[None] = self._add_nodes(self.root, self._shown(self._roots))
        if cursor_key in self._nodes_by_key:
            self.call_after_refresh(self.move_cursor, self._nodes_by_key[cursor_key])

    def _shown(self, specs: Sequence[CheckboxNode], forced: bool = False) -> _Shown:
        """The nodes the filter lets through, each with its shown children."""
        shown: _Shown = []
        for spec in specs:
            accepted = forced or self._predicate is None or self._predicate(spec)
            children = self._shown(spec.children, accepted)
            if accepted or children:
                shown.append((spec, children))
        return shown

    def _add_nodes(
        self, parent: TreeNode[CheckboxNode], shown: _Shown
    ) -> tuple[str, ...]:
        """Add shown nodes under ``parent``; return the leaf keys added."""
        leaves: list[str] = []
        for spec, children in shown:
            if spec.is_leaf:
                node = parent.add_leaf(spec.label, spec)
                below: tuple[str, ...] = (spec.key,)
            else:
                expand = self._predicate is not None or spec.key not in self._collapsed
                node = parent.add(spec.label, spec, expand=expand)
                below = self._add_nodes(node, children)
            self._nodes_by_key[spec.key] = node
            self._shown_leaves[spec.key] = below
            leaves.extend(below)
        return tuple(leaves)

    # Selection

    @property
    def selection(self) -> frozenset[str]:
        """The checked leaf keys, including leaves hidden by a filter."""
        return frozenset(self._selected)

    @selection.setter
    def selection(self, keys: Iterable[str]) -> None:
        """Check exactly ``keys``; unknown and parent keys are ignored."""
        self._selected = {
            key for key in keys if key in self._specs and self._specs[key].is_leaf
        }
        self._repaint_all()

    def state(self, key: str) -> CheckState:
        """The box a node shows; a parent's comes from its shown leaves."""
        spec = self._specs.get(key)
        if spec is not None and spec.is_leaf:
            leaves: tuple[str, ...] = (key,)
        else:
            leaves = self._shown_leaves.get(key, ())
        checked = sum(1 for leaf in leaves if leaf in self._selected)
        if leaves and checked == len(leaves):
            return CheckState.CHECKED
        return CheckState.PARTIAL if checked else CheckState.UNCHECKED

    def can_toggle(self, key: str) -> bool:
        """Whether the user may toggle this node: it shows an enabled leaf."""
        return any(
            leaf not in self._blocked for leaf in self._shown_leaves.get(key, ())
        )

    def set_checked(self, key: str, checked: bool = True) -> None:
        """Check or uncheck a leaf, or every enabled leaf under a parent.

        Unlike ``toggle``, this ignores the filter: a parent sets all its
        enabled leaves, shown or not. Raises KeyError for an unknown key.
        """
        self._set(tuple(self._leaves_of(self._specs[key])), checked)
        self._repaint_all()

    def toggle(self, key: str) -> bool:
        """Toggle a node as the space key does; return False if it is disabled.

        A parent whose enabled (and shown) leaves are all checked unchecks
        them; any other parent checks them all. Disabled leaves are never
        touched.
        """
        leaves = tuple(
            leaf
            for leaf in self._shown_leaves.get(key, ())
            if leaf not in self._blocked
        )
        if not leaves:
            self.app.bell()
            return False
        self._set(leaves, not all(leaf in self._selected for leaf in leaves))
        self._repaint_branch(key)
        self.post_message(self.Changed(self, self.selection))
        return True

    def _set(self, leaves: tuple[str, ...], checked: bool) -> None:
        if checked:
            self._selected.update(leaves)
        else:
            self._selected.difference_update(leaves)

    def _leaves_of(self, spec: CheckboxNode) -> Iterator[str]:
        """The enabled leaves under ``spec`` in the whole structure."""
        if spec.key in self._blocked:
            return
        if spec.is_leaf:
            yield spec.key
        for child in spec.children:
            yield from self._leaves_of(child)

    @property
    def cursor_entry(self) -> CheckboxNode | None:
        """The entry under the cursor, if any."""
        node = self.cursor_node
        return node.data if node is not None else None

    # Refreshing without rebuilding

    def _repaint_all(self) -> None:
        """Redraw every line, keeping the layout (the node lines) as it is."""
        self._updates += 1
        self.refresh()

    def _repaint_branch(self, key: str) -> None:
        """Redraw a node, its ancestors and its descendants, and nothing else."""
        node = self._nodes_by_key.get(key)
        if node is None:
            return
        for changed in (*self._ancestors(node), *self._subtree(node)):
            changed.refresh()

    @staticmethod
    def _ancestors(node: TreeNode[CheckboxNode]) -> Iterator[TreeNode[CheckboxNode]]:
        parent = node.parent
        while parent is not None and parent.data is not None:
            yield parent
            parent = parent.parent

    @classmethod
    def _subtree(cls, node: TreeNode[CheckboxNode]) -> Iterator[TreeNode[CheckboxNode]]:
        yield node
        if node.is_expanded:
            for child in node.children:
                yield from cls._subtree(child)

    # Drawing

    def process_label(self, label: str | Text) -> Text:
        """Keep labels as plain text: never parse them as markup."""
        text = Text(label) if isinstance(label, str) else label
        return text.split()[0] if text.plain else text

    def render_label(
        self, node: TreeNode[CheckboxNode], base_style: Style, style: Style
    ) -> Text:
        """Draw the expand icon, the box, the label and any disabled reason."""
        spec = node.data
        if spec is None:
            return Text("")
        state = self.state(spec.key)
        enabled = self.can_toggle(spec.key)
        box = Text(f"{state.value} ")
        label = node._label.copy()
        reason = Text(f"  {spec.disabled_reason}" if spec.disabled_reason else "")
        if self.is_mounted:
            box.stylize(self.get_component_rich_style("checkbox-tree--checkbox"))
            if state is not CheckState.UNCHECKED:
                box.stylize(self.get_component_rich_style("checkbox-tree--checked"))
            if not enabled:
                muted = self.get_component_rich_style("checkbox-tree--disabled")
                box.stylize(muted)
                label.stylize_before(muted)
            reason.stylize(self.get_component_rich_style("checkbox-tree--reason"))
        icon = Text("")
        if node.allow_expand:
            glyph = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            icon = Text(glyph, style=base_style + TOGGLE_STYLE)
        self._fit(node, icon.cell_len + box.cell_len, label, reason)
        for part in (box, label, reason):
            part.stylize(style)
        return Text.assemble(icon, box, label, reason)

    def get_label_width(self, node: TreeNode[CheckboxNode]) -> int:
        """The width ``render_label`` gives, worked out without drawing."""
        spec = node.data
        if spec is None:
            return 0
        natural = len(CheckState.CHECKED.value) + 1 + node._label.cell_len
        if node.allow_expand:
            natural += cell_len(self.ICON_NODE)
        if spec.disabled_reason:
            natural += 2 + cell_len(spec.disabled_reason)
        width = self.scrollable_content_region.width if self.is_mounted else 0
        return min(natural, width - self._indent(node)) if width > 0 else natural

    def _fit(
        self, node: TreeNode[CheckboxNode], used: int, label: Text, reason: Text
    ) -> None:
        """Shorten a label (and then its reason) to the width left on its line."""
        # Limitation: a Tree gives each node exactly one line, so a label
        # longer than the widget ends in "…". Screens that show long labels
        # should show the full text of the node under the cursor nearby (the
        # alerts tab follows NodeHighlighted for this).
        width = self.scrollable_content_region.width if self.is_mounted else 0
        if width <= 0:
            return
        room = width - self._indent(node) - used
        if label.cell_len + reason.cell_len <= room:
            return
        keep = min(MIN_LABEL_CELLS, label.cell_len) if reason.cell_len else 1
        label.truncate(max(room - reason.cell_len, keep, 1), overflow="ellipsis")
        reason_room = room - label.cell_len
        reason.truncate(reason_room if reason_room >= 4 else 0, overflow="ellipsis")

    def _indent(self, node: TreeNode[CheckboxNode]) -> int:
        """Cells taken by the guides in front of a node's label."""
        depth = sum(1 for _ in self._ancestors(node)) + int(self.show_root)
        return depth * self.guide_depth

    def watch_show_vertical_scrollbar(self) -> None:
        """Refit labels when a scrollbar takes or gives back columns."""
        self._invalidate()

    def on_focus(self) -> None:
        """Put the cursor on the first line, so space works at once."""
        if self.cursor_line < 0 and self.root.children:
            self.cursor_line = 0

    # Actions

    def action_toggle_check(self) -> None:
        """Toggle the node under the cursor."""
        entry = self.cursor_entry
        if entry is not None:
            self.toggle(entry.key)

    @on(Tree.NodeSelected)
    def _toggle_selected(self, event: Tree.NodeSelected[CheckboxNode]) -> None:
        """Enter and clicks select a node; in a checkbox tree that toggles it."""
        if event.control is self and event.node.data is not None:
            self.toggle(event.node.data.key)

    def action_collapse_or_parent(self) -> None:
        """Collapse an expanded parent, or move the cursor to the parent."""
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent.data is not None:
            self.move_cursor(node.parent)

    def action_expand_or_child(self) -> None:
        """Expand a collapsed parent, or move the cursor to its first child."""
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_collapsed:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])
