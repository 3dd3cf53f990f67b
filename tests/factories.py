"""Small factories for service tests: an entity and accounts in a few words."""

from __future__ import annotations

from amp_tui.accounts import create_account
from amp_tui.database import Database
from amp_tui.models import Entity, Role
from amp_tui.snapshots import AccountSnapshot, Actor

SUPPORT = Actor(login="support.test", role="support")
PASSWORD = "Solide-Passe-2026"


def add_entity(db: Database, sigle: str = "CEA", nom: str = "Collectivité") -> int:
    """Create an entity and return its id."""
    with db.session(write=True) as session:
        entity = Entity(sigle=sigle, nom=nom)
        session.add(entity)
        session.flush()
        assert entity.id is not None
        return entity.id


def add_agent(
    db: Database,
    login: str,
    *,
    email: str | None = None,
    entite: str = "CEA",
    role: Role = Role.BUYER,
    nom: str = "DUPONT",
    prenom: str = "Jeanne",
) -> AccountSnapshot:
    """Create an account through the service, as support staff would."""
    return create_account(
        db,
        actor=SUPPORT,
        login=login,
        email=email or f"{login}@example.fr",
        nom=nom,
        prenom=prenom,
        password=PASSWORD,
        entite=entite,
        role=role,
    )
