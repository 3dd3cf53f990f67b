"""Where things are: the database URL, the user's files, the shipped data."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from amp_tui.errors import ConfigurationError

DATABASE_URL_VARIABLE = "AMP_TUI_DATABASE_URL"
APP_NAME = "amp-tui"


def data_dir() -> Path:
    """Return the folder of reference data and the demo dataset.

    A wheel carries it inside the package; a checkout keeps it at the top.
    """
    packaged = Path(__file__).resolve().parent / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def user_data_dir() -> Path:
    """Return the per-user folder for the default database and the log."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_database_path() -> Path:
    """Return the SQLite file used when no URL is given."""
    return user_data_dir() / "amp-tui.db"


def resolve_database_url(explicit: str | None = None) -> URL:
    """Pick the database URL: the option, then the variable, then the default.

    Raises ConfigurationError with a French message for a malformed URL.
    """
    raw = explicit or os.environ.get(DATABASE_URL_VARIABLE)
    if not raw:
        return make_url(f"sqlite:///{default_database_path()}")
    return parse_database_url(raw)


def parse_database_url(raw: str) -> URL:
    """Parse an SQLAlchemy URL and check it names a supported database."""
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError) as error:
        raise ConfigurationError(
            "URL de base de données invalide ; attendu par exemple "
            "sqlite:///chemin.db ou postgresql+psycopg://utilisateur@hôte/base."
        ) from error
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"Base de données « {backend} » non prise en charge : "
            "utilisez sqlite ou postgresql."
        )
    if backend == "postgresql" and url.drivername != "postgresql+psycopg":
        url = url.set(drivername="postgresql+psycopg")
    return url


def mask_url(url: URL | str) -> str:
    """Render a URL for logs and messages, never with its password."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return "<URL invalide>"
    return url.render_as_string(hide_password=True)
