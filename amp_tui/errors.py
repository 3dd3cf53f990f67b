"""Typed domain errors, each carrying a French message fit for the user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class AmpError(Exception):
    """Base of every error amp-tui reports to a user.

    ``message`` is French and can be shown as is, in a dialog or on one line
    of the command line.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(AmpError):
    """The database URL or another setting cannot be used."""


class DatabaseUnavailableError(AmpError):
    """The database cannot be reached; nothing was written."""


class SchemaError(AmpError):
    """The database schema is missing, outdated, or newer than this program."""


class NotFoundError(AmpError):
    """A looked-up account, entity or service does not exist."""


class PermissionDeniedError(AmpError):
    """The acting agent may not do this."""


class AuthenticationError(AmpError):
    """A sign-in failed. The message never says whether the login exists."""


class FieldErrors(AmpError):
    """One or more fields hold bad input; ``errors`` maps field to message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ; ".join(self.errors.values()))


class StaleAccountError(AmpError):
    """The account changed in the database since it was loaded.

    ``current`` is the stored account as it is now, so that the interface can
    show what changed meanwhile.
    """

    def __init__(self, current: Any) -> None:
        super().__init__(
            "Ce compte a été modifié par ailleurs depuis son ouverture : "
            "rien n'a été enregistré."
        )
        self.current = current
