"""The consultations service: the dashboard's cards, favourites (★), events.

Who sees what. Support staff see every consultation. A buyer sees the
consultations of their own entity; those of the entities that depend on it,
directly or through a chain of parents, when they are a permanent guest on
dependent entities; those of the entities linked to theirs transversally when
they are a permanent transverse guest; and, whatever their entity, the
consultations they hold as favourites.

New consultations and their auto-favourites are in
``amp_tui.auto_favourites``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, or_
from sqlmodel import Session, col, select

from amp_tui.database import Database
from amp_tui.entities import descendant_entity_ids, transverse_entity_ids
from amp_tui.errors import FieldErrors, NotFoundError, PermissionDeniedError
from amp_tui.models import Agent, Consultation, Favourite, Phase
from amp_tui.notifications import (
    CONSULTATION_EVENTS,
    format_deadline,
    route_consultation_event,
)
from amp_tui.snapshots import Actor

log = logging.getLogger(__name__)

PHASES: tuple[str, ...] = tuple(phase.value for phase in Phase)
"""The phase letters in the order a consultation goes through them."""

PAGE_SIZE = 50
NOT_FOUND = "Consultation introuvable."


@dataclass(frozen=True)
class ConsultationCard:
    """What the dashboard shows of one consultation, for one agent."""

    id: int
    reference: str
    title: str
    objet: str
    phase: str
    deadline: dt.datetime | None
    procedure: str
    category: str
    allotie: bool
    retraits: int
    questions: int
    depots: int
    favourite: bool

    @property
    def deadline_text(self) -> str:
        """The deadline as the platform shows it, in Paris time."""
        return format_deadline(self.deadline)


@dataclass(frozen=True)
class ConsultationPage:
    """A slice of the consultations an agent sees, and how many there are."""

    total: int
    offset: int
    cards: tuple[ConsultationCard, ...]


# --- Who sees what ---------------------------------------------------------


def visible_entity_ids(session: Session, agent: Agent) -> set[int]:
    """The entities whose consultations a buyer sees (favourites aside)."""
    ids = {agent.entity_id}
    if agent.guest_dependent_entities:
        ids |= descendant_entity_ids(session, agent.entity_id)
    if agent.guest_transverse_entities:
        ids |= transverse_entity_ids(session, agent.entity_id)
    return ids


def acting_agent(session: Session, actor: Actor) -> Agent | None:
    """The actor's agent row; None for an operator at the command line."""
    if actor.agent_id is None:
        if not actor.is_support:
            raise PermissionDeniedError("Connectez-vous pour voir les consultations.")
        return None
    agent = session.get(Agent, actor.agent_id)
    if agent is None:
        raise NotFoundError("Compte introuvable.")
    return agent


def visibility_clause(
    session: Session, actor: Actor, agent: Agent | None
) -> ColumnElement[bool] | None:
    """The WHERE clause limiting consultations to what the actor sees."""
    if actor.is_support or agent is None:
        return None
    favourites = select(Favourite.consultation_id).where(Favourite.agent_id == agent.id)
    return or_(
        col(Consultation.entity_id).in_(sorted(visible_entity_ids(session, agent))),
        col(Consultation.id).in_(favourites),
    )


# --- The dashboard ---------------------------------------------------------


def list_consultations(
    db: Database,
    *,
    actor: Actor,
    favourites_only: bool = False,
    search: str = "",
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> ConsultationPage:
    """A page of the consultations the actor sees, latest deadline first.

    ``search`` keeps those whose reference or title holds every word typed,
    ignoring case. ``favourites_only`` keeps the actor's favourites.
    """
    with db.session() as session:
        agent = acting_agent(session, actor)
        agent_id = agent.id if agent is not None else -1
        statement = select(Consultation, Favourite.agent_id).outerjoin(
            Favourite,
            (col(Favourite.consultation_id) == Consultation.id)
            & (col(Favourite.agent_id) == agent_id),
        )
        conditions = list(search_conditions(search))
        visible = visibility_clause(session, actor, agent)
        if visible is not None:
            conditions.append(visible)
        if favourites_only:
            conditions.append(col(Favourite.agent_id).is_not(None))
        statement = statement.where(*conditions)
        total = session.exec(
            select(func.count()).select_from(statement.subquery())
        ).one()
        rows = session.exec(
            statement.order_by(
                col(Consultation.deadline).desc().nulls_last(),
                col(Consultation.reference),
            )
            .offset(max(offset, 0))
            .limit(limit)
        ).all()
        cards = tuple(
            card_of(consultation, favourite is not None)
            for consultation, favourite in rows
        )
        return ConsultationPage(total=total, offset=offset, cards=cards)


def search_conditions(search: str) -> Iterable[ColumnElement[bool]]:
    """One condition per word: in the reference or the title, any case."""
    # Limitation: the consultation table keeps no folded copy of its texts,
    # so accents count (« energie » misses « énergie ») and, on SQLite, only
    # ASCII letters ignore case (« énergie » misses « Énergie »).
    for word in search.lower().split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        yield or_(
            func.lower(Consultation.reference).like(pattern, escape="\\"),
            func.lower(Consultation.title).like(pattern, escape="\\"),
        )


def card_of(consultation: Consultation, favourite: bool) -> ConsultationCard:
    """The dashboard's view of a consultation row."""
    assert consultation.id is not None
    return ConsultationCard(
        id=consultation.id,
        reference=consultation.reference,
        title=consultation.title,
        objet=consultation.objet,
        phase=consultation.phase,
        deadline=consultation.deadline,
        procedure=consultation.procedure,
        category=consultation.category,
        allotie=consultation.allotie,
        retraits=consultation.retraits,
        questions=consultation.questions,
        depots=consultation.depots,
        favourite=favourite,
    )


def set_favourite(
    db: Database, *, actor: Actor, consultation_id: int, favourite: bool
) -> bool:
    """Add or remove the ★ of the actor on a consultation they see.

    Setting the state it already has changes nothing. Returns the new state.
    """
    with db.session(write=True) as session:
        agent = acting_agent(session, actor)
        if agent is None:
            raise PermissionDeniedError(
                "Les favoris appartiennent à un compte agent : connectez-vous."
            )
        statement = select(Consultation).where(Consultation.id == consultation_id)
        visible = visibility_clause(session, actor, agent)
        if visible is not None:
            statement = statement.where(visible)
        if session.exec(statement).first() is None:
            raise NotFoundError(NOT_FOUND)
        held = session.get(Favourite, (agent.id, consultation_id))
        if favourite and held is None:
            session.add(
                Favourite(agent_id=agent.id or 0, consultation_id=consultation_id)
            )
        elif not favourite and held is not None:
            session.execute(
                delete(Favourite).where(
                    col(Favourite.agent_id) == agent.id,
                    col(Favourite.consultation_id) == consultation_id,
                )
            )
        return favourite


# --- Events ----------------------------------------------------------------------


def record_event(db: Database, *, reference: str, kind: str) -> list[str]:
    """Record that ``kind`` happened on a consultation; queue its alerts.

    Returns the logins of the agents notified.
    """
    if kind not in CONSULTATION_EVENTS:
        raise FieldErrors(
            {
                "evenement": f"Événement inconnu : choisissez parmi "
                f"{', '.join(CONSULTATION_EVENTS)}."
            }
        )
    with db.session(write=True) as session:
        consultation = session.exec(
            select(Consultation).where(Consultation.reference == reference)
        ).first()
        if consultation is None:
            raise NotFoundError(
                f"Aucune consultation n'a la référence « {reference} »."
            )
        messages = route_consultation_event(session, consultation, kind)
        logins = {
            agent_id: login
            for agent_id, login in session.exec(
                select(Agent.id, Agent.login).where(
                    col(Agent.id).in_([message.agent_id for message in messages])
                )
            ).all()
        }
        return [logins[message.agent_id] for message in messages if message.agent_id]
