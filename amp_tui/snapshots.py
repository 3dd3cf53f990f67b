"""Read-only views of an account, as the interface and the CLI see it.

An AccountSnapshot is what was stored at one version. The interface edits an
AccountDraft made from it and hands the draft back to ``save_account``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from amp_tui.alerts import ALERT_KEYS
from amp_tui.models import (
    AccountAssociation,
    Agent,
    AgentAlert,
    AgentDepartement,
    Entity,
    Service,
)
from amp_tui.validation import format_phone

SERVICE_PATH_SEPARATOR = " / "


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in agent, or an operator at the command line."""

    login: str
    role: str
    agent_id: int | None = None

    @property
    def is_support(self) -> bool:
        """Support staff may read and edit every account."""
        return self.role == "support"


@dataclass(frozen=True)
class ServiceNode:
    """A service of an entity, with its full path for display."""

    id: int
    nom: str
    parent_id: int | None
    path: str


@dataclass(frozen=True)
class AssociationView:
    """An account associated with the one being viewed."""

    agent_id: int
    login: str
    entite: str
    entite_sigle: str
    service: str
    statut: str
    principal: bool


@dataclass(frozen=True)
class AccountSnapshot:
    """An account as stored at ``version``."""

    id: int
    login: str
    nom: str
    prenom: str
    email: str
    telephone: str | None
    telecopieur: str | None
    entity_id: int
    entity_sigle: str
    entity_nom: str
    service_id: int | None
    service_path: str
    role: str
    active: bool
    locked: bool
    guest_own_entity: bool
    guest_dependent_entities: bool
    guest_transverse_entities: bool
    alerts: frozenset[str]
    departements: frozenset[str]
    associations: tuple[AssociationView, ...]
    version: int
    updated_at: dt.datetime

    def has_permission(self, name: str) -> bool:
        """Tell whether the agent holds a permanent-guest permission flag."""
        return bool(getattr(self, name))

    def to_json(self) -> dict[str, Any]:
        """The object printed by ``amp-tui account show --json``."""
        return {
            "login": self.login,
            "nom": self.nom,
            "prenom": self.prenom,
            "email": self.email,
            "telephone": self.telephone,
            "telecopieur": self.telecopieur,
            "entite": self.entity_sigle,
            "service": self.service_path or None,
            "role": self.role,
            "alertes": {key: key in self.alerts for key in ALERT_KEYS},
            "lieux_execution": sorted(self.departements),
            "comptes_associes": [
                {"login": item.login, "statut": item.statut}
                for item in self.associations
            ],
            "version": self.version,
        }


@dataclass
class AccountDraft:
    """What the user is editing: fields as typed, collections as sets.

    ``password`` and ``password_confirmation`` stay blank to keep the
    current password.
    """

    login: str
    nom: str
    prenom: str
    email: str
    telephone: str
    telecopieur: str
    service_id: int | None
    alerts: set[str] = field(default_factory=set)
    departements: set[str] = field(default_factory=set)
    password: str = ""
    password_confirmation: str = ""

    @classmethod
    def from_snapshot(cls, snapshot: AccountSnapshot) -> AccountDraft:
        """Start editing a stored account, phones in national format."""
        return cls(
            login=snapshot.login,
            nom=snapshot.nom,
            prenom=snapshot.prenom,
            email=snapshot.email,
            telephone=format_phone(snapshot.telephone),
            telecopieur=format_phone(snapshot.telecopieur),
            service_id=snapshot.service_id,
            alerts=set(snapshot.alerts),
            departements=set(snapshot.departements),
        )


def service_nodes(services: Iterable[Service]) -> list[ServiceNode]:
    """Give each service its path from the root, in tree order."""
    by_parent: dict[int | None, list[Service]] = {}
    for service in services:
        by_parent.setdefault(service.parent_id, []).append(service)
    nodes: list[ServiceNode] = []

    def walk(parent_id: int | None, prefix: str) -> None:
        for service in sorted(by_parent.get(parent_id, []), key=lambda s: s.nom):
            assert service.id is not None
            path = (
                f"{prefix}{SERVICE_PATH_SEPARATOR}{service.nom}"
                if prefix
                else (service.nom)
            )
            nodes.append(ServiceNode(service.id, service.nom, parent_id, path))
            walk(service.id, path)

    walk(None, "")
    return nodes


def entity_services(session: Session, entity_id: int) -> list[ServiceNode]:
    """The service tree of one entity, flattened in display order."""
    services = session.exec(select(Service).where(Service.entity_id == entity_id))
    return service_nodes(services.all())


def load_snapshot(session: Session, agent: Agent) -> AccountSnapshot:
    """Build the snapshot of an agent row loaded in ``session``."""
    assert agent.id is not None
    entity = session.get(Entity, agent.entity_id)
    assert entity is not None
    service_path = ""
    if agent.service_id is not None:
        paths = {
            node.id: node.path for node in entity_services(session, agent.entity_id)
        }
        service_path = paths.get(agent.service_id, "")
    alerts = session.exec(
        select(AgentAlert.key).where(AgentAlert.agent_id == agent.id)
    ).all()
    departements = session.exec(
        select(AgentDepartement.departement_code).where(
            AgentDepartement.agent_id == agent.id
        )
    ).all()
    return AccountSnapshot(
        id=agent.id,
        login=agent.login,
        nom=agent.nom,
        prenom=agent.prenom,
        email=agent.email,
        telephone=agent.telephone,
        telecopieur=agent.telecopieur,
        entity_id=entity.id or 0,
        entity_sigle=entity.sigle,
        entity_nom=entity.nom,
        service_id=agent.service_id,
        service_path=service_path,
        role=agent.role,
        active=agent.active,
        locked=agent.locked,
        guest_own_entity=agent.guest_own_entity,
        guest_dependent_entities=agent.guest_dependent_entities,
        guest_transverse_entities=agent.guest_transverse_entities,
        alerts=frozenset(alerts),
        departements=frozenset(departements),
        associations=tuple(load_associations(session, agent.id)),
        version=agent.version,
        updated_at=agent.updated_at,
    )


def load_associations(session: Session, agent_id: int) -> list[AssociationView]:
    """Every association the agent takes part in, either side."""
    rows = session.exec(
        select(AccountAssociation).where(
            (AccountAssociation.principal_id == agent_id)
            | (AccountAssociation.secondary_id == agent_id)
        )
    ).all()
    views = []
    for row in rows:
        principal = row.principal_id == agent_id
        other = session.get(Agent, row.secondary_id if principal else row.principal_id)
        assert other is not None and other.id is not None
        entity = session.get(Entity, other.entity_id)
        assert entity is not None
        paths = {
            node.id: node.path for node in entity_services(session, other.entity_id)
        }
        views.append(
            AssociationView(
                agent_id=other.id,
                login=other.login,
                entite=f"{entity.sigle} - {entity.nom}",
                entite_sigle=entity.sigle,
                service=paths.get(other.service_id or -1, ""),
                statut=row.status,
                principal=principal,
            )
        )
    return sorted(views, key=lambda view: view.login)


def agent_by_login(session: Session, login: str) -> Agent | None:
    """Find an agent row by its exact identifiant."""
    return session.exec(select(Agent).where(col(Agent.login) == login)).first()
