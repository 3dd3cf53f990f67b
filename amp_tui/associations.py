"""Associated accounts: one login reaching the accounts of pooled services.

An association links a principal account to a secondary one. Proving the
secondary's password approves it at once; a wrong password counts towards
that account's lockout like a failed sign-in. Support staff may associate
two accounts directly. Each change moves the principal account to its next
version, so it follows the same conflict rules as any other save.
"""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import delete
from sqlmodel import Session, col, select

from amp_tui.accounts import authorize, bump_version, record_audit
from amp_tui.auth import register_failure
from amp_tui.database import Database
from amp_tui.errors import FieldErrors, NotFoundError, StaleAccountError
from amp_tui.models import AccountAssociation, Agent, AssociationStatus
from amp_tui.passwords import verify_password
from amp_tui.snapshots import AccountSnapshot, Actor, agent_by_login, load_snapshot

log = logging.getLogger(__name__)

CANNOT_ASSOCIATE = "Identifiant ou mot de passe incorrect, ou compte non associable."


def associate_account(
    db: Database,
    *,
    actor: Actor,
    principal_id: int,
    base_version: int,
    login: str,
    password: str | None,
) -> AccountSnapshot:
    """Associate the account ``login`` with the principal account.

    Buyers prove control of the other account with its password; support
    staff may pass ``password=None``. Returns the principal account as
    stored afterwards. Raises FieldErrors (field ``association``) for a
    refusal and StaleAccountError when the principal changed meanwhile.
    """
    refusal: FieldErrors | None = None
    with db.session(write=True) as session:
        principal = locked_principal(session, actor, principal_id, base_version)
        secondary = agent_by_login(session, login.strip())
        if secondary is None:
            raise FieldErrors({"association": CANNOT_ASSOCIATE})
        if password is None and not actor.is_support:
            raise FieldErrors({"association": "Saisissez le mot de passe du compte."})
        if password is not None and not verify_password(
            secondary.password_hash, password
        ):
            register_failure(secondary)
            session.add(secondary)
            # The failure must be counted even though the association is
            # refused, so the refusal is raised after this transaction ends.
            refusal = FieldErrors({"association": CANNOT_ASSOCIATE})
        else:
            check_associable(session, principal, secondary)
            session.add(
                AccountAssociation(
                    principal_id=principal.id or 0,
                    secondary_id=secondary.id or 0,
                    status=AssociationStatus.APPROVED.value,
                    token=secrets.token_urlsafe(24),
                )
            )
            bump_version(session, principal, base_version)
            record_audit(
                session,
                actor,
                principal,
                "association",
                {"comptes_associes": {"old": None, "new": secondary.login}},
            )
            record_audit(
                session,
                actor,
                secondary,
                "association",
                {"comptes_associes": {"old": None, "new": principal.login}},
            )
            session.flush()
            return load_snapshot(session, principal)
    assert refusal is not None
    raise refusal


def check_associable(session: Session, principal: Agent, secondary: Agent) -> None:
    """Refuse self-association, duplicates, and locked or inactive accounts."""
    if secondary.id == principal.id:
        raise FieldErrors(
            {"association": "Un compte ne peut pas être associé à lui-même."}
        )
    if secondary.locked or not secondary.active:
        raise FieldErrors({"association": CANNOT_ASSOCIATE})
    existing = session.exec(
        select(AccountAssociation).where(
            (
                (AccountAssociation.principal_id == principal.id)
                & (AccountAssociation.secondary_id == secondary.id)
            )
            | (
                (AccountAssociation.principal_id == secondary.id)
                & (AccountAssociation.secondary_id == principal.id)
            )
        )
    ).first()
    if existing is not None:
        raise FieldErrors({"association": "Ce compte est déjà associé."})


def remove_association(
    db: Database,
    *,
    actor: Actor,
    principal_id: int,
    base_version: int,
    other_id: int,
) -> AccountSnapshot:
    """Remove the association between an account and another, either side."""
    with db.session(write=True) as session:
        principal = locked_principal(session, actor, principal_id, base_version)
        other = session.get(Agent, other_id)
        if other is None:
            raise NotFoundError("Compte associé introuvable.")
        result = session.execute(
            delete(AccountAssociation).where(
                (
                    (col(AccountAssociation.principal_id) == principal_id)
                    & (col(AccountAssociation.secondary_id) == other_id)
                )
                | (
                    (col(AccountAssociation.principal_id) == other_id)
                    & (col(AccountAssociation.secondary_id) == principal_id)
                )
            )
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFoundError("Cette association n'existe plus.")
        bump_version(session, principal, base_version)
        record_audit(
            session,
            actor,
            principal,
            "dissociation",
            {"comptes_associes": {"old": other.login, "new": None}},
        )
        record_audit(
            session,
            actor,
            other,
            "dissociation",
            {"comptes_associes": {"old": principal.login, "new": None}},
        )
        session.flush()
        return load_snapshot(session, principal)


def locked_principal(
    session: Session, actor: Actor, principal_id: int, base_version: int
) -> Agent:
    """Load the principal account, checking rights and version."""
    principal = session.get(Agent, principal_id)
    if principal is None:
        raise NotFoundError("Compte introuvable.")
    authorize(session, actor, principal)
    if principal.version != base_version:
        raise StaleAccountError(load_snapshot(session, principal))
    return principal


def switch_account(db: Database, *, actor: Actor, agent_id: int) -> AccountSnapshot:
    """Open an associated account without signing in again.

    Allowed for the actor's own account and the accounts associated with it
    (and for support staff, any account).
    """
    with db.session() as session:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise NotFoundError("Compte introuvable.")
        authorize(session, actor, agent)
        return load_snapshot(session, agent)
