"""The schema: migrations from empty, repeated, and matching the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from amp_tui.database import Database
from amp_tui.errors import SchemaError
from amp_tui.models import metadata
from amp_tui.schema import (
    HEAD_REVISION,
    create_fresh,
    current_revision,
    ensure_current,
    head_revision,
    upgrade,
)


def test_the_models_and_the_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)

    assert differences == []


def test_upgrading_twice_is_harmless(db: Database) -> None:
    assert current_revision(db) == HEAD_REVISION

    assert upgrade(db) == []

    assert current_revision(db) == HEAD_REVISION


def test_the_start_up_constant_names_the_newest_migration() -> None:
    assert head_revision() == HEAD_REVISION


def test_an_empty_sqlite_database_is_migrated_on_first_use(tmp_path: Path) -> None:
    db = Database(make_url(f"sqlite:///{tmp_path / 'nouvelle.db'}"))
    assert current_revision(db) is None

    ensure_current(db)

    tables = set(inspect(db.engine).get_table_names())
    assert {"agent", "departement", "region", "audit_event", "outbox"} <= tables
    with db.session() as session:
        count = session.connection().execute(text("SELECT count(*) FROM departement"))
        assert count.scalar() == 109


def test_the_sqlite_file_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "sous-dossier" / "amp.db"

    Database(make_url(f"sqlite:///{path}"))

    assert path.stat().st_mode & 0o777 == 0o600


def test_a_database_from_a_newer_amp_tui_is_refused(db: Database) -> None:
    with db.session(write=True) as session:
        session.connection().execute(
            text("UPDATE alembic_version SET version_num = '9999'")
        )

    with pytest.raises(SchemaError, match="plus récente"):
        ensure_current(db)
    with pytest.raises(SchemaError):
        upgrade(db)


def test_migrations_keep_rows_when_run_again(db: Database) -> None:
    from tests.factories import add_agent, add_entity

    add_entity(db)
    add_agent(db, "jeanne")

    upgrade(db)

    with db.session() as session:
        count = session.connection().execute(text("SELECT count(*) FROM agent"))
        assert count.scalar() == 1


def schema_of(db: Database) -> dict[str, Any]:
    """Tables, columns, keys, indexes and checks, as the database reports them."""
    found = inspect(db.engine)
    return {
        table: (
            [
                (column["name"], str(column["type"]), column["nullable"])
                for column in found.get_columns(table)
            ],
            found.get_pk_constraint(table)["constrained_columns"],
            sorted(map(str, found.get_foreign_keys(table))),
            sorted(map(str, found.get_indexes(table))),
            sorted(map(str, found.get_unique_constraints(table))),
            sorted(
                " ".join(check["sqltext"].split())
                for check in found.get_check_constraints(table)
            ),
        )
        for table in sorted(found.get_table_names())
    }


def test_the_demo_schema_built_from_the_models_is_the_migrated_one(
    sqlite_db: Database, tmp_path: Path
) -> None:
    fresh = Database(make_url(f"sqlite:///{tmp_path / 'fresh.db'}"))

    create_fresh(fresh)

    assert current_revision(fresh) == HEAD_REVISION
    assert schema_of(fresh) == schema_of(sqlite_db)
    with fresh.session() as session:
        count = session.connection().execute(text("SELECT count(*) FROM departement"))
        assert count.scalar() == 109
