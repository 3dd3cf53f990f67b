"""The account service: load, save, create and find agent accounts.

Every function opens its own transaction on a Database, checks what the
acting agent may do, and writes an audit event for every change. A save is
refused when the account moved on since it was loaded (optimistic locking on
``Agent.version``), whatever part of it changed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from amp_tui.alerts import ALERT_KEYS, ALERTS
from amp_tui.database import Database
from amp_tui.errors import (
    FieldErrors,
    NotFoundError,
    PermissionDeniedError,
    StaleAccountError,
)
from amp_tui.models import (
    AccountAssociation,
    Agent,
    AgentAlert,
    AgentDepartement,
    AssociationStatus,
    AuditEvent,
    Departement,
    Entity,
    Role,
    Service,
    utcnow,
)
from amp_tui.notifications import notify_account_change
from amp_tui.passwords import hash_password
from amp_tui.search import index_agent, search_key_for
from amp_tui.snapshots import (
    AccountDraft,
    AccountSnapshot,
    Actor,
    ServiceNode,
    agent_by_login,
    entity_services,
    load_snapshot,
)
from amp_tui.validation import (
    clean_email,
    clean_login,
    clean_name,
    clean_new_password,
    clean_phone,
    email_key,
)

log = logging.getLogger(__name__)

EMAIL_TAKEN = "Cette adresse électronique est déjà utilisée par un autre compte."
LOGIN_TAKEN = "Cet identifiant est déjà utilisé."
ACCOUNT_NOT_FOUND = "Compte introuvable."


def load_account(db: Database, *, actor: Actor, agent_id: int) -> AccountSnapshot:
    """Load an account the actor may see."""
    with db.session() as session:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise NotFoundError(ACCOUNT_NOT_FOUND)
        authorize(session, actor, agent)
        return load_snapshot(session, agent)


def load_account_by_login(db: Database, *, actor: Actor, login: str) -> AccountSnapshot:
    """Load an account by its identifiant."""
    with db.session() as session:
        agent = agent_by_login(session, login)
        if agent is None:
            raise NotFoundError(f"Aucun compte n'a l'identifiant « {login} ».")
        authorize(session, actor, agent)
        return load_snapshot(session, agent)


def list_services(db: Database, *, entity_id: int) -> list[ServiceNode]:
    """The service tree of an entity, for the Service picker."""
    with db.session() as session:
        return entity_services(session, entity_id)


def authorize(session: Session, actor: Actor, agent: Agent) -> None:
    """Refuse unless the actor is support, the agent, or associated with it."""
    if actor.is_support or actor.agent_id == agent.id:
        return
    association = session.exec(
        select(AccountAssociation).where(
            AccountAssociation.principal_id == actor.agent_id,
            AccountAssociation.secondary_id == agent.id,
            AccountAssociation.status == AssociationStatus.APPROVED.value,
        )
    ).first()
    if association is None:
        raise PermissionDeniedError(
            "Vous ne pouvez modifier que votre compte et les comptes qui lui "
            "sont associés."
        )


def validate_draft(
    draft: AccountDraft, stored: AccountSnapshot, actor: Actor
) -> dict[str, Any]:
    """Check every field of a draft offline; return the values to store.

    All problems are gathered into one FieldErrors, keyed by field, so the
    form can show each message beside its field.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def check(name: str, produce: Any) -> None:
        try:
            values[name] = produce()
        except FieldErrors as error:
            errors.update(error.errors)

    check("nom", lambda: clean_name("nom", draft.nom))
    check("prenom", lambda: clean_name("prenom", draft.prenom))
    check("telephone", lambda: clean_phone("telephone", draft.telephone))
    check("telecopieur", lambda: clean_phone("telecopieur", draft.telecopieur))
    check("email", lambda: clean_email(draft.email))
    check("login", lambda: clean_login(draft.login))
    if "login" in values and values["login"] != stored.login and not actor.is_support:
        errors["login"] = "Seul le support peut modifier l'identifiant."
    check(
        "password",
        lambda: clean_new_password(
            draft.password, draft.password_confirmation, values.get("login", "")
        ),
    )
    unknown = set(draft.alerts) - set(ALERT_KEYS)
    newly_gated = [
        key
        for key in set(draft.alerts) - stored.alerts
        if key in ALERTS
        and ALERTS[key].permission
        and not stored.has_permission(ALERTS[key].permission or "")
    ]
    if unknown or newly_gated:
        errors["alertes"] = "Alerte inconnue ou non autorisée pour ce compte."
    if errors:
        raise FieldErrors(errors)
    return values


def save_account(
    db: Database,
    *,
    actor: Actor,
    agent_id: int,
    base_version: int,
    draft: AccountDraft,
) -> AccountSnapshot:
    """Save a draft of an account in one transaction and audit it.

    Raises FieldErrors for bad input, StaleAccountError when the account
    changed since ``base_version``, DatabaseUnavailableError on an outage.
    Saving a draft identical to what is stored writes nothing.
    """
    try:
        with db.session(write=True) as session:
            agent = session.get(Agent, agent_id)
            if agent is None:
                raise NotFoundError(ACCOUNT_NOT_FOUND)
            authorize(session, actor, agent)
            stored = load_snapshot(session, agent)
            if stored.version != base_version:
                log.warning(
                    "save conflict on %s: version %s, based on %s",
                    agent.login,
                    stored.version,
                    base_version,
                )
                raise StaleAccountError(stored)
            values = validate_draft(draft, stored, actor)
            check_stored_rules(session, agent, draft, values)
            changes = diff_account(stored, draft, values)
            if not changes:
                return stored
            write_account(session, agent, base_version, draft, values)
            record_audit(session, actor, agent, "modification", changes)
            notify_account_change(session, agent, changes, old_email=stored.email)
            session.flush()
            return load_snapshot(session, agent)
    except IntegrityError as error:
        raise integrity_to_field_errors(error) from error


def check_stored_rules(
    session: Session, agent: Agent, draft: AccountDraft, values: Mapping[str, Any]
) -> None:
    """Check what needs the database: uniqueness, service, places."""
    errors: dict[str, str] = {}
    other = session.exec(
        select(Agent.id).where(
            Agent.email_key == email_key(values["email"]), Agent.id != agent.id
        )
    ).first()
    if other is not None:
        errors["email"] = EMAIL_TAKEN
    if values["login"] != agent.login:
        taken = agent_by_login(session, values["login"])
        if taken is not None:
            errors["login"] = LOGIN_TAKEN
    if draft.service_id is not None:
        service = session.get(Service, draft.service_id)
        if service is None or service.entity_id != agent.entity_id:
            errors["service"] = "Ce service n'appartient pas à l'entité du compte."
    if draft.departements:
        known = session.exec(
            select(Departement.code).where(
                col(Departement.code).in_(sorted(draft.departements))
            )
        ).all()
        if set(known) != set(draft.departements):
            errors["lieux_execution"] = "Lieu d'exécution inconnu."
    if errors:
        raise FieldErrors(errors)


def diff_account(
    stored: AccountSnapshot, draft: AccountDraft, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Describe what a save changes, field by field, for the audit trail."""
    changes: dict[str, Any] = {}
    for name in ("login", "nom", "prenom", "email", "telephone", "telecopieur"):
        old = getattr(stored, name)
        if values[name] != old:
            changes[name] = {"old": old, "new": values[name]}
    if draft.service_id != stored.service_id:
        changes["service"] = {"old": stored.service_id, "new": draft.service_id}
    if values["password"] is not None:
        changes["mot_de_passe"] = {"changed": True}
    for key in ALERT_KEYS:
        old_on, new_on = key in stored.alerts, key in draft.alerts
        if old_on != new_on:
            changes[f"alertes.{key}"] = {"old": old_on, "new": new_on}
    if set(draft.departements) != stored.departements:
        changes["lieux_execution"] = {
            "old": sorted(stored.departements),
            "new": sorted(draft.departements),
        }
    return changes


def write_account(
    session: Session,
    agent: Agent,
    base_version: int,
    draft: AccountDraft,
    values: Mapping[str, Any],
) -> None:
    """Write the new values, guarded by the version the draft started from."""
    entity = session.get(Entity, agent.entity_id)
    assert entity is not None
    columns: dict[str, Any] = {
        name: values[name]
        for name in ("login", "nom", "prenom", "email", "telephone", "telecopieur")
    }
    columns["email_key"] = email_key(values["email"])
    columns["service_id"] = draft.service_id
    if values["password"] is not None:
        columns["password_hash"] = hash_password(values["password"])
    probe = Agent(**{**agent.model_dump(), **columns})
    columns["search_key"] = search_key_for(probe, entity)
    bump_version(session, agent, base_version, **columns)
    replace_collections(session, agent.id, draft)
    session.refresh(agent)
    index_agent(session, agent, entity)


def bump_version(
    session: Session, agent: Agent, base_version: int, **columns: Any
) -> None:
    """Move an account to its next version, or raise StaleAccountError.

    The WHERE clause on the version makes the check and the write one atomic
    step, so two concurrent saves cannot both succeed.
    """
    result = session.execute(
        update(Agent)
        .where(col(Agent.id) == agent.id, col(Agent.version) == base_version)
        .values(version=base_version + 1, updated_at=utcnow(), **columns)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.expire(agent)
        raise StaleAccountError(load_snapshot(session, agent))


def replace_collections(
    session: Session, agent_id: int | None, draft: AccountDraft
) -> None:
    """Store exactly the draft's alerts and places of execution."""
    session.execute(delete(AgentAlert).where(col(AgentAlert.agent_id) == agent_id))
    session.execute(
        delete(AgentDepartement).where(col(AgentDepartement.agent_id) == agent_id)
    )
    assert agent_id is not None
    session.add_all(
        AgentAlert(agent_id=agent_id, key=key) for key in sorted(draft.alerts)
    )
    session.add_all(
        AgentDepartement(agent_id=agent_id, departement_code=code)
        for code in sorted(draft.departements)
    )


def record_audit(
    session: Session,
    actor: Actor,
    agent: Agent,
    action: str,
    changes: Mapping[str, Any],
) -> None:
    """Append one event to the audit trail. Never pass a password value."""
    session.add(
        AuditEvent(
            at=utcnow(),
            actor_login=actor.login,
            agent_id=agent.id,
            agent_login=agent.login,
            action=action,
            version=agent.version,
            changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
        )
    )


def integrity_to_field_errors(error: IntegrityError) -> FieldErrors:
    """Turn a unique-constraint race into the message the form shows."""
    text = str(error.orig).lower()
    if "email_key" in text:
        return FieldErrors({"email": EMAIL_TAKEN})
    if "login" in text:
        return FieldErrors({"login": LOGIN_TAKEN})
    return FieldErrors({"compte": "Enregistrement refusé par la base de données."})


def create_account(
    db: Database,
    *,
    actor: Actor,
    login: str,
    email: str,
    nom: str,
    prenom: str,
    password: str,
    entite: str | None = None,
    service: str | None = None,
    role: Role = Role.BUYER,
) -> AccountSnapshot:
    """Create an account; support staff only. Returns the stored account."""
    if not actor.is_support:
        raise PermissionDeniedError("Seul le support peut créer des comptes.")
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, produce in (
        ("login", lambda: clean_login(login)),
        ("email", lambda: clean_email(email)),
        ("nom", lambda: clean_name("nom", nom)),
        ("prenom", lambda: clean_name("prenom", prenom)),
    ):
        try:
            values[name] = produce()
        except FieldErrors as error:
            errors.update(error.errors)
    try:
        clean_new_password(password, password, values.get("login", login))
        if not password:
            errors["password"] = "Le mot de passe est obligatoire."
    except FieldErrors as error:
        errors.update(error.errors)
    if errors:
        raise FieldErrors(errors)
    try:
        with db.session(write=True) as session:
            entity = find_entity(session, entite)
            service_id = find_service(session, entity, service)
            if agent_by_login(session, values["login"]) is not None:
                raise FieldErrors({"login": LOGIN_TAKEN})
            key = email_key(values["email"])
            if session.exec(select(Agent.id).where(Agent.email_key == key)).first():
                raise FieldErrors({"email": EMAIL_TAKEN})
            agent = Agent(
                **values,
                email_key=key,
                entity_id=entity.id or 0,
                service_id=service_id,
                role=role.value,
                password_hash=hash_password(password),
            )
            agent.search_key = search_key_for(agent, entity)
            session.add(agent)
            session.flush()
            index_agent(session, agent, entity)
            record_audit(
                session,
                actor,
                agent,
                "creation",
                {name: {"old": None, "new": value} for name, value in values.items()},
            )
            return load_snapshot(session, agent)
    except IntegrityError as error:
        raise integrity_to_field_errors(error) from error


def find_entity(session: Session, sigle: str | None) -> Entity:
    """The entity with this sigle, or the only one when none is given."""
    if sigle is None:
        entities = session.exec(select(Entity).limit(2)).all()
        if len(entities) != 1:
            raise FieldErrors({"entite": "Précisez l'entité (--entite SIGLE)."})
        return entities[0]
    entity = session.exec(select(Entity).where(Entity.sigle == sigle)).first()
    if entity is None:
        raise FieldErrors({"entite": f"Entité « {sigle} » inconnue."})
    return entity


def find_service(session: Session, entity: Entity, name: str | None) -> int | None:
    """The id of a service of ``entity`` given by name or by path."""
    if name is None:
        return None
    assert entity.id is not None
    for node in entity_services(session, entity.id):
        if name in (node.path, node.nom):
            return node.id
    raise FieldErrors({"service": f"Service « {name} » inconnu dans {entity.sigle}."})
