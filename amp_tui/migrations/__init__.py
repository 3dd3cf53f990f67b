"""Alembic migrations of the amp-tui schema, shipped inside the package."""
