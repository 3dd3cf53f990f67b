"""Twenty agents saving one account at once lose no update.

Twenty writers, each on its own connection, save the same account fifty
times as fast as PostgreSQL lets them, each save changing the name, one alert
and one place of execution. Every save must either commit or be refused as
a conflict; and replaying the audit trail from the account's creation must
give back the stored row exactly, each event starting from what the previous
one left, so that no save ever overwrote another unseen.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from amp_tui.accounts import create_account, load_account, save_account
from amp_tui.alerts import ALERT_KEYS, ALERTS
from amp_tui.audit import list_events
from amp_tui.database import Database
from amp_tui.demo import seed_demo
from amp_tui.errors import StaleAccountError
from amp_tui.snapshots import AccountDraft, AccountSnapshot, Actor
from tests.conftest import make_database

WRITERS = 20
SAVES = 50
SUPPORT = Actor(login="support.concurrence", role="support")
PLACES = ["01", "13", "2A", "29", "33", "44", "59", "67", "68", "69", "75", "971"]
FIELDS = ("login", "nom", "prenom", "email", "telephone", "telecopieur")


@pytest.fixture
def postgres_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A PostgreSQL database holding the demo dataset (skipped without one)."""
    for db in make_database("postgresql", tmp_path, request):
        seed_demo(db)
        yield db


@dataclass
class Outcomes:
    """What the writers saw, counted under a lock."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str) -> None:
        """Count one save's outcome."""
        with self.lock:
            self.counts[outcome] += 1


def edit(stored: AccountSnapshot, writer: int, number: int) -> AccountDraft:
    """The writer's next change: its name, its own alert, its own place."""
    allowed = [key for key in ALERT_KEYS if not ALERTS[key].permission]
    draft = AccountDraft.from_snapshot(stored)
    draft.nom = f"ÉCRIVAIN {writer:02d}-{number:02d}"
    draft.alerts ^= {allowed[writer % len(allowed)]}
    draft.departements ^= {PLACES[writer % len(PLACES)]}
    return draft


def write(
    url: Any, agent_id: int, writer: int, start: threading.Barrier, out: Outcomes
) -> None:
    """One writer: fifty saves, each from the account as last read."""
    db = Database(url)
    actor = Actor(login=f"ecrivain.{writer:02d}", role="support")
    try:
        start.wait()
        for number in range(SAVES):
            stored = load_account(db, actor=actor, agent_id=agent_id)
            try:
                save_account(
                    db,
                    actor=actor,
                    agent_id=agent_id,
                    base_version=stored.version,
                    draft=edit(stored, writer, number),
                )
            except StaleAccountError:
                out.add("conflict")
            else:
                out.add("committed")
    except Exception as error:  # any other outcome is what the test looks for
        with out.lock:
            out.failures.append(f"writer {writer}: {error!r}")
    finally:
        db.dispose()


def replay(db: Database, login: str) -> dict[str, Any]:
    """Rebuild an account from its audit trail, checking each step's start."""
    events = list_events(db, login=login)
    assert events[0].action == "creation"
    state: dict[str, Any] = dict.fromkeys(FIELDS)
    state.update(service=None, alertes=set(), lieux_execution=[], version=1)
    for name, change in events[0].changes.items():
        state[name] = change["new"]
    for event in events[1:]:
        assert event.action == "modification"
        assert event.version == state["version"] + 1, "a version was skipped"
        for name, change in event.changes.items():
            if name.startswith("alertes."):
                key = name.removeprefix("alertes.")
                assert (key in state["alertes"]) == change["old"], (event, name)
                state["alertes"] ^= {key}
            else:
                assert state[name] == change["old"], (event, name)
                state[name] = change["new"]
        state["version"] = event.version
    return state


def as_replayed(account: AccountSnapshot) -> dict[str, Any]:
    """A stored account in the shape ``replay`` builds."""
    state: dict[str, Any] = {name: getattr(account, name) for name in FIELDS}
    state.update(
        service=account.service_id,
        alertes=set(account.alerts),
        lieux_execution=sorted(account.departements),
        version=account.version,
    )
    return state


def test_concurrent_writers_either_commit_or_conflict_and_lose_nothing(
    postgres_db: Database,
) -> None:
    created = create_account(
        postgres_db,
        actor=SUPPORT,
        login="agent.partage",
        email="agent.partage@alsace.eu",
        nom="PARTAGE",
        prenom="Agent",
        password="Partage-Solide-2026",
        entite="CEA",
    )
    start = threading.Barrier(WRITERS)
    out = Outcomes()
    writers = [
        threading.Thread(
            target=write, args=(postgres_db.url, created.id, number, start, out)
        )
        for number in range(WRITERS)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=600)

    assert out.failures == []
    assert sum(out.counts.values()) == WRITERS * SAVES
    assert out.counts["conflict"] > 0, "the writers never overlapped"
    final = load_account(postgres_db, actor=SUPPORT, agent_id=created.id)
    assert final.version == 1 + out.counts["committed"]
    assert replay(postgres_db, "agent.partage") == as_replayed(final)
