"""PostgreSQL dies under the editor (kill -9), then comes back: nothing is lost.

The server is killed the hard way, SIGKILL to the postmaster, as an
out-of-memory killer or a power cut would: no shutdown, no goodbye to the
clients, crash recovery on restart. The editor keeps every edit, lets the
user retry while the server is away, and saves exactly once when it returns.
A second case kills the server while a save is inside its transaction, and
checks that the interrupted save leaves no trace.

Each test runs its own PostgreSQL server (tests/pgserver.py), never the
shared one.
"""

from __future__ import annotations

import os
import signal
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool
from textual.pilot import Pilot

from amp_tui.accounts import load_account_by_login
from amp_tui.audit import list_events
from amp_tui.database import Database
from amp_tui.demo import seed_demo
from amp_tui.schema import upgrade
from amp_tui.snapshots import AccountSnapshot, Actor
from screens.account import SAVED, UNSAVED
from screens.widgets.checkbox_tree import CheckboxTree
from tests.app_driver import (
    account_screen,
    field_value,
    notifications,
    replace_text,
    save,
    settle,
    signed_in,
    unsaved_marker,
)
from tests.pgserver import PostgresServer

SUPPORT = Actor(login="support.test", role="support")
EDITS = {
    "nom": "MARTIN-CRASH",
    "prenom": "Élodie-Reprise",
    "telephone": "03 88 12 34 56",
    "email": "elodie.reprise@alsace.eu",
}
ALERT = "reponse_electronique"
"""The demo buyer's alert that the edits turn off."""
GONE_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def server() -> Iterator[PostgresServer]:
    """A private server for this module, outside pytest's temporary tree.

    pytest resets its own tree's permissions to 0700 between runs, and the
    server, which runs as the postgres user, could then not restart.
    """
    with (
        tempfile.TemporaryDirectory(prefix="amp-tui-kill9-") as folder,
        PostgresServer.temporary(Path(folder)) as started,
    ):
        yield started


@pytest.fixture
def db(server: PostgresServer) -> Iterator[Database]:
    """A demo database of its own on the private server."""
    name = f"amp_kill_{uuid.uuid4().hex[:10]}"
    # No pool: a pooled connection would not survive the kill.
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    database = Database(server.url.set(database=name))
    upgrade(database)
    seed_demo(database)
    yield database
    database.dispose()
    if not accepts_connections(server):  # a test stopped while it was down
        server.start()
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def accepts_connections(server: PostgresServer) -> bool:
    """Tell whether the server is up."""
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=1):
            return True
    except OSError:
        return False


def server_processes(postmaster: int) -> list[int]:
    """The postmaster and the processes it started."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == postmaster:
            children.append(int(entry.name))
    return [postmaster, *children]


def kill_postmaster(server: PostgresServer) -> None:
    """SIGKILL the postmaster; wait until its backends have died with it."""
    pid_file = server.data / "postmaster.pid"
    postmaster = int(pid_file.read_text().splitlines()[0])
    doomed = server_processes(postmaster)
    os.kill(postmaster, signal.SIGKILL)
    deadline = time.monotonic() + GONE_TIMEOUT
    while any(Path(f"/proc/{pid}").exists() for pid in doomed):
        assert time.monotonic() < deadline, "PostgreSQL processes outlived the kill"
        time.sleep(0.05)
    # The killed postmaster was our grandchild's child: nothing to reap here.
    assert pid_file.exists(), "a killed server leaves its lock file behind"


def modification_events(db: Database) -> list[dict[str, Any]]:
    """The changes of every modification of the demo buyer, oldest first."""
    return [
        event.changes
        for event in list_events(db, login="acheteur.cea")
        if event.action == "modification"
    ]


async def type_edits(pilot: Pilot[None]) -> None:
    """Edit contact details field by field, then turn one alert off."""
    for field, value in EDITS.items():
        await replace_text(pilot, field, value)
    await pilot.press("f3")
    await settle(pilot)
    alerts_tree(pilot).cursor_line = 1  # the first alert of the first group
    await pilot.press("space")
    await pilot.press("f2")
    await settle(pilot)


def alerts_tree(pilot: Pilot[None]) -> CheckboxTree:
    """The tree of Mes alertes électroniques."""
    return account_screen(pilot).query_one("#alerts-tree", CheckboxTree)


def assert_edits_kept(pilot: Pilot[None]) -> None:
    """The form still holds every edit and says they are not saved."""
    message = notifications(pilot)[-1]
    assert message.startswith("Base de données injoignable"), notifications(pilot)
    assert "Vos saisies sont conservées" in message, notifications(pilot)
    for field, value in EDITS.items():
        assert field_value(pilot, field) == value
    assert ALERT not in alerts_tree(pilot).selection
    assert unsaved_marker(pilot) == UNSAVED


def assert_saved_once(db: Database, before: AccountSnapshot) -> None:
    """The edits are stored, by exactly one save, audited once."""
    account = load_account_by_login(db, actor=SUPPORT, login="acheteur.cea")
    assert (account.nom, account.prenom) == (EDITS["nom"], EDITS["prenom"])
    assert (account.telephone, account.email) == ("+33388123456", EDITS["email"])
    assert account.alerts == before.alerts - {ALERT}
    assert account.version == before.version + 1
    events = modification_events(db)
    assert len(events) == 1
    assert events[0]["nom"] == {"old": "MARTIN", "new": EDITS["nom"]}
    assert events[0][f"alertes.{ALERT}"] == {"old": True, "new": False}


async def test_edits_survive_a_killed_postmaster_and_save_once_it_restarts(
    server: PostgresServer, db: Database
) -> None:
    before = load_account_by_login(db, actor=SUPPORT, login="acheteur.cea")
    async with signed_in(db, "acheteur.cea") as pilot:
        await type_edits(pilot)
        kill_postmaster(server)

        await save(pilot)
        assert_edits_kept(pilot)
        await save(pilot)  # retrying while it is still down changes nothing
        assert_edits_kept(pilot)

        server.start()
        await save(pilot)

        assert notifications(pilot)[-1] == SAVED
        assert unsaved_marker(pilot) == ""
    assert_saved_once(db, before)


async def test_a_save_cut_off_inside_its_transaction_leaves_no_trace(
    server: PostgresServer, db: Database
) -> None:
    before = load_account_by_login(db, actor=SUPPORT, login="acheteur.cea")
    blocker = create_engine(db.url, poolclass=NullPool)
    async with signed_in(db, "acheteur.cea") as pilot:
        await type_edits(pilot)
        # Hold the account's row, so that the save waits inside its
        # transaction, past its first statements, when the server dies.
        connection = blocker.connect()
        connection.execute(
            text("SELECT id FROM agent WHERE id = :id FOR UPDATE"), {"id": before.id}
        )
        await pilot.press("ctrl+s")
        await wait_for_a_blocked_save(pilot, connection)
        kill_postmaster(server)
        await settle(pilot)
        assert_edits_kept(pilot)
        connection.invalidate()
        blocker.dispose()

        server.start()
        stored = load_account_by_login(db, actor=SUPPORT, login="acheteur.cea")
        assert (stored.version, stored.nom) == (before.version, "MARTIN")
        assert modification_events(db) == []
        await save(pilot)

        assert notifications(pilot)[-1] == SAVED
    assert_saved_once(db, before)


async def wait_for_a_blocked_save(pilot: Pilot[None], connection: Connection) -> None:
    """Let the app run until its save waits for the row lock."""
    deadline = time.monotonic() + GONE_TIMEOUT
    while True:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
        if waiting:
            return
        assert time.monotonic() < deadline, "the save never reached the database"
        await pilot.pause(0.05)
