"""What every tab of the account screen provides to the screen around it.

The account screen owns the AccountDraft being edited. It hands the draft to
each tab with ``show_account``; a tab posts ``AccountTab.Edited`` whenever
the user changes something, and ``apply_to`` writes the tab's current values
back into a draft before a save or a comparison. A tab that changes the
stored account itself (associations cannot wait for Enregistrer) posts
``AccountTab.Stored`` with the account as now stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.containers import VerticalScroll
from textual.message import Message

from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor


class AccountTab(VerticalScroll):
    """Base class of the four tabs' contents."""

    class Edited(Message):
        """The user changed something in this tab."""

    class Stored(Message):
        """The tab saved part of the account; ``snapshot`` is what is stored."""

        def __init__(self, snapshot: AccountSnapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    def show_account(
        self, snapshot: AccountSnapshot, draft: AccountDraft, *, actor: Actor
    ) -> None:
        """Display ``draft``, an edit of ``snapshot``, for ``actor``."""
        raise NotImplementedError

    def apply_to(self, draft: AccountDraft) -> None:
        """Copy what the user entered in this tab into ``draft``."""
        raise NotImplementedError

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message next to its field; clear the others."""

    def focus_first(self) -> None:
        """Put the focus on the tab's first field."""
        self.focus()
