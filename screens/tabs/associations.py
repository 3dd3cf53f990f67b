"""Mes comptes associés: list, associate, remove, and switch accounts.

Associating and removing change the stored account at once (the first
proves a password, which cannot wait for Enregistrer); the tab then posts
``AccountTab.Stored`` so the screen carries on from the new version without
losing edits made in the other tabs. Switching asks the screen to open the
other account.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from amp_tui.associations import associate_account, remove_association
from amp_tui.errors import AmpError, FieldErrors
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor, AssociationView
from screens.dialogs.associate import AssociateDialog, AssociationRequest
from screens.dialogs.confirm import ConfirmDialog
from screens.tabs.base import AccountTab

if TYPE_CHECKING:
    from screens.app import AmpApp

log = logging.getLogger(__name__)

STATUS_LABELS = {
    "en_attente": "En attente d'approbation",
    "approuve": "Approuvé",
}
INTRO = (
    "Pour les agents qui publient pour plusieurs entités dont les services "
    "sont mutualisés : un seul identifiant et un seul mot de passe donnent "
    "accès à tous les comptes associés."
)
NONE_YET = "Aucun compte associé."


class AssociationsTab(AccountTab):
    """The accounts associated with this one, in a table.

    | Key(s) | Description |
    | :- | :- |
    | a | Associate an account. |
    | delete | Remove the selected association, after confirmation. |
    | enter | Switch to the selected account. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "associate", "Associer un compte"),
        Binding("delete", "remove", "Supprimer l'association"),
        Binding("enter", "switch", "Basculer vers ce compte", show=False),
    ]

    DEFAULT_CSS = """
    AssociationsTab {
        padding: 0 1;
    }
    AssociationsTab .intro {
        color: $text-muted;
        margin-bottom: 1;
    }
    AssociationsTab DataTable {
        height: auto;
        max-height: 10;
    }
    AssociationsTab .buttons {
        height: auto;
        margin-top: 1;
    }
    AssociationsTab .buttons Button {
        margin-right: 2;
    }
    """

    class SwitchRequested(Message):
        """The user wants to edit the associated account ``agent_id``."""

        def __init__(self, agent_id: int) -> None:
            super().__init__()
            self.agent_id = agent_id

    def __init__(self, *, id: str | None = None) -> None:
        """Create the empty table; ``show_account`` fills it."""
        super().__init__(id=id)
        self.snapshot: AccountSnapshot | None = None
        """The stored account the tab shows."""
        self.actor: Actor | None = None
        """Who is acting."""

    def compose(self) -> ComposeResult:
        """The introduction, the table, and the buttons."""
        yield Static(INTRO, classes="intro")
        table: DataTable[str] = DataTable(
            id="associations", cursor_type="row", zebra_stripes=True
        )
        table.add_columns("Identifiant", "Statut", "Entité", "Service")
        yield table
        yield Static("", id="associations-empty")
        with Horizontal(classes="buttons"):
            yield Button(
                "Associer un compte", id="associate", action="associate", compact=True
            )
            yield Button(
                "Basculer vers ce compte", id="switch", action="switch", compact=True
            )
            yield Button(
                "Supprimer l'association",
                id="remove",
                action="remove",
                variant="warning",
                compact=True,
            )

    def show_account(
        self, snapshot: AccountSnapshot, draft: AccountDraft, *, actor: Actor
    ) -> None:
        """List the account's associations as stored."""
        self.snapshot = snapshot
        self.actor = actor
        table = self.query_one(DataTable)
        table.clear()
        for item in snapshot.associations:
            table.add_row(
                item.login,
                STATUS_LABELS.get(item.statut, item.statut),
                item.entite_sigle,
                item.service or "-",
                key=str(item.agent_id),
            )
        self.query_one("#associations-empty", Static).update(
            "" if snapshot.associations else NONE_YET
        )

    def apply_to(self, draft: AccountDraft) -> None:
        """Associations are stored as they change: nothing goes in the draft."""

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show an association refusal to the user."""
        if "association" in errors:
            self.notify(errors["association"], severity="warning")

    def focus_first(self) -> None:
        """Focus the table, or the associate button when it is empty."""
        if self.snapshot and self.snapshot.associations:
            self.query_one(DataTable).focus()
        else:
            self.query_one("#associate", Button).focus()

    def selected(self) -> AssociationView | None:
        """The association under the table's cursor."""
        if self.snapshot is None or not self.snapshot.associations:
            return None
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.snapshot.associations):
            return self.snapshot.associations[row]
        return None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row switches to that account."""
        event.stop()
        self.action_switch()

    def action_associate(self) -> None:
        """Ask for the other account, then associate it."""
        if self.actor is None:
            return
        self.app.push_screen(
            AssociateDialog(support=self.actor.is_support), self.associate
        )

    def associate(self, request: AssociationRequest | None) -> None:
        """Run the association unless the dialog was cancelled."""
        if request is not None and self.snapshot and self.actor:
            self.run_association(self.snapshot, self.actor, request)

    @work(thread=True, exclusive=True, group="association", exit_on_error=False)
    def run_association(
        self, base: AccountSnapshot, actor: Actor, request: AssociationRequest
    ) -> None:
        """Associate off the UI thread."""
        db = cast("AmpApp", self.app).db
        try:
            stored = associate_account(
                db,
                actor=actor,
                principal_id=base.id,
                base_version=base.version,
                login=request.login,
                password=request.password,
            )
        except AmpError as error:
            self.app.call_from_thread(self.refused, error)
        except Exception:
            log.exception("association of %s failed", base.login)
            self.app.call_from_thread(
                self.refused, AmpError("Erreur inattendue : rien n'a été modifié.")
            )
        else:
            self.app.call_from_thread(
                self.stored, stored, f"Compte {request.login} associé."
            )

    def action_remove(self) -> None:
        """Remove the selected association, once confirmed."""
        item = self.selected()
        if item is None or self.snapshot is None or self.actor is None:
            self.notify(NONE_YET)
            return
        base, actor = self.snapshot, self.actor

        def remove(confirmed: bool | None) -> None:
            if confirmed:
                self.run_removal(base, actor, item)

        self.app.push_screen(
            ConfirmDialog(
                "Supprimer l'association",
                f"Supprimer l'association avec le compte {item.login} ?",
                yes="Supprimer",
            ),
            remove,
        )

    @work(thread=True, exclusive=True, group="association", exit_on_error=False)
    def run_removal(
        self, base: AccountSnapshot, actor: Actor, item: AssociationView
    ) -> None:
        """Remove an association off the UI thread."""
        db = cast("AmpApp", self.app).db
        try:
            stored = remove_association(
                db,
                actor=actor,
                principal_id=base.id,
                base_version=base.version,
                other_id=item.agent_id,
            )
        except AmpError as error:
            self.app.call_from_thread(self.refused, error)
        except Exception:
            log.exception("removing an association of %s failed", base.login)
            self.app.call_from_thread(
                self.refused, AmpError("Erreur inattendue : rien n'a été modifié.")
            )
        else:
            self.app.call_from_thread(
                self.stored, stored, f"Association avec {item.login} supprimée."
            )

    def stored(self, snapshot: AccountSnapshot, message: str) -> None:
        """Tell the screen the account moved on, and the user what happened."""
        self.post_message(AccountTab.Stored(snapshot))
        self.notify(message)
        if snapshot.associations:
            self.query_one(DataTable).focus()
        else:
            self.query_one("#associate", Button).focus()

    def refused(self, error: AmpError) -> None:
        """Show why nothing changed."""
        if isinstance(error, FieldErrors):
            self.show_errors(error.errors)
        else:
            self.notify(error.message, severity="error", timeout=10)

    def action_switch(self) -> None:
        """Ask the screen to open the selected account."""
        item = self.selected()
        if item is None:
            self.notify(NONE_YET)
            return
        self.post_message(self.SwitchRequested(item.agent_id))
