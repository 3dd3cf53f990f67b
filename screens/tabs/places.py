"""The Mes préférences "Lieu d'exécution" tab: the chosen places, and a button
that opens the picker.

The tab lists the places as the platform does, ``(67) Bas-Rhin (68)
Haut-Rhin``. ``Détails / Editer`` opens ``PlacesPicker``; its Valider puts
the new selection in the form, which the account screen stores on
Enregistrer like every other field.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from amp_tui.reference import summary
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from screens.dialogs.places_picker import PlacesPicker
from screens.tabs.base import AccountTab

ERROR_FIELD = "lieux_execution"
"""The key under which the account service reports a problem with places."""
NO_PLACE = "Aucun lieu d'exécution choisi."


class PlacesTab(AccountTab):
    """The agent's places of execution, edited in a picker.

    | Key(s) | Description |
    | :- | :- |
    | enter | On `Détails / Editer`: open the picker. |
    """

    DEFAULT_CSS = """
    PlacesTab {
        padding: 1 1;
        & > #places-field {
            height: auto;
        }
        & > #places-field.-invalid {
            border-left: outer $warning;
            padding-left: 1;
        }
        #places-summary {
            margin-bottom: 1;
        }
        #places-summary.-empty {
            color: $text-muted;
        }
        #places-error {
            color: $text-warning;
            display: none;
        }
        #places-error.-shown {
            display: block;
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
        self.codes: frozenset[str] = frozenset()
        """The places the form holds now (applied, not yet saved)."""

    def compose(self) -> ComposeResult:
        """The summary, its error line, and the button."""
        with Vertical(id="places-field"):
            yield Static(id="places-summary", markup=False)
            yield Static(id="places-error", markup=False)
            yield Button("Détails / Editer", id="places-edit", compact=True)

    def on_mount(self) -> None:
        """Show whatever the tab already holds."""
        self.show_summary()

    def show_account(
        self, snapshot: AccountSnapshot, draft: AccountDraft, *, actor: Actor
    ) -> None:
        """Show the draft's places."""
        self.codes = frozenset(draft.departements)
        if self.is_mounted:
            self.show_summary()
            self.show_errors({})

    def apply_to(self, draft: AccountDraft) -> None:
        """Store the places in ``draft``."""
        draft.departements = set(self.codes)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show the account service's message about places, if any."""
        message = errors.get(ERROR_FIELD)
        error = self.query_one("#places-error", Static)
        error.update(message or "")
        error.set_class(message is not None, "-shown")
        self.query_one("#places-field").set_class(message is not None, "-invalid")

    def focus_first(self) -> None:
        """Focus the button that opens the picker."""
        self.query_one("#places-edit", Button).focus()

    def show_summary(self) -> None:
        """List the places, or say there are none."""
        text = summary(self.codes) or NO_PLACE
        summary_line = self.query_one("#places-summary", Static)
        summary_line.update(text)
        summary_line.set_class(not self.codes, "-empty")

    @on(Button.Pressed, "#places-edit")
    def _edit(self, event: Button.Pressed) -> None:
        event.stop()
        self.open_picker()

    def open_picker(self) -> None:
        """Open the picker on the places the form holds now."""
        self.app.push_screen(PlacesPicker(self.codes), self.picked)

    def picked(self, selection: frozenset[str] | None) -> None:
        """Take the picker's selection on Valider; Annuler changes nothing."""
        self.focus_first()
        if selection is None or selection == self.codes:
            return
        self.codes = frozenset(selection)
        self.show_summary()
        self.post_message(self.Edited())
