"""Connecting to SQLite or PostgreSQL, and turning outages into user errors."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from amp_tui.config import mask_url
from amp_tui.errors import ConfigurationError, DatabaseUnavailableError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000


class Database:
    """An engine and the sessions opened on it.

    Every service function takes a Database and opens its own transaction,
    so that the interface never holds a session between two key presses.
    """

    def __init__(self, url: URL) -> None:
        self.url = url
        self.is_sqlite = url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            prepare_sqlite_file(url)
        self.engine = self._create_engine()
        # Writers on SQLite take the write lock when they begin, so that a
        # transaction that reads then writes waits for another writer
        # (busy timeout) instead of failing when it tries to upgrade.
        self.write_engine = self.engine.execution_options(sqlite_immediate=True)

    def _create_engine(self) -> Engine:
        if self.is_sqlite:
            engine = create_engine(
                self.url,
                connect_args={"check_same_thread": False, "timeout": 10},
                poolclass=NullPool,
            )
            event.listen(engine, "connect", _configure_sqlite_connection)
            event.listen(engine, "begin", _begin_sqlite_transaction)
            return engine
        return create_engine(
            self.url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5},
        )

    @property
    def display_url(self) -> str:
        """The URL with its password masked, for logs and messages."""
        return mask_url(self.url)

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """Open a session inside one transaction, committed on success.

        Pass ``write=True`` for a transaction that reads then writes.
        Connection failures become DatabaseUnavailableError; nothing half
        done stays in the database because the transaction rolls back.
        """
        bind = self.write_engine if write else self.engine
        try:
            with Session(bind, expire_on_commit=False) as session, session.begin():
                yield session
        except (OperationalError, InterfaceError) as error:
            if "readonly database" in str(error.orig).lower():
                raise ConfigurationError(
                    f"Base SQLite en lecture seule ({self.display_url}) : "
                    "rien n'a été enregistré ; vérifiez les droits sur le "
                    "fichier et son dossier."
                ) from error
            if is_connection_error(error):
                log.warning(
                    "database unreachable at %s: %s",
                    self.display_url,
                    type(error.orig).__name__,
                )
                raise DatabaseUnavailableError(
                    f"Base de données injoignable ({self.display_url}) : "
                    "vérifiez qu'elle est démarrée et accessible, puis réessayez."
                ) from error
            raise

    def ping(self) -> None:
        """Check that the database answers; raise DatabaseUnavailableError."""
        with self.session() as session:
            session.exec(text("SELECT 1"))  # type: ignore[call-overload]

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def is_connection_error(error: DBAPIError) -> bool:
    """Tell a lost or refused connection from an SQL error."""
    if error.connection_invalidated:
        return True
    if isinstance(error, InterfaceError):
        return True
    message = str(error.orig).lower()
    markers = (
        "connection",
        "could not connect",
        "server closed",
        "terminating connection",
        "database system is",
        "unable to open database",
        "disk i/o error",
        "timeout",
        "database is locked",
        "the database system is shutting down",
    )
    return any(marker in message for marker in markers)


def prepare_sqlite_file(url: URL) -> None:
    """Create the SQLite file's folder, and the file itself with mode 0600."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database).expanduser()
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except FileExistsError:
        return
    except OSError as error:
        raise ConfigurationError(
            f"Impossible de créer la base SQLite {path} : {error.strerror}."
        ) from error


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers and one
    # writer work at once; the busy timeout makes a second writer wait
    # instead of failing at once.
    # SQLAlchemy emits BEGIN itself (see _begin_sqlite_transaction), so the
    # driver's own implicit transactions are switched off.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    except Exception:  # a read-only file cannot switch journal modes
        log.debug("could not switch SQLite to WAL")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    immediate = connection.get_execution_options().get("sqlite_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
