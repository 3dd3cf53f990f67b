"""What only support staff do to an account: unlock it, reset its password.

Neither changes what the agent edits, so neither moves the account's
version; both are written to the audit trail.
"""

from __future__ import annotations

import logging
import secrets
import string

from amp_tui.accounts import record_audit
from amp_tui.database import Database
from amp_tui.errors import NotFoundError, PermissionDeniedError
from amp_tui.models import Agent
from amp_tui.passwords import hash_password
from amp_tui.snapshots import AccountSnapshot, Actor, load_snapshot
from amp_tui.validation import password_problem

log = logging.getLogger(__name__)

TEMPORARY_LENGTH = 16
_ALPHABET = string.ascii_letters + string.digits + "-_.!?"


def require_support(actor: Actor) -> None:
    """Refuse anyone but support staff."""
    if not actor.is_support:
        raise PermissionDeniedError("Action réservée au support.")


def unlock_account(db: Database, *, actor: Actor, agent_id: int) -> AccountSnapshot:
    """Clear a lockout and the failed sign-in counter."""
    require_support(actor)
    with db.session(write=True) as session:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise NotFoundError("Compte introuvable.")
        was_locked = agent.locked
        agent.locked = False
        agent.failed_logins = 0
        session.add(agent)
        record_audit(
            session,
            actor,
            agent,
            "deverrouillage",
            {"verrouille": {"old": was_locked, "new": False}},
        )
        session.flush()
        log.info("account %s unlocked by %s", agent.login, actor.login)
        return load_snapshot(session, agent)


def temporary_password(login: str) -> str:
    """A random password that satisfies the policy."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(TEMPORARY_LENGTH))
        if password_problem(candidate, login) is None:
            return candidate


def reset_password(db: Database, *, actor: Actor, agent_id: int) -> str:
    """Give an account a new temporary password and return it, once.

    The password is not logged and the audit trail records only that it
    changed. The account is unlocked too, so the agent can sign in with it.
    """
    require_support(actor)
    with db.session(write=True) as session:
        agent = session.get(Agent, agent_id)
        if agent is None:
            raise NotFoundError("Compte introuvable.")
        password = temporary_password(agent.login)
        agent.password_hash = hash_password(password)
        agent.locked = False
        agent.failed_logins = 0
        session.add(agent)
        record_audit(
            session,
            actor,
            agent,
            "reinitialisation_mot_de_passe",
            {"mot_de_passe": {"changed": True}},
        )
        log.info("password of %s reset by %s", agent.login, actor.login)
    return password
