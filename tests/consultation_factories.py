"""Factories for consultation tests: entity trees, agents' alert settings, ★."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import select

from amp_tui.auto_favourites import create_consultation
from amp_tui.database import Database
from amp_tui.models import Agent, AgentAlert, Consultation, Entity, EntityTransverse
from amp_tui.models import Favourite as FavouriteRow
from amp_tui.snapshots import Actor
from tests.factories import SUPPORT, add_agent, add_entity


def add_entity_under(db: Database, sigle: str, parent: str | None = None) -> int:
    """Create an entity, depending on ``parent`` when given."""
    entity_id = add_entity(db, sigle, nom=f"Entité {sigle}")
    if parent is not None:
        with db.session(write=True) as session:
            entity = session.get(Entity, entity_id)
            assert entity is not None
            entity.parent_id = entity_id_of(db, parent)
            session.add(entity)
    return entity_id


def entity_id_of(db: Database, sigle: str) -> int:
    """The id of the entity with this sigle."""
    with db.session() as session:
        entity = session.exec(select(Entity).where(Entity.sigle == sigle)).one()
        assert entity.id is not None
        return entity.id


def link_transversally(db: Database, left: str, right: str) -> None:
    """Associate two entities transversally (stored smaller id first)."""
    ids = sorted((entity_id_of(db, left), entity_id_of(db, right)))
    with db.session(write=True) as session:
        session.add(EntityTransverse(entity_id=ids[0], other_id=ids[1]))


def add_buyer(
    db: Database,
    login: str,
    entite: str,
    *,
    alerts: Iterable[str] = (),
    guest_own: bool = False,
    guest_dependent: bool = False,
    guest_transverse: bool = False,
    active: bool = True,
) -> Actor:
    """Create a buyer with these alerts and permanent-guest permissions.

    Permissions are granted by the platform, not by the account form, so
    they are written directly, as is an alert a permission no longer allows.
    """
    snapshot = add_agent(db, login, entite=entite)
    with db.session(write=True) as session:
        agent = session.get(Agent, snapshot.id)
        assert agent is not None
        agent.guest_own_entity = guest_own
        agent.guest_dependent_entities = guest_dependent
        agent.guest_transverse_entities = guest_transverse
        agent.active = active
        session.add(agent)
        session.add_all(AgentAlert(agent_id=snapshot.id, key=key) for key in alerts)
    return Actor(login=login, role="buyer", agent_id=snapshot.id)


def add_consultation(
    db: Database,
    reference: str,
    entite: str,
    *,
    creator: str | None = None,
    phase: str = "E",
) -> tuple[str, ...]:
    """Create a consultation as support staff; return who got it as ★."""
    created = create_consultation(
        db,
        actor=SUPPORT,
        reference=reference,
        title=f"Consultation {reference}",
        entite=entite,
        creator_login=creator,
        phase=phase,
    )
    return created.favourite_of


def star(db: Database, login: str, reference: str) -> None:
    """Make ``reference`` a favourite of ``login``, whatever they can see."""
    with db.session(write=True) as session:
        agent = session.exec(select(Agent).where(Agent.login == login)).one()
        consultation = session.exec(
            select(Consultation).where(Consultation.reference == reference)
        ).one()
        assert agent.id is not None and consultation.id is not None
        session.add(FavouriteRow(agent_id=agent.id, consultation_id=consultation.id))


def favourites_of(db: Database, login: str) -> set[str]:
    """The references ``login`` holds as favourites."""
    with db.session() as session:
        rows = session.exec(
            select(Consultation.reference)
            .join(FavouriteRow, FavouriteRow.consultation_id == Consultation.id)
            .join(Agent, Agent.id == FavouriteRow.agent_id)
            .where(Agent.login == login)
        ).all()
        return set(rows)
