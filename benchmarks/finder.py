"""The account finder's first page at 10 000, 100 000 and 1 000 000 agents.

For each size a database is seeded once with ``amp-tui db seed-demo --agents
N`` and kept for later runs (SQLite files under the cache folder, PostgreSQL
databases named ``amp_bench_finder_<N>_<revision>``). Each typed query is
timed through ``amp_tui.search.find_accounts``, the finder's own query
(token prefix index, keyset pages, the rows of the page), and as the bare
indexed ``SELECT … LIMIT`` that reads the same page from the token index,
alternating, on the same database in the same run. A last figure compares
the finder at the largest size with the finder at the smallest: the index
should keep the cost nearly flat.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from amp_tui.database import Database
from amp_tui.demo import SYNTHETIC_PREFIX
from amp_tui.schema import HEAD_REVISION
from amp_tui.search import find_accounts, prefix_range
from amp_tui.validation import fold
from benchmarks.report import Figure

PAGE = 50
"""Rows on the finder's first page (screens.finder.PAGE_SIZE)."""
QUERIES = ("martin", "mar", "camille", "hugo", "cea", "0000042", "synthetique.00001")
"""What support staff type: names, a prefix, an entity, numbers, a login."""

BARE_PAGE = text(
    "SELECT a.id, a.login, a.nom, a.prenom, a.email, e.sigle, a.locked, a.active "
    "FROM agent_search_token t "
    "JOIN agent a ON a.id = t.agent_id "
    "JOIN entity e ON e.id = a.entity_id "
    "WHERE t.token >= :low AND t.token < :high "
    "ORDER BY t.token, t.agent_id LIMIT :limit"
)


def amp_tui(url: str, *command: str) -> list[str]:
    """An ``amp-tui`` command line on the database at ``url``."""
    return [sys.executable, "-m", "amp_tui", "--database-url", url, *command]


def synthetic_count(db: Database) -> int:
    """How many synthetic agents a database holds (0 when it has no schema)."""
    try:
        with db.engine.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT count(*) FROM agent WHERE login LIKE :prefix"),
                    {"prefix": f"{SYNTHETIC_PREFIX}%"},
                ).scalar_one()
            )
    except Exception:
        return -1


def seed(url: URL, agents: int, log: TextIO) -> None:
    """Migrate, then run the documented seeding command (it can take minutes)."""
    rendered = url.render_as_string(hide_password=False)
    print(f"  seeding {agents} agents into {url.database} …", file=log, flush=True)
    started = time.perf_counter()
    for command in (("db", "upgrade"), ("db", "seed-demo", "--agents", str(agents))):
        done = subprocess.run(
            amp_tui(rendered, *command), capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"amp-tui {' '.join(command)}: {done.stderr.strip()}")
    print(f"  … done in {time.perf_counter() - started:.0f} s", file=log, flush=True)


@contextmanager
def sqlite_finder(cache: Path, agents: int, log: TextIO) -> Iterator[Database]:
    """A cached SQLite database of ``agents`` synthetic agents."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"finder-{agents}-rev{HEAD_REVISION}.db"
    url = make_url(f"sqlite:///{path}")
    db = Database(url)
    if synthetic_count(db) != agents:
        db.dispose()
        path.unlink(missing_ok=True)
        seed(url, agents, log)
        db = Database(url)
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def postgres_finder(server: URL, agents: int, log: TextIO) -> Iterator[Database]:
    """A cached PostgreSQL database of ``agents`` synthetic agents."""
    name = f"amp_bench_finder_{agents}_rev{HEAD_REVISION}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                connection.execute(text(f"CREATE DATABASE {name}"))
        db = Database(server.set(database=name))
        if synthetic_count(db) != agents:
            db.dispose()
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
                connection.execute(text(f"CREATE DATABASE {name}"))
            seed(server.set(database=name), agents, log)
            db = Database(server.set(database=name))
    finally:
        admin.dispose()
    try:
        yield db
    finally:
        db.dispose()


def bare_page(db: Database, query: str) -> float:
    """Seconds to read one page straight from the token index."""
    word = max(fold(query).split(), key=len)
    low, high = prefix_range(word)
    started = time.perf_counter()
    with db.engine.connect() as connection:
        connection.execute(
            BARE_PAGE, {"low": low, "high": high, "limit": PAGE + 1}
        ).all()
    return time.perf_counter() - started


def finder_page(db: Database, query: str) -> float:
    """Seconds for the finder's own query to return its first page."""
    started = time.perf_counter()
    find_accounts(db, query=query, limit=PAGE)
    return time.perf_counter() - started


def time_queries(
    db: Database, repeats: int, queries: Sequence[str] = QUERIES
) -> tuple[list[float], list[float]]:
    """Alternate the finder and the bare page over every query."""
    for query in queries:  # warm the caches of both sides
        finder_page(db, query)
        bare_page(db, query)
    mine, theirs = [], []
    for _ in range(repeats):
        for query in queries:
            mine.append(finder_page(db, query))
            theirs.append(bare_page(db, query))
    return mine, theirs


def measure(
    sizes: Sequence[int],
    repeats: int,
    cache: Path,
    server: URL | None,
    log: TextIO = sys.stderr,
) -> list[Figure]:
    """Figures for every size on SQLite, and on PostgreSQL with a server."""
    figures: list[Figure] = []
    backends: list[tuple[str, object]] = [("SQLite", None)]
    if server is not None:
        backends.append(("PostgreSQL", server))
    for label, where in backends:
        medians: dict[int, float] = {}
        for agents in sizes:
            opened = (
                sqlite_finder(cache, agents, log)
                if where is None
                else postgres_finder(server, agents, log)  # type: ignore[arg-type]
            )
            with opened as db:
                mine, theirs = time_queries(db, repeats)
            medians[agents] = statistics.median(mine) * 1000
            figures.append(
                Figure(
                    section="finder",
                    name=f"first page, {agents:_} agents, {label}".replace("_", " "),
                    value=medians[agents],
                    baseline=statistics.median(theirs) * 1000,
                    unit="ms",
                    goal=2,
                    note=f"bare indexed SELECT … LIMIT {PAGE + 1}; median of "
                    f"{len(mine)} queries ({len(QUERIES)} kinds)",
                )
            )
        if len(sizes) > 1:
            small, large = min(sizes), max(sizes)
            figures.append(
                Figure(
                    section="finder",
                    name=f"growth {small:_} → {large:_} agents, {label}".replace(
                        "_", " "
                    ),
                    value=medians[large],
                    baseline=medians[small],
                    unit="ms",
                    goal=2,
                    note="the finder at the largest size over the smallest",
                )
            )
    if server is None:
        figures.append(Figure.missing("finder", "PostgreSQL", "no server given"))
    return figures
