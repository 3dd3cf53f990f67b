"""The account screen: the header, the four tabs, saving and reverting.

The screen owns the AccountSnapshot it was opened on and the AccountDraft
being edited. Each tab shows the draft and writes its fields back into it
(see screens/tabs/base.py); the screen compares, saves and reverts the
whole account at once. Saves run in a thread worker, so the screen never
freezes while the database answers.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Label, Static, TabbedContent, TabPane

from amp_tui.accounts import list_services, save_account, validate_draft
from amp_tui.associations import switch_account
from amp_tui.auth import actor_for
from amp_tui.database import Database
from amp_tui.errors import (
    AmpError,
    DatabaseUnavailableError,
    FieldErrors,
    StaleAccountError,
)
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from screens.audit_view import AuditScreen
from screens.commands import PaletteCommand, ScreenCommands
from screens.dashboard import DashboardScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.conflict import (
    ConflictChoice,
    ConflictDialog,
    changes_meanwhile,
    merge_edits,
)
from screens.tabs.alerts import AlertsTab
from screens.tabs.associations import AssociationsTab
from screens.tabs.base import AccountTab
from screens.tabs.coordonnees import CoordonneesTab
from screens.tabs.places import PlacesTab

log = logging.getLogger(__name__)

TABS: list[tuple[str, str, str, type[AccountTab]]] = [
    ("coordonnees", "Mes coordonnées", "f2", CoordonneesTab),
    ("alertes", "Mes alertes électroniques", "f3", AlertsTab),
    ("lieux", 'Mes préférences "Lieu d\'exécution"', "f4", PlacesTab),
    ("comptes", "Mes comptes associés", "f5", AssociationsTab),
]
"""The tabs in order: id, French title, key, and the class of their content."""

UNSAVED = "N'oubliez pas d'enregistrer à la fin de votre saisie !"
SAVED = "Modifications enregistrées."
NOTHING_TO_SAVE = "Aucune modification à enregistrer."
FIX_FIELDS = "Rien n'a été enregistré : corrigez les champs signalés."
EDITS_KEPT = (
    "Vos saisies sont conservées : enregistrez à nouveau (ctrl+s) quand la base "
    "sera de nouveau accessible."
)
UNEXPECTED = (
    "Erreur inattendue : rien n'a été enregistré. Le détail est dans le journal."
)
TABS_GROUP = Binding.Group("Onglets", compact=True)


def copy_draft(draft: AccountDraft) -> AccountDraft:
    """A copy of a draft that shares none of its sets."""
    return dataclasses.replace(
        draft, alerts=set(draft.alerts), departements=set(draft.departements)
    )


class AccountScreen(Screen[None]):
    """Edit one account through its four tabs.

    | Key(s) | Description |
    | :- | :- |
    | f2 to f5 | Open a tab and focus its first field. |
    | ctrl+s | Save the account. |
    | escape | Revert unsaved edits, after confirmation. |
    | f6 | Open the consultations dashboard. |
    | f7 | Show the account's audit trail. |
    | ctrl+o | Support staff: go back to open another account. |

    Tabs mark refused fields with the ``-invalid`` class; after a refused
    save the screen shows the first tab holding one and focuses it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"show_tab('{tab_id}')", title, group=TABS_GROUP)
            for tab_id, title, key, _ in TABS
        ),
        Binding("ctrl+s", "save", "Enregistrer"),
        Binding("escape", "cancel", "Annuler"),
        Binding("f6", "dashboard", "Tableau de bord", show=False),
        Binding("f7", "audit", "Journal", show=False),
        Binding("ctrl+o", "open_other", "Ouvrir un autre compte", show=False),
    ]

    CSS_PATH = "account.tcss"
    COMMANDS: ClassVar = {ScreenCommands}
    HELP_GROUP = "Compte"
    """The heading of this screen's own keys in the help."""

    def __init__(self, db: Database, snapshot: AccountSnapshot, actor: Actor) -> None:
        """Edit ``snapshot`` on ``db`` as ``actor``."""
        super().__init__()
        self.db = db
        """Where the account is stored."""
        self.snapshot = snapshot
        """The account as stored when the draft was started."""
        self.draft = AccountDraft.from_snapshot(snapshot)
        """The account as edited, updated from the tabs on demand."""
        self.actor = actor
        """Who is editing."""
        self.saving = False
        """True while a save runs in its worker."""

    def compose(self) -> ComposeResult:
        """Lay out the header, the tabs and the footer."""
        with Vertical(id="account-header"):
            with Horizontal(id="title-bar"):
                yield Label("Mon compte personnel", id="title")
                yield Static("", id="unsaved")
            yield Label(id="entity", markup=False)
            yield Label(id="service-path", markup=False)
        with TabbedContent(id="tabs"):
            for tab_id, title, key, tab_class in TABS:
                with TabPane(Content(f"{key.upper()} {title}"), id=tab_id):
                    yield tab_class(id=f"{tab_id}-tab")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        """Show the account, then put the focus on the first field."""
        self.load(self.snapshot, self.draft)
        self.call_after_refresh(self.focus_active_tab)

    def account_tabs(self) -> list[AccountTab]:
        """The tabs' contents, in order."""
        return [self.query_one(f"#{tab_id}-tab", AccountTab) for tab_id, *_ in TABS]

    def load(self, snapshot: AccountSnapshot, draft: AccountDraft) -> None:
        """Start editing ``draft``, an edit of the stored ``snapshot``."""
        self.snapshot = snapshot
        self.draft = draft
        for tab in self.account_tabs():
            tab.show_account(snapshot, draft, actor=self.actor)
        entity = f"Entité : {snapshot.entity_sigle} - {snapshot.entity_nom}"
        self.query_one("#entity", Label).update(entity)
        service = f"Service : {snapshot.service_path or '-'}"
        self.query_one("#service-path", Label).update(service)
        self.refresh_marker()

    def collect_draft(self) -> AccountDraft:
        """Gather what every tab holds into a fresh copy of the draft."""
        draft = copy_draft(self.draft)
        for tab in self.account_tabs():
            tab.apply_to(draft)
        self.draft = draft
        return draft

    def has_unsaved_changes(self) -> bool:
        """Tell whether the form differs from the stored account."""
        return self.collect_draft() != AccountDraft.from_snapshot(self.snapshot)

    def refresh_marker(self) -> None:
        """Show the unsaved-changes reminder exactly while it applies."""
        unsaved = self.has_unsaved_changes()
        marker = self.query_one("#unsaved", Static)
        marker.update(UNSAVED if unsaved else "")
        marker.set_class(unsaved, "-shown")

    def on_account_tab_edited(self, event: AccountTab.Edited) -> None:
        """Any edit may add or remove unsaved changes."""
        event.stop()
        self.refresh_marker()

    def on_account_tab_stored(self, event: AccountTab.Stored) -> None:
        """A tab saved part of the account: carry on from the stored version,
        keeping what the other tabs hold."""
        event.stop()
        self.load(event.snapshot, self.collect_draft())

    def on_associations_tab_switch_requested(
        self, event: AssociationsTab.SwitchRequested
    ) -> None:
        """Open an associated account, asking first when edits would be lost."""
        event.stop()
        if not self.has_unsaved_changes():
            self.run_switch(event.agent_id)
            return

        def switch(confirmed: bool | None) -> None:
            if confirmed:
                self.run_switch(event.agent_id)

        self.app.push_screen(
            ConfirmDialog(
                "Modifications non enregistrées",
                "Basculer vers l'autre compte sans enregistrer les modifications ?",
                yes="Basculer",
            ),
            switch,
        )

    @work(thread=True, exclusive=True, group="switch", exit_on_error=False)
    def run_switch(self, agent_id: int) -> None:
        """Load the other account off the UI thread, then show it."""
        try:
            other = switch_account(self.db, actor=self.actor, agent_id=agent_id)
        except AmpError as error:
            self.app.call_from_thread(self.save_failed, error)
        else:
            self.app.call_from_thread(self.switched, other)

    def switched(self, other: AccountSnapshot) -> None:
        """Edit the other account in place of this one, as the same actor."""
        self.app.switch_screen(AccountScreen(self.db, other, self.actor))
        self.app.notify(f"Compte {other.login} ouvert.")

    def action_dashboard(self) -> None:
        """Show the consultations the agent can see, with their ★."""
        self.app.push_screen(DashboardScreen(self.db, self.actor))

    def action_audit(self) -> None:
        """Show who changed this account, when, and how."""
        self.app.push_screen(AuditScreen(self.db, self.actor, self.snapshot.id))

    def focus_active_tab(self) -> None:
        """Put the focus on the first field of the open tab."""
        active = self.query_one(TabbedContent).active
        self.query_one(f"#{active}-tab", AccountTab).focus_first()

    def action_show_tab(self, tab_id: str) -> None:
        """Open a tab, or stay on it, and focus its first field."""
        self.query_one(TabbedContent).active = tab_id
        self.call_after_refresh(self.focus_active_tab)

    def action_save(self) -> None:
        """Save the account, unless nothing changed or a save is running."""
        if self.saving:
            self.notify("Enregistrement en cours…")
            return
        draft = self.collect_draft()
        if draft == AccountDraft.from_snapshot(self.snapshot):
            self.notify(NOTHING_TO_SAVE)
            return
        self.saving = True
        self.run_save(self.snapshot, copy_draft(draft), self.actor)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def run_save(
        self, base: AccountSnapshot, draft: AccountDraft, actor: Actor
    ) -> None:
        """Check offline, then save in one transaction, off the UI thread."""
        call = self.app.call_from_thread
        try:
            validate_draft(draft, base, actor)
            saved = save_account(
                self.db,
                actor=actor,
                agent_id=base.id,
                base_version=base.version,
                draft=draft,
            )
        except StaleAccountError as stale:
            call(self.save_conflicted, base, stale, draft, self.service_paths(stale))
        except FieldErrors as refused:
            call(self.save_refused, refused.errors)
        except AmpError as error:
            call(self.save_failed, error)
        except Exception:
            log.exception("unexpected failure while saving %s", base.login)
            call(self.save_failed, AmpError(UNEXPECTED))
        else:
            call(self.save_done, draft, saved)

    def service_paths(self, stale: StaleAccountError) -> dict[int, str]:
        """The entity's services by id, to name them in the conflict dialog."""
        current: AccountSnapshot = stale.current
        try:
            nodes = list_services(self.db, entity_id=current.entity_id)
        except AmpError:
            return (
                {current.service_id: current.service_path} if current.service_id else {}
            )
        return {node.id: node.path for node in nodes}

    def save_done(self, sent: AccountDraft, saved: AccountSnapshot) -> None:
        """Start again from the stored account, keeping edits typed meanwhile."""
        self.saving = False
        if self.actor.agent_id == saved.id:
            self.actor = actor_for(saved)
        current = self.collect_draft()
        if current == sent:
            self.load(saved, AccountDraft.from_snapshot(saved))
        else:
            self.load(saved, current)
        self.notify(SAVED)

    def save_refused(self, errors: Mapping[str, str]) -> None:
        """Mark each refused field, and go to the first one."""
        self.saving = False
        for tab in self.account_tabs():
            tab.show_errors(errors)
        shown = self.focus_first_error()
        if shown:
            self.notify(FIX_FIELDS, severity="warning")
        else:
            self.notify(" ".join(errors.values()), severity="warning")

    def focus_first_error(self) -> bool:
        """Open the first tab with a refused field and focus that field."""
        tabbed = self.query_one(TabbedContent)
        for tab_id, *_ in TABS:
            refused = self.query_one(f"#{tab_id}-tab").query(".-invalid")
            if refused:
                tabbed.active = tab_id
                self.call_after_refresh(self.focus_within, refused.first())
                return True
        return False

    def focus_within(self, widget: Widget) -> None:
        """Focus the first focusable widget inside ``widget``."""
        for candidate in widget.query("*"):
            if candidate.focusable:
                candidate.focus()
                return

    def save_conflicted(
        self,
        base: AccountSnapshot,
        stale: StaleAccountError,
        mine: AccountDraft,
        service_paths: dict[int, str],
    ) -> None:
        """Show what changed meanwhile, then reload or keep editing."""
        self.saving = False
        current: AccountSnapshot = stale.current
        changes = changes_meanwhile(base, current, mine, service_paths)

        def resolve(choice: ConflictChoice | None) -> None:
            if choice == "reload":
                self.load(current, AccountDraft.from_snapshot(current))
                self.notify("Compte rechargé tel qu'il est enregistré.")
            else:
                self.load(current, merge_edits(base, current, self.collect_draft()))
                self.notify(
                    "Vos modifications sont conservées ; enregistrez pour les "
                    "appliquer au compte tel qu'il est maintenant."
                )
            self.focus_active_tab()

        self.app.push_screen(ConflictDialog(stale.message, changes), resolve)

    def save_failed(self, error: AmpError) -> None:
        """Say why nothing was saved; the form keeps every edit."""
        self.saving = False
        if isinstance(error, DatabaseUnavailableError):
            self.notify(f"{error.message} {EDITS_KEPT}", severity="error", timeout=15)
        else:
            self.notify(error.message, severity="error", timeout=10)

    def action_cancel(self) -> None:
        """Revert to the stored account, once the user confirms."""
        if not self.has_unsaved_changes():
            self.notify("Aucune modification à annuler.")
            return

        def revert(confirmed: bool | None) -> None:
            if confirmed:
                self.load(self.snapshot, AccountDraft.from_snapshot(self.snapshot))
                self.focus_active_tab()
                self.notify("Modifications annulées.")

        self.app.push_screen(
            ConfirmDialog(
                "Annuler les modifications",
                "Abandonner les modifications non enregistrées et revenir au "
                "compte tel qu'il est enregistré ?",
                yes="Abandonner",
            ),
            revert,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only support staff, who came from the account finder, go back to it."""
        if action == "open_other":
            return self.actor.is_support and len(self.app.screen_stack) > 2
        return True

    def action_open_other(self) -> None:
        """Close this account, asking first when edits would be lost."""
        if not self.has_unsaved_changes():
            self.dismiss()
            return

        def close(confirmed: bool | None) -> None:
            if confirmed:
                self.dismiss()

        self.app.push_screen(
            ConfirmDialog(
                "Modifications non enregistrées",
                "Fermer ce compte sans enregistrer les modifications ?",
                yes="Fermer",
            ),
            close,
        )

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """An entry per tab and per action, for the command palette."""
        for tab_id, title, key, _ in TABS:
            yield PaletteCommand(
                title,
                f"Ouvrir l'onglet ({key.upper()})",
                partial(self.action_show_tab, tab_id),
            )
        yield PaletteCommand(
            "Enregistrer", "Enregistrer le compte (ctrl+s)", self.action_save
        )
        yield PaletteCommand(
            "Annuler les modifications",
            "Revenir au compte enregistré (Échap)",
            self.action_cancel,
        )
        yield PaletteCommand(
            "Tableau de bord",
            "Les consultations et leurs favoris ★ (F6)",
            self.action_dashboard,
        )
        yield PaletteCommand(
            "Journal des modifications",
            "Qui a modifié ce compte, quand et comment (F7)",
            self.action_audit,
        )
        if self.check_action("open_other", ()):
            yield PaletteCommand(
                "Ouvrir un autre compte",
                "Fermer ce compte et en ouvrir un autre (ctrl+o)",
                self.action_open_other,
            )
