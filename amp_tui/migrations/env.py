"""Alembic environment: runs migrations on the connection amp-tui passes in.

amp-tui never calls the ``alembic`` command line; ``amp_tui.schema`` builds
the configuration and hands over an open connection. SQLite migrations use
batch mode, so that altering a table rebuilds it.
"""

from __future__ import annotations

from alembic import context

from amp_tui.models import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
