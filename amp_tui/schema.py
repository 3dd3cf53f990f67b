"""Creating and migrating the schema with the Alembic scripts in the package.

Alembic is imported only here, and only when a migration is needed, so that
it stays off the editor's start-up path.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text

from amp_tui.database import Database
from amp_tui.errors import SchemaError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
# The newest revision, kept here so that start-up need not read the scripts;
# a test checks it against Alembic's own idea of the head.
HEAD_REVISION = "0002"


def alembic_config(connection: Any = None) -> Config:
    """An Alembic configuration pointing at the shipped migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this program knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """Every revision shipped with this program."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with db.session() as session:
        connection = session.connection()
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        row = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return row.scalar()


def upgrade(db: Database) -> list[str]:
    """Bring the schema to the newest revision; return what was applied.

    Running it on an up-to-date database does nothing. On SQLite, foreign
    keys are off while tables are rebuilt, so that no row is cascade-deleted.
    """
    from alembic import command

    before = current_revision(db)
    if before == HEAD_REVISION:
        return []
    check_not_newer(before)
    with db.engine.connect() as connection:
        if db.is_sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        command.upgrade(alembic_config(connection), "head")
        connection.commit()
        if db.is_sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    from amp_tui.reference import sync_reference_tables

    sync_reference_tables(db)
    after = current_revision(db)
    log.info("schema of %s migrated from %s to %s", db.display_url, before, after)
    return [revision for revision in (before, after) if revision]


def create_fresh(db: Database) -> None:
    """Create the newest schema on an empty database, straight from the models.

    For throwaway databases (the demo): it is quicker than replaying every
    migration and keeps Alembic off the start-up path. The tables are the
    ones the migrations build, because tests/test_migrations.py checks that
    the models and the migrations agree; the version table then records the
    newest revision, so that ``upgrade`` and ``ensure_current`` treat the
    database like a migrated one.
    """
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table

    from amp_tui.models import metadata
    from amp_tui.reference import sync_reference_tables

    versions = Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )
    with db.engine.begin() as connection:
        if inspect(connection).get_table_names():
            raise SchemaError(
                "La base n'est pas vide : utilisez « amp-tui db upgrade »."
            )
        metadata.create_all(connection)
        versions.create(connection)
        connection.execute(versions.insert().values(version_num=HEAD_REVISION))
    sync_reference_tables(db)
    log.info("schema %s created from the models in %s", HEAD_REVISION, db.display_url)


def check_not_newer(revision: str | None) -> None:
    """Refuse a database migrated by a newer amp-tui."""
    if revision is not None and revision not in known_revisions():
        raise SchemaError(
            f"La base est à une version de schéma inconnue ({revision}), plus "
            "récente que ce programme : mettez amp-tui à jour."
        )


def ensure_current(db: Database) -> None:
    """Check the schema before use; migrate SQLite automatically.

    PostgreSQL serves a whole platform, so its migrations are run on purpose
    with ``amp-tui db upgrade`` rather than by whoever starts the editor.
    """
    revision = current_revision(db)
    if revision == HEAD_REVISION:
        return
    check_not_newer(revision)
    if db.is_sqlite:
        upgrade(db)
        return
    raise SchemaError(
        "Le schéma de la base n'est pas à jour : lancez « amp-tui db upgrade »."
    )
