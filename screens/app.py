"""The amp-tui application: which screen comes first, and the global keys.

Buyers land on their own account after signing in; support staff land on
the screen that opens any account. Each screen lives in its own module.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from amp_tui.accounts import load_account_by_login
from amp_tui.auth import actor_for
from amp_tui.database import Database
from amp_tui.errors import AmpError
from amp_tui.snapshots import AccountSnapshot, Actor
from screens.account import AccountScreen
from screens.dialogs.confirm import ConfirmDialog
from screens.finder import FinderScreen
from screens.help import HelpScreen, binding_groups
from screens.login import LoginScreen

log = logging.getLogger(__name__)


class AmpApp(App[None]):
    """The account editor.

    | Key(s) | Description |
    | :- | :- |
    | f1 | Show every key binding that applies, grouped. |
    | ctrl+p | Open the command palette. |
    | ctrl+q | Quit, asking first when edits are not saved. |
    """

    TITLE = "amp-tui"
    CSS_PATH = "app.tcss"
    HELP_GROUP = "Général"
    """The heading of the app's own keys in the help."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Aide"),
        Binding("ctrl+q", "quit", "Quitter", priority=True),
        Binding("ctrl+p", "command_palette", "Commandes", show=False, priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(self, db: Database, *, sign_in_as: str | None = None) -> None:
        """Edit accounts on ``db``; ``sign_in_as`` skips the login (demo)."""
        super().__init__()
        self.db = db
        """Where accounts are stored."""
        self.sign_in_as = sign_in_as
        """A login to open signed in, without a password, or None."""

    def on_mount(self) -> None:
        """Start on the login screen, or signed in for a demo."""
        if self.sign_in_as:
            self.open_signed_in(self.sign_in_as)
        else:
            self.push_screen(LoginScreen(self.db))

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def open_signed_in(self, login: str) -> None:
        """Load a demo agent's account, looked up with support rights."""
        try:
            snapshot = load_account_by_login(
                self.db, actor=Actor(login=login, role="support"), login=login
            )
        except AmpError as error:
            self.call_from_thread(self.sign_in_failed, error.message)
        else:
            self.call_from_thread(self.open_home, snapshot)

    def sign_in_failed(self, message: str) -> None:
        """Fall back on the login screen."""
        self.push_screen(LoginScreen(self.db))
        self.notify(message, severity="error")

    def on_login_screen_signed_in(self, event: LoginScreen.SignedIn) -> None:
        """Replace the login screen with the agent's home."""
        self.open_home(event.snapshot)

    def open_home(self, snapshot: AccountSnapshot) -> None:
        """Show a buyer their account, and support staff the account opener."""
        actor = actor_for(snapshot)
        home: Screen[None] = (
            FinderScreen(self.db, actor)
            if actor.is_support
            else AccountScreen(self.db, snapshot, actor)
        )
        if isinstance(self.screen, LoginScreen):
            self.switch_screen(home)
        else:
            self.push_screen(home)

    def unsaved_accounts(self) -> list[AccountScreen]:
        """The open account screens holding edits not saved yet."""
        return [
            screen
            for screen in self.screen_stack
            if isinstance(screen, AccountScreen) and screen.has_unsaved_changes()
        ]

    async def action_quit(self) -> None:
        """Quit, once the user confirms when edits would be lost."""
        if not self.unsaved_accounts():
            self.exit()
            return
        if isinstance(self.screen, ConfirmDialog):
            return

        def leave(confirmed: bool | None) -> None:
            if confirmed:
                self.exit()

        self.push_screen(
            ConfirmDialog(
                "Quitter",
                "Des modifications ne sont pas enregistrées. Quitter sans les "
                "enregistrer ?",
                yes="Quitter",
            ),
            leave,
        )

    def action_help_quit(self) -> None:
        """ctrl+c copies in a field; say how to quit instead."""
        self.notify("Pour quitter, appuyez sur ctrl+q.")

    def action_help(self) -> None:
        """Show the help for the current screen, or close it."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(binding_groups(self, self.screen)))

    # Limitation: Textual's palette says "No matches found" in English when a
    # search finds nothing; the rest of it (placeholder, entries) is French.
    def action_command_palette(self) -> None:
        """Open the command palette, in French."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                CommandPalette(
                    placeholder="Rechercher une commande…", id="--command-palette"
                )
            )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette's commands that apply on every screen."""
        yield SystemCommand(
            "Aide", "Tous les raccourcis clavier (F1)", self.action_help
        )
        yield SystemCommand("Quitter", "Quitter amp-tui (ctrl+q)", self.action_quit)


@contextmanager
def console_logging_silenced() -> Iterator[None]:
    """Detach log handlers that write to the terminal while the app draws.

    The log file keeps every record; a handler on stderr (``--debug``)
    would scribble over the screen.
    """
    root = logging.getLogger()
    consoles = [
        handler
        for handler in root.handlers
        if isinstance(handler, logging.StreamHandler)
        and getattr(handler, "stream", None) in (sys.stderr, sys.stdout)
    ]
    for handler in consoles:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in consoles:
            root.addHandler(handler)


def run_app(db: Database, sign_in_as: str | None = None) -> None:
    """Run the editor on ``db`` until the user quits."""
    with console_logging_silenced():
        AmpApp(db, sign_in_as=sign_in_as).run()
