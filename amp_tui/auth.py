"""Signing in, with lockout after repeated failures.

The message for a failed sign-in is the same whether the identifiant is
unknown, the password wrong, or the account locked or inactive, so that it
never tells an attacker which identifiants exist.
"""

from __future__ import annotations

import logging

from amp_tui.database import Database
from amp_tui.errors import AuthenticationError
from amp_tui.models import Agent
from amp_tui.passwords import hash_password, needs_rehash, verify_password
from amp_tui.snapshots import AccountSnapshot, Actor, agent_by_login, load_snapshot

log = logging.getLogger(__name__)

MAX_FAILED_LOGINS = 5
SIGN_IN_REFUSED = (
    "Identifiant ou mot de passe incorrect. Après 5 échecs le compte est "
    "verrouillé ; le support peut le déverrouiller."
)
# Verifying against a real hash when the login is unknown keeps the time of
# a refusal the same, so timing does not reveal which identifiants exist.
_DUMMY_HASH: list[str] = []


def authenticate(db: Database, *, login: str, password: str) -> AccountSnapshot:
    """Check an identifiant and password; return the account on success.

    A wrong password counts towards the lockout; the fifth failure locks
    the account. A hash made with outdated parameters is replaced.
    """
    with db.session(write=True) as session:
        agent = agent_by_login(session, login.strip())
        if agent is None:
            verify_password(dummy_hash(), password)
        elif not verify_password(agent.password_hash, password):
            register_failure(agent)
            session.add(agent)
        elif agent.active and not agent.locked:
            agent.failed_logins = 0
            if needs_rehash(agent.password_hash):
                # The hash is not something users edit: the version stays.
                agent.password_hash = hash_password(password)
            session.add(agent)
            session.flush()
            return load_snapshot(session, agent)
    # Reached for every refusal, after the failure count is committed.
    raise AuthenticationError(SIGN_IN_REFUSED)


def register_failure(agent: Agent) -> None:
    """Count a failed proof of a password; lock on the fifth."""
    agent.failed_logins += 1
    if agent.failed_logins >= MAX_FAILED_LOGINS and not agent.locked:
        agent.locked = True
        log.warning(
            "account %s locked after %d failed sign-ins",
            agent.login,
            agent.failed_logins,
        )


def dummy_hash() -> str:
    """A hash of nothing in particular, made once."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("amp-tui: no such account"))
    return _DUMMY_HASH[0]


def actor_for(snapshot: AccountSnapshot) -> Actor:
    """The actor acting as a signed-in agent."""
    return Actor(login=snapshot.login, role=snapshot.role, agent_id=snapshot.id)
