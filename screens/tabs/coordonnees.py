"""Mes coordonnées: names, service, phones, e-mail, identifiant, password.

The tab shows one field per row, in the platform's order, with the reason
for a refusal under the field. Values are checked by the account service
when the screen saves; the inputs only keep out what can never be valid
(control characters, text longer than the field allows).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from amp_tui.accounts import list_services
from amp_tui.errors import AmpError
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from amp_tui.validation import (
    EMAIL_MAX,
    LOGIN_MAX,
    NAME_MAX,
    PASSWORD_MAX,
    PHONE_MAX_TYPED,
)
from screens.dialogs.service_picker import ServiceField
from screens.tabs.base import AccountTab

if TYPE_CHECKING:
    from screens.app import AmpApp

log = logging.getLogger(__name__)

REQUIRED_LEGEND = "Le symbole * indique les champs obligatoires"
EMAIL_NOTE = (
    "Une adresse électronique ne peut servir qu'à un seul compte sur la "
    "plateforme : réservez une adresse générique ou partagée à un compte "
    "administrateur et utilisez une adresse personnelle pour un compte agent."
)
PASSWORD_NOTE = "Laissez vide pour conserver le mot de passe actuel."
# Anything but control characters and bidirectional overrides, which the
# account service refuses anyway; refusing them at the keyboard saves a trip.
NO_CONTROL = r"[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*"

TEXT_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("nom", "NOM *", NAME_MAX),
    ("prenom", "Prénom *", NAME_MAX),
    ("telephone", "Téléphone", PHONE_MAX_TYPED),
    ("telecopieur", "Télécopieur", PHONE_MAX_TYPED),
    ("email", "Adresse électronique *", EMAIL_MAX),
    ("login", "Identifiant", LOGIN_MAX),
    ("password", "Mot de passe *", PASSWORD_MAX),
    ("password_confirmation", "Confirmer le mot de passe *", PASSWORD_MAX),
)
FIELD_NAMES: tuple[str, ...] = (
    "nom",
    "prenom",
    "service",
    "telephone",
    "telecopieur",
    "email",
    "login",
    "password",
    "password_confirmation",
)
"""The fields of the tab in focus order; also the keys of their errors."""


class CoordonneesTab(AccountTab, can_focus=False):
    """The contact details of the account, as a form.

    | Key(s) | Description |
    | :- | :- |
    | tab, shift+tab | Move to the next or previous field. |
    | enter | In a text field, move to the next field. |

    The buttons run the screen's ``cancel`` and ``save`` actions.
    """

    DEFAULT_CSS = """
    CoordonneesTab {
        padding: 0 1;
    }
    CoordonneesTab .legend {
        color: $text-muted;
        margin-bottom: 1;
    }
    CoordonneesTab .field {
        height: auto;
    }
    CoordonneesTab .field > Label {
        width: 28;
        padding-right: 1;
    }
    /* A rule on the row itself makes Textual restyle its label on focus. */
    CoordonneesTab .field:focus-within {
        background: $boost;
    }
    CoordonneesTab .field:focus-within > Label {
        text-style: bold reverse;
    }
    CoordonneesTab .control {
        width: 1fr;
        height: auto;
    }
    CoordonneesTab .control Input, CoordonneesTab .control ServiceField {
        width: 1fr;
        max-width: 60;
    }
    /* In 16 colours or without colour a borderless field has no visible
       extent: underline it, as paper forms do. */
    CoordonneesTab .control Input {
        text-style: underline;
    }
    CoordonneesTab .note {
        color: $text-muted;
        max-width: 60;
    }
    CoordonneesTab .error {
        display: none;
        color: $text-warning;
        text-style: bold;
        max-width: 60;
    }
    CoordonneesTab .field.-invalid {
        & > Label {
            color: $text-warning;
            text-style: bold;
        }
        & .error {
            display: block;
        }
        & Input, & ServiceField {
            background: $warning 35%;
        }
    }
    CoordonneesTab .buttons {
        height: auto;
        margin-top: 1;
    }
    CoordonneesTab .buttons Button {
        margin-right: 2;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        """Create the empty form; ``show_account`` fills it."""
        super().__init__(id=id)
        self.snapshot: AccountSnapshot | None = None
        """The stored account the form started from."""

    def compose(self) -> ComposeResult:
        """Lay out the legend, one row per field, and the two buttons."""
        yield Static(REQUIRED_LEGEND, classes="legend")
        for name, label, limit in TEXT_FIELDS:
            if name == "telephone":
                yield from self.service_row()
            with Horizontal(classes="field", id=f"field-{name}"):
                yield Label(label)
                with Vertical(classes="control"):
                    yield Input(
                        id=name,
                        max_length=limit,
                        restrict=NO_CONTROL,
                        password=name.startswith("password"),
                        compact=True,
                    )
                    yield Static("", classes="error", id=f"{name}-error", markup=False)
                    if name == "email":
                        yield Static(EMAIL_NOTE, classes="note")
                    if name == "password":
                        yield Static(PASSWORD_NOTE, classes="note")
        with Horizontal(classes="buttons"):
            yield Button("Annuler", id="cancel", action="screen.cancel", compact=True)
            yield Button(
                "Enregistrer",
                id="save",
                action="screen.save",
                variant="primary",
                compact=True,
            )

    def service_row(self) -> ComposeResult:
        """The Service row: the chosen path; Enter opens the service tree."""
        with Horizontal(classes="field", id="field-service"):
            yield Label("Service")
            with Vertical(classes="control"):
                yield ServiceField(id="service")
                yield Static("", classes="error", id="service-error", markup=False)

    def show_account(
        self, snapshot: AccountSnapshot, draft: AccountDraft, *, actor: Actor
    ) -> None:
        """Fill the form from ``draft``; only support may edit the identifiant."""
        entity_changed = self.snapshot is None or (
            self.snapshot.entity_id != snapshot.entity_id
        )
        self.snapshot = snapshot
        service = self.query_one("#service", ServiceField)
        if entity_changed:
            service.offer([])
        known = (
            {snapshot.service_id: snapshot.service_path} if snapshot.service_id else {}
        )
        with self.prevent(Input.Changed):
            for name, _, _ in TEXT_FIELDS:
                self.query_one(f"#{name}", Input).value = getattr(draft, name)
            self.query_one("#login", Input).disabled = not actor.is_support
        service.show(draft.service_id, known)
        self.show_errors({})
        if entity_changed:
            self.load_services(snapshot.entity_id)

    @work(thread=True, exclusive=True, group="services", exit_on_error=False)
    def load_services(self, entity_id: int) -> None:
        """Read the entity's service tree off the interface thread."""
        db = cast("AmpApp", self.app).db
        try:
            nodes = list_services(db, entity_id=entity_id)
        except AmpError as error:
            self.app.call_from_thread(
                self.notify,
                f"Liste des services indisponible : {error.message}",
                severity="warning",
            )
            return
        self.app.call_from_thread(self.query_one("#service", ServiceField).offer, nodes)

    def apply_to(self, draft: AccountDraft) -> None:
        """Copy the typed values into ``draft``, exactly as typed."""
        for name, _, _ in TEXT_FIELDS:
            setattr(draft, name, self.query_one(f"#{name}", Input).value)
        draft.service_id = self.query_one("#service", ServiceField).service_id

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Highlight each refused field with its reason; clear the others."""
        for name in FIELD_NAMES:
            message = errors.get(name, "")
            self.query_one(f"#{name}-error", Static).update(message)
            self.query_one(f"#field-{name}").set_class(bool(message), "-invalid")

    def focus_first(self) -> None:
        """Focus NOM, the first field."""
        self.query_one("#nom", Input).focus()
        self.scroll_home(animate=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Tell the screen the form was edited."""
        self.post_message(self.Edited())

    def on_service_field_changed(self, event: ServiceField.Changed) -> None:
        """Tell the screen the service was changed."""
        self.post_message(self.Edited())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves on to the next one."""
        event.stop()
        self.screen.focus_next()
