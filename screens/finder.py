"""The account finder: support staff's home, searching as they type.

Every keystroke restarts a short timer; when it fires, the search runs in a
thread worker and fills the table with the first page of results. Further
pages load as the cursor nears the end of what is shown, so only what the
user scrolls to is ever read. Each search carries a generation number and a
result is shown only while its generation is the current one: a slow older
search never overwrites a newer one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import ClassVar, Literal, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, Static

from amp_tui.accounts import load_account
from amp_tui.database import Database
from amp_tui.errors import AmpError
from amp_tui.search import AccountPage, AccountSummary, find_accounts
from amp_tui.snapshots import AccountSnapshot, Actor
from amp_tui.support import reset_password, unlock_account
from screens.account import AccountScreen
from screens.audit_view import AuditScreen
from screens.commands import PaletteCommand, ScreenCommands
from screens.dialogs.confirm import ConfirmDialog
from screens.dialogs.temporary_password import TemporaryPasswordDialog
from screens.help import key_label
from screens.widgets.account_results import AccountResults

log = logging.getLogger(__name__)

PAGE_SIZE = 50
"""Rows read per query; the first page fills a screen several times over."""
DEBOUNCE_SECONDS = 0.25
"""Wait this long after the last keystroke before searching."""
UNEXPECTED = "Erreur inattendue. Le détail est dans le journal."

T = TypeVar("T")


def count_text(shown: int, more: bool, query: str) -> str:
    """The line above the results that says what they hold."""
    if shown == 0:
        if query.strip():
            return f"Aucun compte ne correspond à « {query.strip()} »."
        return "Aucun compte."
    noun = "compte" if shown == 1 else "comptes"
    if more:
        return f"{shown} premiers {noun} ; la suite s'affiche en descendant."
    return f"{shown} {noun}."


class FinderScreen(Screen[None]):
    """Find any account by name, identifiant, e-mail or entité, and act on it.

    | Key(s) | Description |
    | :- | :- |
    | (typing) | Search; case and accents do not matter. |
    | down | From the search field, go to the results. |
    | enter | Open the account under the cursor. |
    | f6 | Unlock the account under the cursor. |
    | f7 | Show the account's audit trail. |
    | f8 | Give the account a temporary password, after confirmation. |
    | escape | Back to the search field, its text selected. |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open",
            "Ouvrir",
            tooltip="Ouvrir le compte sélectionné",
            priority=True,
        ),
        Binding(
            "f6",
            "unlock",
            "Déverrouiller",
            tooltip="Déverrouiller le compte sélectionné",
        ),
        Binding(
            "f7",
            "audit",
            "Journal",
            tooltip="Journal des modifications du compte sélectionné",
        ),
        Binding(
            "f8",
            "reset_password",
            "Mot de passe",
            tooltip="Donner un mot de passe temporaire au compte sélectionné",
        ),
        Binding(
            "escape",
            "focus_search",
            "Rechercher",
            tooltip="Revenir au champ de recherche",
            show=False,
        ),
        Binding("down,pagedown", "focus_results", show=False),
    ]

    COMMANDS: ClassVar = {ScreenCommands}
    HELP_GROUP = "Recherche de comptes"
    """The heading of this screen's own keys in the help."""
    AUTO_FOCUS = "#finder-query"

    CSS_PATH = "finder.tcss"

    def __init__(self, db: Database, actor: Actor) -> None:
        """Search accounts on ``db`` as the support agent ``actor``."""
        super().__init__()
        self.db = db
        """Where accounts are searched and changed."""
        self.actor = actor
        """The support agent signed in."""
        self.generation = 0
        """Number of the latest search; older results are dropped."""
        self.query_text = ""
        """The text of the latest search."""
        self.next_after: str | None = None
        """Cursor of the next page of the latest search, None at the end."""
        self.reading: Literal["first", "more"] | None = None
        """Which page is being read: the first of a search, or the next one."""
        self.debounce: Timer | None = None
        """The timer that starts a search once typing pauses."""
        self.keep_cursor_on: int | None = None
        """An account to put the cursor back on when the next results come."""
        self.search_on_resume = True
        """Search again when next shown: at first, and after a change."""
        self.open_when_found = False
        """Open the first result as soon as the pending search is shown."""
        self.failed = False
        """True when the latest search failed; Enter tries it again."""

    def compose(self) -> ComposeResult:
        """Lay out the title, the search field, the count and the results."""
        yield Label(
            f"Rechercher un compte - connecté : {self.actor.login} (support)",
            id="finder-title",
            markup=False,
        )
        with Horizontal(id="finder-search"):
            yield Label("Rechercher")
            yield Input(
                id="finder-query",
                placeholder="nom, prénom, identifiant, adresse électronique, entité",
                compact=True,
                select_on_focus=False,
            )
        yield Static("", id="finder-status", markup=False)
        yield AccountResults(id="finder-results")
        # The palette key (ctrl+p) is left out so that the actions fit in 80
        # columns; F1 lists it, and the palette offers every action here.
        yield Footer(compact=True, show_command_palette=False)

    @property
    def searching(self) -> bool:
        """True until the latest typing has been searched and shown."""
        return self.reading is not None or self.debounce is not None

    def on_screen_resume(self) -> None:
        """Search when first shown, and again after an account may have changed."""
        if not self.search_on_resume:
            return
        self.search_on_resume = False
        selected = self.query_one(AccountResults).selected()
        self.keep_cursor_on = selected.id if selected else None
        self.start_search(self.query_one("#finder-query", Input).value)

    @on(Input.Changed, "#finder-query")
    def query_changed(self, event: Input.Changed) -> None:
        """Restart the timer on every keystroke."""
        event.stop()
        self.keep_cursor_on = None
        self.open_when_found = False
        if self.debounce is not None:
            self.debounce.stop()
        self.debounce = self.set_timer(
            DEBOUNCE_SECONDS, lambda: self.start_search(event.value)
        )

    def start_search(self, query: str) -> None:
        """Drop what is pending and read the first page of ``query``."""
        if self.debounce is not None:
            self.debounce.stop()
            self.debounce = None
        self.generation += 1
        self.query_text = query
        self.next_after = None
        self.failed = False
        self.reading = "first"
        self.show_status("Recherche…")
        self.read_page(self.generation, query, None)

    def load_more(self) -> None:
        """Read the page after the rows shown, unless reading or at the end."""
        if self.searching or self.next_after is None:
            return
        self.reading = "more"
        self.show_status("Chargement de la suite…")
        self.read_page(self.generation, self.query_text, self.next_after)

    @work(thread=True, group="search", exit_on_error=False)
    def read_page(self, generation: int, query: str, after: str | None) -> None:
        """Run one search query off the UI thread."""
        call = self.app.call_from_thread
        try:
            page = find_accounts(self.db, query=query, limit=PAGE_SIZE, after=after)
        except AmpError as error:
            call(self.page_failed, generation, error.message)
        except Exception:
            log.exception("unexpected failure while searching accounts")
            call(self.page_failed, generation, UNEXPECTED)
        else:
            call(self.page_read, generation, page, after is not None)

    def page_read(self, generation: int, page: AccountPage, append: bool) -> None:
        """Show a page, unless a newer search has started since."""
        if generation != self.generation:
            return
        self.reading = None
        results = self.query_one(AccountResults)
        results.show_page(page.rows, append=append)
        self.next_after = page.next_after
        self.show_status(
            count_text(results.row_count, page.next_after is not None, self.query_text)
        )
        if self.keep_cursor_on is not None:
            results.place_cursor_on(self.keep_cursor_on)
            self.keep_cursor_on = None
        if self.open_when_found:
            self.open_when_found = False
            self.action_open()

    def page_failed(self, generation: int, message: str) -> None:
        """Say why the search failed, and that Enter tries again."""
        if generation != self.generation:
            return
        self.reading = None
        self.open_when_found = False
        self.failed = True
        self.show_status(f"{message} Entrée : réessayer.", problem=True)

    def show_status(self, text: str, *, problem: bool = False) -> None:
        """Update the line above the table."""
        status = self.query_one("#finder-status", Static)
        status.update(text)
        status.set_class(problem, "-problem")

    @on(AccountResults.NearEnd)
    def near_end(self, event: AccountResults.NearEnd) -> None:
        """Fetch the next page as the user moves down."""
        event.stop()
        self.load_more()

    @on(AccountResults.LeftTop)
    def left_top(self, event: AccountResults.LeftTop) -> None:
        """Up from the first row goes back to the search field."""
        event.stop()
        self.query_one("#finder-query", Input).focus()

    def on_key(self, event: events.Key) -> None:
        """Typing while the results have the focus goes to the search field."""
        query = self.query_one("#finder-query", Input)
        if event.is_printable and event.character and self.focused is not query:
            event.stop()
            event.prevent_default()
            query.focus()
            query.action_end()
            query.insert_text_at_cursor(event.character)

    def selected_or_say(self) -> AccountSummary | None:
        """The account under the cursor, or a notice that there is none."""
        selected = self.query_one(AccountResults).selected()
        if selected is None:
            self.notify("Aucun compte sélectionné.", severity="warning")
        return selected

    def action_focus_search(self) -> None:
        """Back to the search field, its text selected for a new search."""
        query = self.query_one("#finder-query", Input)
        query.focus()
        query.select_all()

    def action_focus_results(self) -> None:
        """From the search field, move into the results."""
        results = self.query_one(AccountResults)
        if results.row_count:
            results.focus()

    def action_open(self) -> None:
        """Open the account under the cursor, once the typed search is shown."""
        if self.debounce is not None or self.reading == "first":
            self.open_when_found = True
            if self.debounce is not None:
                self.start_search(self.query_one("#finder-query", Input).value)
            return
        if self.failed:
            self.start_search(self.query_text)
            return
        selected = self.selected_or_say()
        if selected is not None:
            load = partial(
                load_account, self.db, actor=self.actor, agent_id=selected.id
            )
            self.run_service(f"opening {selected.login}", load, self.account_read)

    @work(thread=True, group="account", exit_on_error=False)
    def run_service(
        self, doing: str, service: Callable[[], T], done: Callable[[T], None]
    ) -> None:
        """Call a service off the UI thread; its errors become notifications."""
        call = self.app.call_from_thread
        try:
            result = service()
        except AmpError as error:
            call(self.notify, error.message, severity="error")
        except Exception:
            log.exception("unexpected failure while %s", doing)
            call(self.notify, UNEXPECTED, severity="error")
        else:
            call(done, result)

    def account_read(self, snapshot: AccountSnapshot) -> None:
        """Show the account above the finder; coming back refreshes the row."""
        if self.app.screen is self:
            self.search_on_resume = True
            self.app.push_screen(AccountScreen(self.db, snapshot, self.actor))

    def action_unlock(self) -> None:
        """Unlock the account under the cursor."""
        selected = self.selected_or_say()
        if selected is None:
            return
        if not selected.locked:
            self.notify(f"Le compte « {selected.login} » n'est pas verrouillé.")
            return
        unlock = partial(
            unlock_account, self.db, actor=self.actor, agent_id=selected.id
        )
        self.run_service(
            f"unlocking {selected.login}", unlock, lambda _: self.unlocked(selected)
        )

    def unlocked(self, summary: AccountSummary) -> None:
        """Show the account as unlocked."""
        self.notify(f"Compte « {summary.login} » déverrouillé.")
        self.keep_cursor_on = summary.id
        self.start_search(self.query_text)

    def action_audit(self) -> None:
        """Show the audit trail of the account under the cursor."""
        selected = self.selected_or_say()
        if selected is not None:
            self.app.push_screen(AuditScreen(self.db, self.actor, selected.id))

    def action_reset_password(self) -> None:
        """Give the account a temporary password, once the user confirms."""
        selected = self.selected_or_say()
        if selected is None:
            return

        def reset(confirmed: bool | None) -> None:
            if not confirmed:
                return
            new = partial(
                reset_password, self.db, actor=self.actor, agent_id=selected.id
            )
            self.run_service(
                f"resetting the password of {selected.login}",
                new,
                partial(self.show_temporary_password, selected),
            )

        self.app.push_screen(
            ConfirmDialog(
                "Réinitialiser le mot de passe",
                f"Donner un mot de passe temporaire au compte « {selected.login} » "
                f"({selected.nom} {selected.prenom}) ? Son mot de passe actuel ne "
                "fonctionnera plus et le compte sera déverrouillé.",
                yes="Réinitialiser",
            ),
            reset,
        )

    def show_temporary_password(self, summary: AccountSummary, password: str) -> None:
        """Show the temporary password once; coming back refreshes the row."""
        self.search_on_resume = True
        self.app.push_screen(TemporaryPasswordDialog(summary.login, password))

    def palette_commands(self) -> Iterable[PaletteCommand]:
        """Every action of the finder's keys, by its full name, for the palette."""
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.tooltip:
                yield PaletteCommand(
                    binding.tooltip,
                    f"{binding.description} ({key_label(binding.key)})",
                    getattr(self, f"action_{binding.action}"),
                )
