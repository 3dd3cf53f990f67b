"""The login screen: identifiant and mot de passe, checked off the UI thread.

A refusal always shows the same message, whether the identifiant is
unknown, the password wrong or the account locked (see amp_tui.auth).
"""

from __future__ import annotations

import logging

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from amp_tui.auth import authenticate
from amp_tui.database import Database
from amp_tui.errors import AmpError, AuthenticationError
from amp_tui.snapshots import AccountSnapshot
from amp_tui.validation import LOGIN_MAX

log = logging.getLogger(__name__)

MISSING = "Saisissez votre identifiant et votre mot de passe."
CHECKING = "Vérification…"
UNEXPECTED = "Erreur inattendue : connexion impossible. Le détail est dans le journal."


class LoginScreen(Screen[None]):
    """Ask for an identifiant and a password; post SignedIn on success.

    | Key(s) | Description |
    | :- | :- |
    | tab | Move from Identifiant to Mot de passe. |
    | enter | Sign in (from Identifiant with no password: go to Mot de passe). |
    """

    AUTO_FOCUS = "#login"
    CSS_PATH = "login.tcss"

    class SignedIn(Message):
        """The agent proved their password."""

        def __init__(self, snapshot: AccountSnapshot) -> None:
            super().__init__()
            self.snapshot = snapshot
            """The signed-in agent's account."""

    def __init__(self, db: Database) -> None:
        """Sign in against ``db``."""
        super().__init__()
        self.db = db
        """Where accounts are checked."""
        self.checking = False
        """True while a sign-in is being checked."""

    def compose(self) -> ComposeResult:
        """Lay out the two fields, the message line and the button."""
        with Vertical(id="login-box"):
            yield Label("Connexion", id="login-title")
            with Horizontal(classes="field"):
                yield Label("Identifiant")
                yield Input(id="login", max_length=LOGIN_MAX, compact=True)
            with Horizontal(classes="field"):
                yield Label("Mot de passe")
                yield Input(id="password", password=True, compact=True)
            yield Static("", id="message", markup=False)
            yield Button("Se connecter", id="sign-in", variant="primary", compact=True)
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter signs in; from an identifiant alone it moves to the password."""
        event.stop()
        password = self.query_one("#password", Input)
        if event.input.id == "login" and not password.value:
            password.focus()
            return
        self.sign_in()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The button signs in."""
        event.stop()
        self.sign_in()

    def sign_in(self) -> None:
        """Check the identifiant and password in a worker."""
        if self.checking:
            return
        login = self.query_one("#login", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not login or not password:
            self.show_message(MISSING, problem=True)
            return
        self.checking = True
        self.show_message(CHECKING, problem=False)
        self.check(login, password)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def check(self, login: str, password: str) -> None:
        """Run the password check, which is slow on purpose, off the UI thread."""
        call = self.app.call_from_thread
        try:
            snapshot = authenticate(self.db, login=login, password=password)
        except AuthenticationError as refused:
            call(self.refused, refused.message)
        except AmpError as error:
            call(self.refused, error.message)
        except Exception:
            log.exception("unexpected failure while signing in")
            call(self.refused, UNEXPECTED)
        else:
            call(self.signed_in, snapshot)

    def refused(self, message: str) -> None:
        """Show why, clear the password, and let the user try again."""
        self.checking = False
        self.show_message(message, problem=True)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def signed_in(self, snapshot: AccountSnapshot) -> None:
        """Hand the account to the app, which opens the right screen."""
        self.checking = False
        self.show_message("", problem=False)
        self.post_message(self.SignedIn(snapshot))

    def show_message(self, text: str, *, problem: bool) -> None:
        """Show a line under the fields; problems in the warning colour."""
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(problem, "-problem")
