"""Shared fixtures: a real database per test, on SQLite and on PostgreSQL.

PostgreSQL tests run when AMP_TUI_TEST_DATABASE_URL names a server (for
example ``postgresql+psycopg://postgres@127.0.0.1:55432/postgres``); each
test gets its own database, copied from a migrated template. Without the
variable they are skipped, with the reason shown in the summary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from amp_tui.database import Database
from amp_tui.demo import seed_demo
from amp_tui.schema import upgrade

POSTGRES_VARIABLE = "AMP_TUI_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]
# Named per run, so that two runs sharing a server never drop each other's.
TEMPLATE = f"amp_tui_template_{uuid.uuid4().hex[:8]}"


def postgres_server_url() -> URL | None:
    """The test server's URL, or None when PostgreSQL tests are off."""
    raw = os.environ.get(POSTGRES_VARIABLE)
    return make_url(raw).set(drivername="postgresql+psycopg") if raw else None


def _admin_execute(server: URL, *statements: str) -> None:
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[URL]:
    """A migrated, demo-loaded template database, built once per run."""
    server = postgres_server_url()
    if server is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_VARIABLE} (unset)")
    _admin_execute(
        server,
        f"DROP DATABASE IF EXISTS {TEMPLATE}",
        f"CREATE DATABASE {TEMPLATE}",
    )
    template_url = server.set(database=TEMPLATE)
    db = Database(template_url)
    upgrade(db)
    db.dispose()
    yield server
    _admin_execute(server, f"DROP DATABASE IF EXISTS {TEMPLATE}")


def make_database(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Database]:
    """A fresh, migrated database on ``backend``, removed after the test."""
    if backend == "sqlite":
        db = Database(make_url(f"sqlite:///{tmp_path / 'amp.db'}"))
        upgrade(db)
        yield db
        db.dispose()
        return
    server: URL = request.getfixturevalue("postgres_template")
    name = f"amp_test_{uuid.uuid4().hex[:12]}"
    _admin_execute(server, f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    db = Database(server.set(database=name))
    yield db
    db.dispose()
    _admin_execute(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database, on SQLite then on PostgreSQL."""
    yield from make_database(request.param, tmp_path, request)


@pytest.fixture
def demo_db(db: Database) -> Database:
    """A migrated database holding the demo dataset."""
    seed_demo(db)
    return db


@pytest.fixture
def sqlite_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty, migrated SQLite database, for tests about SQLite itself."""
    yield from make_database("sqlite", tmp_path, request)
