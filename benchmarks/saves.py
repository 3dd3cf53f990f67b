"""Saving a full account, against a bare SQL transaction writing the same rows.

Each save changes every field of the demo buyer's account, its alerts and
its places of execution, through ``amp_tui.accounts.save_account`` (checks,
optimistic lock, search index, audit). The yardstick is one transaction of
plain SQL statements, sent through the same engine, that writes the same
number of rows of the same tables to a twin account: the agent row, its
alerts, its places, its search words and an audit event. Both run on SQLite
and, when a server is given, on PostgreSQL, alternating save by save.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.alerts import ALERT_KEYS, ALERTS
from amp_tui.database import Database
from amp_tui.demo import seed_demo
from amp_tui.models import Agent, Entity, utcnow
from amp_tui.schema import create_fresh, upgrade
from amp_tui.search import search_key_for, tokens_for
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from amp_tui.validation import email_key
from benchmarks.report import Figure

SUPPORT = Actor(login="benchmark", role="support")
SAVED = "acheteur.cea"
TWIN = "gaelle.becker"
PLACES = (
    ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10"),
    ("67", "68", "57", "54", "55", "88", "90", "25", "70", "39"),
)


def generation(snapshot: AccountSnapshot, number: int) -> AccountDraft:
    """A draft that changes every field, alert and place of the account."""
    allowed = [
        key
        for key in ALERT_KEYS
        if not ALERTS[key].permission
        or snapshot.has_permission(ALERTS[key].permission or "")
    ]
    return AccountDraft(
        login=snapshot.login,
        nom=f"MARTIN-{number}",
        prenom=f"Élodie {number}",
        email=f"elodie.{number}@alsace.eu",
        telephone=f"03 88 {number % 100:02d} 00 0{number % 10}",
        telecopieur=f"03 89 {number % 100:02d} 00 0{number % 10}",
        service_id=snapshot.service_id,
        alerts=set(allowed[number % 2 :: 2]) | {"modification_compte"},
        departements=set(PLACES[number % 2]),
    )


def bare_save(db: Database, agent_id: int, version: int, number: int) -> float:
    """Write what a save writes, as plain SQL in one transaction; seconds."""
    with db.session() as session:
        agent = session.get(Agent, agent_id)
        assert agent is not None
        entity = session.get(Entity, agent.entity_id)
        assert entity is not None
    draft = generation_values(number)
    probe = Agent(**{**agent.model_dump(), **draft})
    tokens = [
        {"token": token, "agent_id": agent_id} for token in tokens_for(probe, entity)
    ]
    alerts = [
        {"agent_id": agent_id, "key": key} for key in sorted(draft_alerts(number))
    ]
    places = [{"agent_id": agent_id, "code": code} for code in PLACES[number % 2]]
    changes = json.dumps(
        {name: {"old": None, "new": value} for name, value in draft.items()}
    )
    row = {**draft, "email_key": email_key(draft["email"]), "id": agent_id}
    row.update(search_key=search_key_for(probe, entity), version=version, now=utcnow())
    started = time.perf_counter()
    with db.write_engine.begin() as connection:
        run = connection.execute
        result = run(
            text(
                "UPDATE agent SET nom = :nom, prenom = :prenom, email = :email, "
                "email_key = :email_key, telephone = :telephone, "
                "telecopieur = :telecopieur, search_key = :search_key, "
                "version = :version + 1, updated_at = :now "
                "WHERE id = :id AND version = :version"
            ),
            row,
        )
        assert result.rowcount == 1
        run(text("DELETE FROM agent_alert WHERE agent_id = :id"), row)
        run(
            text("INSERT INTO agent_alert (agent_id, key) VALUES (:agent_id, :key)"),
            alerts,
        )
        run(text("DELETE FROM agent_departement WHERE agent_id = :id"), row)
        run(
            text(
                "INSERT INTO agent_departement (agent_id, departement_code) "
                "VALUES (:agent_id, :code)"
            ),
            places,
        )
        run(text("DELETE FROM agent_search_token WHERE agent_id = :id"), row)
        run(
            text(
                "INSERT INTO agent_search_token (token, agent_id) "
                "VALUES (:token, :agent_id)"
            ),
            tokens,
        )
        run(
            text(
                "INSERT INTO audit_event (at, actor_login, agent_id, agent_login, "
                "action, version, changes) VALUES (:now, 'benchmark', :id, :login, "
                "'modification', :version + 1, :changes)"
            ),
            {**row, "login": agent.login, "changes": changes},
        )
    return time.perf_counter() - started


def generation_values(number: int) -> dict[str, Any]:
    """The column values of a generation, as ``generation`` would store them."""
    return {
        "nom": f"MARTIN-{number}",
        "prenom": f"Élodie {number}",
        "email": f"gaelle.{number}@alsace.eu",
        "telephone": f"+33388{number % 100:02d}000{number % 10}",
        "telecopieur": f"+33389{number % 100:02d}000{number % 10}",
    }


def draft_alerts(number: int) -> set[str]:
    """Alerts of the same size as a generation's."""
    return set(ALERT_KEYS[number % 2 :: 2]) | {"modification_compte"}


def time_saves(db: Database, saves: int) -> tuple[list[float], list[float]]:
    """Alternate full saves and bare transactions; seconds of each."""
    mine, theirs = [], []
    twin = load_account_by_login(db, actor=SUPPORT, login=TWIN)
    twin_version = twin.version
    for number in range(1, saves + 1):
        stored = load_account_by_login(db, actor=SUPPORT, login=SAVED)
        draft = generation(stored, number)
        started = time.perf_counter()
        save_account(
            db,
            actor=SUPPORT,
            agent_id=stored.id,
            base_version=stored.version,
            draft=draft,
        )
        mine.append(time.perf_counter() - started)
        theirs.append(bare_save(db, twin.id, twin_version, number))
        twin_version += 1
    return mine, theirs


@contextmanager
def sqlite_database() -> Iterator[Database]:
    """A fresh SQLite file holding the demo dataset."""
    with tempfile.TemporaryDirectory(prefix="amp-tui-bench-save-") as folder:
        db = Database(make_url(f"sqlite:///{Path(folder) / 'save.db'}"))
        create_fresh(db)
        seed_demo(db)
        try:
            yield db
        finally:
            db.dispose()


@contextmanager
def postgres_database(server: URL) -> Iterator[Database]:
    """A fresh PostgreSQL database holding the demo dataset, dropped after."""
    name = f"amp_bench_save_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    db = Database(server.set(database=name))
    try:
        upgrade(db)
        seed_demo(db)
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def measure(saves: int, server: URL | None) -> list[Figure]:
    """Figures for SQLite, and for PostgreSQL when ``server`` is given."""
    figures = []
    backends: list[tuple[str, Any]] = [("SQLite", sqlite_database)]
    if server is not None:
        backends.append(("PostgreSQL", lambda: postgres_database(server)))
    else:
        figures.append(
            Figure.missing("save", "full account, PostgreSQL", "no server given")
        )
    for label, open_database in backends:
        with open_database() as db:
            time_saves(db, 3)  # warm the caches of both sides
            mine, theirs = time_saves(db, saves)
        figures.append(
            Figure(
                section="save",
                name=f"full account, {label}",
                value=statistics.median(mine) * 1000,
                baseline=statistics.median(theirs) * 1000,
                unit="ms",
                note=f"bare SQL transaction writing the same rows; median of {saves}",
            )
        )
    return figures
