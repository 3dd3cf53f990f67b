"""Creating a consultation, and the favourites it gets when first saved in E.

A consultation first saved in phase E becomes a favourite of each agent who
asked for it in Mes alertes électroniques: its creator
(``favoris_mes_consultations``); and, when they hold the matching
permanent-guest permission, the agents of the same entity
(``favoris_mon_entite``), of an entity it depends on, at any depth
(``favoris_entites_dependantes``), or of an entity linked to it by an
EntityTransverse row (``favoris_entites_transverses``). A consultation
first saved in a later phase (an import) gets none.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from amp_tui.accounts import find_entity
from amp_tui.consultations import PHASES, ConsultationCard, acting_agent, card_of
from amp_tui.database import Database
from amp_tui.entities import ancestor_entity_ids, transverse_entity_ids
from amp_tui.errors import FieldErrors, PermissionDeniedError
from amp_tui.models import Agent, AgentAlert, Consultation, Entity, Favourite, Phase
from amp_tui.snapshots import Actor, agent_by_login
from amp_tui.validation import has_control_characters

log = logging.getLogger(__name__)

CREATOR_OUTSIDE_ENTITY = "Le créateur doit appartenir à l'entité de la consultation."


@dataclass(frozen=True)
class CreatedConsultation:
    """A new consultation and the agents it became a favourite of."""

    card: ConsultationCard
    favourite_of: tuple[str, ...]


def create_consultation(
    db: Database,
    *,
    actor: Actor,
    reference: str,
    title: str,
    entite: str | None = None,
    creator_login: str | None = None,
    phase: str = Phase.ELABORATION.value,
    deadline: dt.datetime | None = None,
    procedure: str = "Appel d'offres ouvert",
    category: str = "Services",
    allotie: bool = False,
    objet: str = "",
) -> CreatedConsultation:
    """Save a new consultation and, in phase E, its auto-favourites.

    Support staff create for any entity and creator; a buyer creates for
    their own entity, as its creator. The creator, when given, must belong
    to the consultation's entity. All in one transaction.
    """
    values = clean_consultation(reference, title, phase, procedure, category, objet)
    if deadline is not None and deadline.tzinfo is None:
        raise FieldErrors({"date_limite": "Précisez le fuseau horaire."})
    with db.session(write=True) as session:
        creator = find_creator(session, actor, creator_login)
        if entite is None and creator is not None:
            entity = session.get(Entity, creator.entity_id)
            assert entity is not None
        else:
            entity = find_entity(session, entite)
        if creator is not None and creator.entity_id != entity.id:
            raise FieldErrors({"createur": CREATOR_OUTSIDE_ENTITY})
        taken = select(Consultation.id).where(
            Consultation.reference == values["reference"]
        )
        if session.exec(taken).first() is not None:
            raise FieldErrors({"reference": "Cette référence est déjà utilisée."})
        consultation = Consultation(
            reference=values["reference"],
            title=values["title"],
            objet=values["objet"],
            phase=values["phase"],
            procedure=values["procedure"],
            category=values["category"],
            entity_id=entity.id or 0,
            creator_id=creator.id if creator else None,
            deadline=deadline,
            allotie=allotie,
        )
        session.add(consultation)
        session.flush()
        followers: list[Agent] = []
        if consultation.phase == Phase.ELABORATION.value:
            followers = auto_favourite_agents(session, consultation)
            session.add_all(
                Favourite(agent_id=agent.id or 0, consultation_id=consultation.id or 0)
                for agent in followers
            )
        log.info(
            "consultation %s created by %s, favourite of %d agent(s)",
            consultation.reference,
            actor.login,
            len(followers),
        )
        viewer = actor.agent_id
        return CreatedConsultation(
            card=card_of(consultation, any(agent.id == viewer for agent in followers)),
            favourite_of=tuple(sorted(agent.login for agent in followers)),
        )


def clean_consultation(
    reference: str, title: str, phase: str, procedure: str, category: str, objet: str
) -> dict[str, str]:
    """Check a new consultation's texts; return them trimmed."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    limits = {
        "reference": (reference, 50),
        "title": (title, 255),
        "procedure": (procedure, 100),
        "category": (category, 50),
    }
    for name, (raw, limit) in limits.items():
        value = raw.strip()
        if not value:
            errors[name] = "Champ obligatoire."
        elif len(value) > limit or has_control_characters(value):
            errors[name] = f"{limit} caractères au maximum, sans caractère de contrôle."
        values[name] = value
    if phase not in PHASES:
        errors["phase"] = f"Phase inconnue : choisissez parmi {' '.join(PHASES)}."
    if errors:
        raise FieldErrors(errors)
    return {**values, "phase": phase, "objet": objet.strip()}


def find_creator(session: Session, actor: Actor, login: str | None) -> Agent | None:
    """The creator: the named agent for support staff, the actor for a buyer."""
    if not actor.is_support:
        agent = acting_agent(session, actor)
        if login is not None and (agent is None or agent.login != login):
            raise PermissionDeniedError(
                "Vous ne pouvez créer une consultation qu'à votre nom."
            )
        return agent
    if login is None:
        return None
    agent = agent_by_login(session, login)
    if agent is None:
        raise FieldErrors({"createur": f"Aucun compte n'a l'identifiant « {login} »."})
    return agent


def auto_favourite_agents(session: Session, consultation: Consultation) -> list[Agent]:
    """Every agent whose settings make ``consultation`` one of their favourites.

    See the module docstring for the rules; an agent matching several
    counts once.
    """
    entity_id = consultation.entity_id
    rules: list[tuple[str, ColumnElement[bool]]] = [
        ("favoris_mes_consultations", col(Agent.id) == consultation.creator_id),
        (
            "favoris_mon_entite",
            col(Agent.guest_own_entity).is_(True) & (col(Agent.entity_id) == entity_id),
        ),
        (
            "favoris_entites_dependantes",
            col(Agent.guest_dependent_entities).is_(True)
            & col(Agent.entity_id).in_(sorted(ancestor_entity_ids(session, entity_id))),
        ),
        (
            "favoris_entites_transverses",
            col(Agent.guest_transverse_entities).is_(True)
            & col(Agent.entity_id).in_(
                sorted(transverse_entity_ids(session, entity_id))
            ),
        ),
    ]
    matches = or_(
        *(
            col(Agent.id).in_(select(AgentAlert.agent_id).where(AgentAlert.key == key))
            & rule
            for key, rule in rules
        )
    )
    return list(session.exec(select(Agent).where(matches).order_by(col(Agent.login))))
