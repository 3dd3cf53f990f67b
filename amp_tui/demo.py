"""Loading the demo dataset, and synthetic agents for load tests.

The dataset lives in ``data/demo.json`` (fictitious people, real places).
Loading it twice does nothing the second time; synthetic agents are added
in bulk, a few thousand rows per statement.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import func, insert
from sqlalchemy.engine import make_url
from sqlmodel import Session, col, select

from amp_tui.config import data_dir
from amp_tui.database import Database
from amp_tui.models import (
    AccountAssociation,
    Agent,
    AgentAlert,
    AgentDepartement,
    AgentSearchToken,
    Consultation,
    Entity,
    EntityTransverse,
    Favourite,
    Service,
    utcnow,
)
from amp_tui.passwords import hash_password
from amp_tui.search import index_agent, search_key_for, token_rows, tokens_for
from amp_tui.snapshots import SERVICE_PATH_SEPARATOR
from amp_tui.validation import email_key

log = logging.getLogger(__name__)

DEMO_PASSWORD = "Demo-Amp-2026"
# Hashing a password with argon2 takes a third of a second and 64 MiB on
# purpose; the demo accounts all share this published password, so its hash
# is computed once here rather than each time a demo starts. It carries its
# own parameters and salt, and signing in with DEMO_PASSWORD checks it.
DEMO_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$MvFufGvkLwlu/mKt0XtrmQ"
    "$zbaG6grdmOkjAR1VAZoc3WAOXY+ypuDYQkfmoP9lPf4"
)
SYNTHETIC_PASSWORD = "Synthetique-2026"
SYNTHETIC_PREFIX = "synthetique."
BATCH = 5_000
PARENT_CHECK_SECONDS = 1.0

FIRST_NAMES = (
    "Camille",
    "Léa",
    "Zoé",
    "Chloé",
    "Inès",
    "Manon",
    "Jeanne",
    "Agnès",
    "Hélène",
    "Françoise",
    "Louis",
    "Hugo",
    "Jérôme",
    "François",
    "Noël",
    "Gaëtan",
    "Loïc",
    "Théo",
    "Mathéo",
    "Raphaël",
    "Océane",
    "Maëlle",
)
LAST_NAMES = (
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFÈBVRE",
    "LEROY",
    "MÜLLER",
    "SCHMITT",
    "KLEIN",
    "WEBER",
    "MEYER",
    "HOFFMANN",
    "GÉRARD",
    "FRANÇOIS",
    "BRÜCKER",
    "LÉVÊQUE",
)


def load_dataset() -> dict[str, Any]:
    """Read the demo dataset shipped in ``data/``."""
    with (data_dir() / "demo.json").open(encoding="utf-8") as handle:
        dataset: dict[str, Any] = json.load(handle)
    return dataset


def seed_demo(db: Database) -> bool:
    """Load the demo dataset; return False when it was already there."""
    dataset = load_dataset()
    with db.session(write=True) as session:
        first = dataset["entities"][0]["sigle"]
        if session.exec(select(Entity).where(Entity.sigle == first)).first():
            return False
        entities = add_entities(session, dataset)
        agents = add_agents(session, dataset, entities)
        add_associations(session, dataset, agents)
        add_consultations(session, dataset, entities, agents)
    log.info("demo dataset loaded into %s", db.display_url)
    return True


def add_entities(session: Session, dataset: dict[str, Any]) -> dict[str, Entity]:
    """Create the entities, their service trees, and transverse links."""
    entities: dict[str, Entity] = {}
    for item in dataset["entities"]:
        entity = Entity(sigle=item["sigle"], nom=item["nom"])
        session.add(entity)
        entities[item["sigle"]] = entity
    session.flush()
    for item in dataset["entities"]:
        entity = entities[item["sigle"]]
        if item.get("parent"):
            entity.parent_id = entities[item["parent"]].id
        add_services(session, entity, item.get("services", []), parent_id=None)
    for left, right in dataset.get("transverse", []):
        ids = sorted((entities[left].id or 0, entities[right].id or 0))
        session.add(EntityTransverse(entity_id=ids[0], other_id=ids[1]))
    session.flush()
    return entities


def add_services(
    session: Session, entity: Entity, items: list[dict[str, Any]], parent_id: int | None
) -> None:
    """Create a level of a service tree, then the levels below it."""
    for item in items:
        service = Service(
            entity_id=entity.id or 0, parent_id=parent_id, nom=item["nom"]
        )
        session.add(service)
        session.flush()
        add_services(session, entity, item.get("children", []), service.id)


def service_id_by_path(
    session: Session, entity: Entity, path: str | None
) -> int | None:
    """Resolve ``Direction / Service`` to the id of the last service."""
    if not path:
        return None
    parent_id: int | None = None
    for name in path.split(SERVICE_PATH_SEPARATOR):
        service = session.exec(
            select(Service).where(
                Service.entity_id == entity.id,
                Service.parent_id == parent_id,
                Service.nom == name,
            )
        ).one()
        parent_id = service.id
    return parent_id


def add_agents(
    session: Session, dataset: dict[str, Any], entities: dict[str, Entity]
) -> dict[str, Agent]:
    """Create the demo agents with their alerts and places of execution."""
    agents: dict[str, Agent] = {}
    hashes: dict[str, str] = {DEMO_PASSWORD: DEMO_PASSWORD_HASH}
    for item in dataset["agents"]:
        entity = entities[item["entite"]]
        password = item["password"]
        if password not in hashes:
            hashes[password] = hash_password(password)
        guest = item.get("invite_permanent", {})
        agent = Agent(
            login=item["login"],
            nom=item["nom"],
            prenom=item["prenom"],
            email=item["email"],
            email_key=email_key(item["email"]),
            telephone=item.get("telephone"),
            telecopieur=item.get("telecopieur"),
            entity_id=entity.id or 0,
            service_id=service_id_by_path(session, entity, item.get("service")),
            role=item.get("role", "buyer"),
            active=item.get("active", True),
            locked=item.get("locked", False),
            failed_logins=5 if item.get("locked") else 0,
            password_hash=hashes[password],
            guest_own_entity=guest.get("mon_entite", False),
            guest_dependent_entities=guest.get("entites_dependantes", False),
            guest_transverse_entities=guest.get("entites_transverses", False),
        )
        agent.search_key = search_key_for(agent, entity)
        session.add(agent)
        session.flush()
        assert agent.id is not None
        index_agent(session, agent, entity)
        session.add_all(
            AgentAlert(agent_id=agent.id, key=key) for key in item["alertes"]
        )
        session.add_all(
            AgentDepartement(agent_id=agent.id, departement_code=code)
            for code in item["lieux_execution"]
        )
        agents[agent.login] = agent
    session.flush()
    return agents


def add_associations(
    session: Session, dataset: dict[str, Any], agents: dict[str, Agent]
) -> None:
    """Create the demo's account associations."""
    for item in dataset.get("associations", []):
        session.add(
            AccountAssociation(
                principal_id=agents[item["principal"]].id or 0,
                secondary_id=agents[item["secondaire"]].id or 0,
                status=item["statut"],
            )
        )
    session.flush()


def add_consultations(
    session: Session,
    dataset: dict[str, Any],
    entities: dict[str, Entity],
    agents: dict[str, Agent],
) -> None:
    """Create the demo consultations and who follows them."""
    for item in dataset["consultations"]:
        creator = agents.get(item.get("createur") or "")
        consultation = Consultation(
            reference=item["reference"],
            title=item["titre"],
            objet=item.get("objet", ""),
            entity_id=entities[item["entite"]].id or 0,
            creator_id=creator.id if creator else None,
            phase=item["phase"],
            deadline=dt.datetime.fromisoformat(item["date_limite"]),
            procedure=item["procedure"],
            category=item["categorie"],
            allotie=item.get("allotie", False),
            retraits=item.get("retraits", 0),
            questions=item.get("questions", 0),
            depots=item.get("depots", 0),
        )
        session.add(consultation)
        session.flush()
        session.add_all(
            Favourite(
                agent_id=agents[login].id or 0, consultation_id=consultation.id or 0
            )
            for login in item.get("favoris", [])
        )


def seed_synthetic_agents(db: Database, count: int, *, seed: int = 2026) -> int:
    """Add ``count`` plausible buyers spread over the existing entities.

    They share one password hash (``SYNTHETIC_PASSWORD``): hashing each
    one with argon2 would take hours for a load test of 100 000 agents.
    Returns how many were added.
    """
    if count <= 0:
        return 0
    shared_hash = hash_password(SYNTHETIC_PASSWORD)
    with db.session(write=True) as session:
        entities = session.exec(select(Entity)).all()
        if not entities:
            raise ValueError("no entity: load the demo dataset first")
        services: dict[int | None, list[int]] = {}
        for service in session.exec(select(Service)).all():
            services.setdefault(service.entity_id, []).append(service.id or 0)
        start = session.exec(
            select(func.count()).where(col(Agent.login).startswith(SYNTHETIC_PREFIX))
        ).one()
        rng = random.Random(seed + start)
        by_id = {entity.id: entity for entity in entities}
        rows = synthetic_rows(rng, start, count, entities, services, shared_hash)
        for batch in batched(rows, BATCH):
            ids = session.scalars(
                insert(Agent).returning(col(Agent.id), sort_by_parameter_order=True),
                batch,
            ).all()
            tokens = []
            for agent_id, row in zip(ids, batch, strict=True):
                assert agent_id is not None
                agent = Agent(**row)
                tokens += token_rows(
                    agent_id, tokens_for(agent, by_id[row["entity_id"]])
                )
            session.execute(insert(AgentSearchToken), tokens)
    log.info("%d synthetic agents added to %s", count, db.display_url)
    return count


def synthetic_rows(
    rng: random.Random,
    start: int,
    count: int,
    entities: Sequence[Entity],
    services: Mapping[int | None, Sequence[int]],
    shared_hash: str,
) -> Iterator[dict[str, Any]]:
    """Yield agent rows for a bulk insert."""
    now = utcnow()
    for number in range(start + 1, start + count + 1):
        entity = rng.choice(entities)
        prenom, nom = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        login = f"{SYNTHETIC_PREFIX}{number:07d}"
        email = f"agent.{number:07d}@{entity.sigle.lower()}.example.fr"
        agent = Agent(
            login=login,
            nom=nom,
            prenom=prenom,
            email=email,
            email_key=email,
            entity_id=entity.id or 0,
            password_hash=shared_hash,
        )
        choices: Sequence[int | None] = services.get(entity.id) or [None]
        yield {
            "login": login,
            "nom": nom,
            "prenom": prenom,
            "email": email,
            "email_key": email_key(email),
            "telephone": f"+333{rng.randrange(10**7, 10**8)}",
            "telecopieur": None,
            "entity_id": entity.id,
            "service_id": rng.choice(choices),
            "role": "buyer",
            "active": True,
            "locked": False,
            "failed_logins": 0,
            "password_hash": shared_hash,
            "guest_own_entity": False,
            "guest_dependent_entities": False,
            "guest_transverse_entities": False,
            "search_key": search_key_for(agent, entity),
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }


def batched(
    rows: Iterator[dict[str, Any]], size: int
) -> Iterator[list[dict[str, Any]]]:
    """Group rows into lists of at most ``size``."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def removed_when_stopped(folder: Path) -> Iterator[None]:
    """Delete ``folder`` as soon as the process is told to stop.

    SIGTERM and SIGHUP (a closed SSH session) delete it at once, then raise
    ``SystemExit`` so that the program still unwinds normally. When the
    process that started this one goes away (a web server killed outright),
    this process stops itself with SIGTERM. Does nothing outside the main
    thread, where signal handlers cannot be set.
    """
    # Limitation: SIGKILL cannot be caught: a demo killed that way leaves its
    # folder (amp-tui-demo-*) in the temporary directory until the system
    # empties it.
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("demo stopped by signal %d; removing %s", signum, folder)
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(128 + signum)

    parent = os.getppid()
    finished = threading.Event()

    def watch_parent() -> None:
        while not finished.wait(PARENT_CHECK_SECONDS):
            if os.getppid() != parent:
                log.info("the process that started the demo is gone")
                os.kill(os.getpid(), signal.SIGTERM)
                return

    previous: dict[signal.Signals, Any] = {}
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, stop)
        threading.Thread(target=watch_parent, name="demo-parent", daemon=True).start()
        yield
    finally:
        finished.set()
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


@contextmanager
def demo_database() -> Iterator[tuple[Database, Path]]:
    """A fresh SQLite database holding the demo dataset, deleted afterwards.

    Each call gets its own temporary folder, so that two demos running at
    once never share a file. The folder goes when the block ends, also on an
    exception or a signal to stop (see ``removed_when_stopped``).
    """
    from amp_tui.schema import create_fresh

    folder = Path(tempfile.mkdtemp(prefix="amp-tui-demo-"))
    path = folder / "demo.db"
    db = Database(make_url(f"sqlite:///{path}"))
    try:
        with removed_when_stopped(folder):
            create_fresh(db)
            seed_demo(db)
            yield db, path
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
