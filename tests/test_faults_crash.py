"""A process killed in the middle of a save leaves every account whole.

A child process saves the same account over and over, each save moving every
field, the alerts and the places of execution to the next "generation" at
once, and is killed with SIGKILL after a random delay; then another child
carries on, until 200 saves have been attempted. After every kill the
database must pass its own integrity checks, the account must be wholly one
generation (never half old, half new), no save reported as done may be lost,
and the audit trail must agree with the row.
"""

from __future__ import annotations

import inspect
import json
import os
import queue
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.alerts import ALERT_KEYS, ALERTS
from amp_tui.database import Database
from amp_tui.models import Agent, Entity
from amp_tui.search import tokens_for
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from amp_tui.validation import format_phone

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = Actor(login="crash.test", role="support")
LOGIN = "acheteur.cea"
ATTEMPTS = 200
KILL_WINDOW = 0.6
"""Longest wait, in seconds, between a child being ready and its SIGKILL."""
STARTUP_TIMEOUT = 60.0


def generation_draft(snapshot: AccountSnapshot, number: int) -> AccountDraft:
    """Generation ``number`` of the account: every part derived from it."""
    codes = ["01", "13", "29", "33", "2A", "44", "59", "67", "68", "69", "75", "974"]
    allowed = [
        key
        for key in sorted(ALERT_KEYS)
        if not ALERTS[key].permission
        or snapshot.has_permission(ALERTS[key].permission or "")
    ]
    return AccountDraft(
        login=snapshot.login,
        nom=f"GEN{number}",
        prenom=f"Gen{number}",
        email=f"gen{number}@crash.example.fr",
        telephone=f"03 88 {number % 100:02d} {number // 100 % 100:02d} 01",
        telecopieur="",
        service_id=snapshot.service_id,
        alerts={key for bit, key in enumerate(allowed) if number >> bit & 1},
        departements={codes[number % 12], codes[(number * 5 + 1) % 12]},
    )


def generation_of(snapshot: AccountSnapshot) -> int:
    """Which generation the stored NOM says the account is at."""
    assert snapshot.nom.startswith("GEN"), snapshot.nom
    return int(snapshot.nom[3:])


SAVER = """
from __future__ import annotations

import os
import sys

from sqlalchemy.engine import make_url

from amp_tui.accounts import load_account_by_login, save_account
from amp_tui.alerts import ALERT_KEYS, ALERTS
from amp_tui.database import Database
from amp_tui.models import Agent, Entity
from amp_tui.search import tokens_for
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor

{generation_draft}
{generation_of}

def say(*words: object) -> None:
    # One write per line: the savers and this process share the pipe.
    os.write(1, (" ".join(map(str, words)) + "\\n").encode())


def save_forever(db: Database, login: str, actor: Actor) -> None:
    say("ready")
    while True:
        stored = load_account_by_login(db, actor=actor, login=login)
        number = generation_of(stored) + 1
        say("attempt", number)
        save_account(
            db,
            actor=actor,
            agent_id=stored.id,
            base_version=stored.version,
            draft=generation_draft(stored, number),
        )
        say("done", number)


db = Database(make_url(sys.argv[1]))
actor = Actor(login="crash.test", role="support")
load_account_by_login(db, actor=actor, login=sys.argv[2])
db.dispose()  # no connection may be shared with the forked savers
for _ in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            save_forever(db, sys.argv[2], actor)
        finally:
            os._exit(1)
    say("pid", pid)
    _, status = os.waitpid(pid, 0)
    say("exited", os.waitstatus_to_exitcode(status))
"""
"""Forks a saving process on every line read, and reports how each ended.

Forking from a process that has already imported amp-tui and compiled its
queries makes each saver start in milliseconds, so that the test spends its
time saving and killing.
"""


@dataclass
class SaverRun:
    """What one killed saver said before it died."""

    attempted: list[int] = field(default_factory=list)
    done: list[int] = field(default_factory=list)


class Savers:
    """The forking process, and the lines its savers print."""

    def __init__(self, url: str) -> None:
        script = SAVER.format(
            generation_draft=textwrap.dedent(inspect.getsource(generation_draft)),
            generation_of=textwrap.dedent(inspect.getsource(generation_of)),
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, url, LOGIN],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put("closed")

    def next_line(self) -> str:
        """The next line a saver or the forking process printed."""
        try:
            line = self.lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            line = "timeout"
        if line in ("closed", "timeout"):
            self.process.kill()
            assert self.process.stderr is not None
            raise AssertionError(
                f"the saver stopped ({line}):\n{self.process.stderr.read()}"
            )
        return line

    def run_and_kill(self, delay: float) -> SaverRun:
        """Start a saver, SIGKILL it ``delay`` seconds after it is ready."""
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        first, second = sorted([self.next_line(), self.next_line()])
        word, _, pid = first.partition(" ")
        assert (word, second) == ("pid", "ready"), (first, second)
        time.sleep(delay)
        os.kill(int(pid), signal.SIGKILL)
        run = SaverRun()
        while True:
            word, _, number = self.next_line().partition(" ")
            if word == "exited":
                assert int(number) == -signal.SIGKILL, "the saver failed"
                return run
            (run.attempted if word == "attempt" else run.done).append(int(number))

    def close(self) -> None:
        """Stop the forking process."""
        self.process.kill()
        self.process.wait(timeout=30)


def check_integrity(db: Database) -> None:
    """The database's own consistency checks, and no orphaned rows."""
    with db.engine.connect() as connection:
        if db.is_sqlite:
            assert connection.exec_driver_sql("PRAGMA integrity_check").all() == [
                ("ok",)
            ]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        else:
            check_postgres_indexes(connection)
        for table in ("agent_alert", "agent_departement", "agent_search_token"):
            orphans = connection.execute(
                text(
                    f"SELECT count(*) FROM {table} t "
                    "WHERE NOT EXISTS (SELECT 1 FROM agent a WHERE a.id = t.agent_id)"
                )
            ).scalar_one()
            assert orphans == 0, table


def check_postgres_indexes(connection: Connection) -> None:
    """Verify every B-tree index of the schema against its table (amcheck)."""
    run = connection.execute
    run(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
    indexes = run(
        text(
            "SELECT c.oid FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam "
            "WHERE am.amname = 'btree' AND c.relnamespace = 'public'::regnamespace"
        )
    ).scalars()
    for oid in list(indexes):
        run(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
    connection.commit()


def stored_tokens(db: Database, agent_id: int) -> set[str]:
    """The words the finder's index holds for an account."""
    with db.engine.connect() as connection:
        return set(
            connection.execute(
                text("SELECT token FROM agent_search_token WHERE agent_id = :id"),
                {"id": agent_id},
            ).scalars()
        )


def audit_trail(db: Database, agent_id: int) -> list[tuple[int, dict[str, Any]]]:
    """The account's modification events, oldest first: (version, changes)."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT version, changes FROM audit_event "
                "WHERE agent_id = :id AND action = 'modification' ORDER BY id"
            ),
            {"id": agent_id},
        ).all()
    return [(version, json.loads(changes)) for version, changes in rows]


def check_account(db: Database, first_version: int) -> AccountSnapshot:
    """The account is wholly one generation and its audit trail agrees."""
    stored = load_account_by_login(db, actor=SUPPORT, login=LOGIN)
    expected = generation_draft(stored, generation_of(stored))
    assert (stored.prenom, stored.email) == (expected.prenom, expected.email)
    assert format_phone(stored.telephone) == expected.telephone
    assert set(stored.alerts) == expected.alerts
    assert set(stored.departements) == expected.departements
    with db.session() as session:
        agent = session.get(Agent, stored.id)
        entity = session.get(Entity, stored.entity_id)
        assert agent is not None and entity is not None
        assert stored_tokens(db, stored.id) == tokens_for(agent, entity)

    trail = audit_trail(db, stored.id)
    assert [version for version, _ in trail] == list(
        range(first_version + 1, stored.version + 1)
    )
    last = trail[-1][1]
    for name in ("nom", "prenom", "email", "telephone"):
        assert last.get(name, {}).get("new") == getattr(stored, name), name
    assert last.get("lieux_execution", {}).get("new") == sorted(stored.departements)
    for key in ALERT_KEYS:
        change = last.get(f"alertes.{key}")
        if change is not None:
            assert change["new"] == (key in stored.alerts), key
    return stored


def test_killing_the_saver_at_random_never_leaves_half_an_account(
    demo_db: Database,
) -> None:
    start = load_account_by_login(demo_db, actor=SUPPORT, login=LOGIN)
    save_account(
        demo_db,
        actor=SUPPORT,
        agent_id=start.id,
        base_version=start.version,
        draft=generation_draft(start, 1),
    )
    savers = Savers(demo_db.url.render_as_string(hide_password=False))
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    attempted = kills = 0
    last_done = 1
    try:
        while attempted < ATTEMPTS:
            run = savers.run_and_kill(rng.uniform(0, KILL_WINDOW))
            attempted += len(run.attempted)
            kills += 1
            check_integrity(demo_db)
            stored = check_account(demo_db, start.version)
            reached = generation_of(stored)
            last_done = max([last_done, *run.done])
            highest = max([last_done, *run.attempted])
            assert last_done <= reached <= highest, (seed, run, reached)
            last_done = reached
    finally:
        savers.close()

    assert kills > 1, "every save finished before its child was killed"
