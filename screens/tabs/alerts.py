"""The Mes alertes électroniques tab: the e-mail alerts as a checkbox tree.

Groups, labels, notes and keys come from ``amp_tui.alerts``. The three
auto-favourite alerts reserved to permanent guests are shown disabled, with
their reason, unless the agent holds the matching permission.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, Tree

from amp_tui.alerts import ALERT_GROUPS, ALERTS
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from screens.tabs.base import AccountTab
from screens.widgets.checkbox_tree import CheckboxNode, CheckboxTree

ERROR_FIELD = "alertes"
"""The key under which the account service reports a problem with alerts."""


def alert_nodes(snapshot: AccountSnapshot | None) -> list[CheckboxNode]:
    """The alert groups as tree nodes, gated alerts disabled for this agent."""

    def reason_for(key: str) -> str | None:
        alert = ALERTS[key]
        if alert.permission is None:
            return None
        if snapshot is not None and snapshot.has_permission(alert.permission):
            return None
        return alert.reason

    return [
        CheckboxNode(
            key=group.key,
            label=group.title,
            children=tuple(
                CheckboxNode(
                    alert.key, alert.label, disabled_reason=reason_for(alert.key)
                )
                for alert in group.alerts
            ),
        )
        for group in ALERT_GROUPS
    ]


class AlertsTab(AccountTab):
    """Which e-mail alerts the agent receives.

    The note of the first group sits above the tree. Under the tree, a detail
    line shows the full label of the node under the cursor (labels are cut to
    the width of the terminal in the tree) and, for a disabled alert, why.
    """

    # Limitation: the detail line keeps three rows so that the tree does not
    # jump as the cursor moves; below 80 columns the longest label needs a
    # fourth row and its end is cut.
    DEFAULT_CSS = """
    AlertsTab {
        height: 1fr;
        & > #alerts-note {
            color: $text-muted;
        }
        & > #field-alertes {
            height: 1fr;
            min-height: 5;
            & > CheckboxTree {
                height: 1fr;
            }
            & > #alertes-error {
                display: none;
                color: $text-warning;
            }
        }
        & > #field-alertes.-invalid {
            & > CheckboxTree {
                border-left: outer $warning;
            }
            & > #alertes-error {
                display: block;
            }
        }
        & > #alerts-detail {
            height: 3;
        }
    }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create the tab; it shows nothing useful until ``show_account``."""
        super().__init__(name=name, id=id, classes=classes)
        self.alerts_tree = CheckboxTree(alert_nodes(None), id="alerts-tree")
        """The alerts; its selection is the set of enabled alert keys."""

    def compose(self) -> ComposeResult:
        """The note of the first group, the tree and its errors, the detail."""
        yield Static(Content(ALERT_GROUPS[0].note or ""), id="alerts-note")
        with Vertical(id=f"field-{ERROR_FIELD}", classes="field"):
            yield self.alerts_tree
            yield Static(id=f"{ERROR_FIELD}-error")
        yield Static(id="alerts-detail")

    def show_account(
        self, snapshot: AccountSnapshot, draft: AccountDraft, *, actor: Actor
    ) -> None:
        """Show the draft's alerts, gated ones disabled for this agent."""
        self.alerts_tree.set_nodes(alert_nodes(snapshot))
        self.alerts_tree.selection = draft.alerts
        if self.is_mounted:
            self.show_errors({})

    def apply_to(self, draft: AccountDraft) -> None:
        """Store the checked alerts in ``draft``."""
        draft.alerts = set(self.alerts_tree.selection)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show the account service's message about alerts under the tree."""
        message = errors.get(ERROR_FIELD, "")
        self.query_one(f"#{ERROR_FIELD}-error", Static).update(Content(message))
        self.query_one(f"#field-{ERROR_FIELD}").set_class(bool(message), "-invalid")

    def focus_first(self) -> None:
        """Focus the tree (its cursor goes to the first group if it had none)."""
        self.alerts_tree.focus()

    @on(CheckboxTree.Changed)
    def _report_edit(self, event: CheckboxTree.Changed) -> None:
        event.stop()
        self.post_message(self.Edited())

    @on(Tree.NodeHighlighted)
    def _show_detail(self, event: Tree.NodeHighlighted[CheckboxNode]) -> None:
        entry = event.node.data
        detail = Content()
        if entry is not None:
            detail = Content(entry.plain_label)
            if entry.disabled_reason:
                reason = (entry.disabled_reason, "$text-warning italic")
                detail = Content.assemble(detail, "\n", reason)
        self.query_one("#alerts-detail", Static).update(detail)
