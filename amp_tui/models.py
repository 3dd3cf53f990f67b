"""The tables of amp-tui, grouped by what they describe.

Reference geography, then entities and their services, then agents and what
hangs off an agent (alerts, places of execution, associations), then
consultations, and last the audit trail and the outbox.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp that is always timezone-aware, in UTC, on every database.

    SQLite keeps no offset, so values come back naive; this type puts UTC back.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: give a timezone")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def timestamp(*, nullable: bool = False) -> Any:
    """A UTCDateTime column, for use as a model field's ``sa_column``."""
    return Column(UTCDateTime(), nullable=nullable)


# --- Reference geography -------------------------------------------------


class Region(SQLModel, table=True):
    """A French région (INSEE COG)."""

    code: str = Field(primary_key=True, max_length=3)
    nom: str = Field(max_length=100)
    zone: str = Field(max_length=5)


class Departement(SQLModel, table=True):
    """A place of execution: a département, or an overseas collectivity.

    Collectivities (``zone == "com"``) belong to no région.
    """

    code: str = Field(primary_key=True, max_length=3)
    nom: str = Field(max_length=100)
    zone: str = Field(max_length=5)
    region_code: str | None = Field(
        default=None, foreign_key="region.code", max_length=3
    )


# --- Entities and services ----------------------------------------------


class Entity(SQLModel, table=True):
    """A public body (entité, organisme); it may depend on a parent entity."""

    id: int | None = Field(default=None, primary_key=True)
    sigle: str = Field(max_length=20, unique=True)
    nom: str = Field(max_length=255)
    parent_id: int | None = Field(default=None, foreign_key="entity.id")


class EntityTransverse(SQLModel, table=True):
    """A transverse association between two entities (pooled services).

    Stored once per pair, with the smaller id first.
    """

    __tablename__ = "entity_transverse"
    __table_args__ = (CheckConstraint("entity_id < other_id", name="ordered"),)

    entity_id: int = Field(foreign_key="entity.id", primary_key=True)
    other_id: int = Field(foreign_key="entity.id", primary_key=True)


class Service(SQLModel, table=True):
    """A unit inside an entity; services form a tree."""

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="service.id")
    nom: str = Field(max_length=255)


# --- Agents ---------------------------------------------------------------


class Role(enum.StrEnum):
    """What an agent may do: buyers edit their own accounts, support any."""

    BUYER = "buyer"
    SUPPORT = "support"


class Agent(SQLModel, table=True):
    """A buyer's or support agent's account.

    ``email_key`` is the case-folded, normalized address under a unique
    constraint, so uniqueness ignores case identically on SQLite and
    PostgreSQL. ``search_key`` is the folded text the account finder scans.
    ``version`` increases on every save and guards against lost updates.
    """

    __table_args__ = (
        CheckConstraint("role IN ('buyer', 'support')", name="role"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=255, unique=True)
    nom: str = Field(max_length=100)
    prenom: str = Field(max_length=100)
    email: str = Field(max_length=100)
    email_key: str = Field(max_length=255, unique=True)
    telephone: str | None = Field(default=None, max_length=20)
    telecopieur: str | None = Field(default=None, max_length=20)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    service_id: int | None = Field(default=None, foreign_key="service.id")
    role: str = Field(default=Role.BUYER.value, max_length=10)
    active: bool = True
    locked: bool = False
    failed_logins: int = 0
    password_hash: str = Field(max_length=255)
    guest_own_entity: bool = False
    guest_dependent_entities: bool = False
    guest_transverse_entities: bool = False
    search_key: str = Field(
        default="", sa_column=Column(Text, nullable=False, index=True)
    )
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=timestamp())
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=timestamp())
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))


class AgentAlert(SQLModel, table=True):
    """An alert an agent turned on, under its stable key; absent means off."""

    __tablename__ = "agent_alert"

    agent_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
        )
    )
    key: str = Field(primary_key=True, max_length=40)


class AgentDepartement(SQLModel, table=True):
    """A place of execution an agent prefers."""

    __tablename__ = "agent_departement"

    agent_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
        )
    )
    departement_code: str = Field(
        foreign_key="departement.code", primary_key=True, max_length=3
    )


# Byte order on every database, so that a prefix search can be a range scan
# on the index whatever collation the PostgreSQL database was created with.
SEARCH_TOKEN = String(255).with_variant(String(255, collation="C"), "postgresql")


class AgentSearchToken(SQLModel, table=True):
    """A folded word of an agent's names, login, e-mail or entity.

    The account finder looks words up by prefix here, so that a search
    costs about the same with ten thousand accounts as with a million.
    """

    __tablename__ = "agent_search_token"
    __table_args__ = (
        Index("ix_agent_search_token_agent_id_token", "agent_id", "token"),
    )

    token: str = Field(sa_column=Column(SEARCH_TOKEN, primary_key=True))
    agent_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
        )
    )


class AssociationStatus(enum.StrEnum):
    """Whether an account association is awaiting approval or approved."""

    PENDING = "en_attente"
    APPROVED = "approuve"


class AccountAssociation(SQLModel, table=True):
    """A principal account that may act as a secondary account."""

    __tablename__ = "account_association"
    __table_args__ = (
        UniqueConstraint("principal_id", "secondary_id", name="pair"),
        CheckConstraint("principal_id <> secondary_id", name="not_self"),
        CheckConstraint("status IN ('en_attente', 'approuve')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    principal_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agent.id", ondelete="CASCADE"), nullable=False
        )
    )
    secondary_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agent.id", ondelete="CASCADE"), nullable=False
        )
    )
    status: str = Field(default=AssociationStatus.PENDING.value, max_length=12)
    token: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=timestamp())


# --- Consultations ---------------------------------------------------------


class Phase(enum.StrEnum):
    """The life of a consultation, in order."""

    ELABORATION = "E"
    VALIDATION = "V"
    CONSULTATION = "C"
    OUVERTURE_ANALYSE = "OA"
    DECISION = "D"


class Consultation(SQLModel, table=True):
    """A call for tenders (consultation) published by an entity."""

    __table_args__ = (
        CheckConstraint("phase IN ('E', 'V', 'C', 'OA', 'D')", name="phase"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=50, unique=True)
    title: str = Field(max_length=255)
    objet: str = Field(default="", sa_column=Column(Text, nullable=False))
    entity_id: int = Field(foreign_key="entity.id", index=True)
    creator_id: int | None = Field(default=None, foreign_key="agent.id")
    phase: str = Field(default=Phase.ELABORATION.value, max_length=2)
    deadline: dt.datetime | None = Field(
        default=None, sa_column=timestamp(nullable=True)
    )
    procedure: str = Field(max_length=100)
    category: str = Field(max_length=50)
    allotie: bool = False
    retraits: int = 0
    questions: int = 0
    depots: int = 0
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=timestamp())


class Favourite(SQLModel, table=True):
    """A consultation an agent follows (★)."""

    agent_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("agent.id", ondelete="CASCADE"), primary_key=True
        )
    )
    # Indexed on its own so that an event finds who follows a consultation
    # without scanning every agent's favourites.
    consultation_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("consultation.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        )
    )


# --- Audit and outbox -------------------------------------------------------


class AuditEvent(SQLModel, table=True):
    """One change to one account: who, when, and the fields old → new.

    ``changes`` is JSON: ``{"field": {"old": ..., "new": ...}}``. A password
    change is recorded as ``{"mot_de_passe": {"changed": true}}``, never with
    a value.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_column=timestamp())
    actor_login: str = Field(max_length=255)
    agent_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("agent.id", ondelete="SET NULL"), index=True
        ),
    )
    agent_login: str = Field(max_length=255)
    action: str = Field(max_length=40)
    version: int | None = None
    changes: str = Field(default="{}", sa_column=Column(Text, nullable=False))


class OutboxStatus(enum.StrEnum):
    """Where a notification stands on its way to the SMTP server.

    ``claimed`` and ``sending`` belong to one sender until ``lease_until``:
    ``claimed`` before the message text is handed over (safe to send again),
    ``sending`` once it is (a crash then leaves it ``uncertain``, for support
    staff to check, rather than risk a duplicate).
    """

    PENDING = "pending"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


class OutboxMessage(SQLModel, table=True):
    """A notification waiting to be e-mailed, or already sent.

    ``kind`` is the alert key that caused it. ``lease_owner`` names the
    sender holding a ``claimed`` or ``sending`` message until ``lease_until``.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'claimed', 'sending', 'sent', 'failed', "
            "'uncertain')",
            name="status",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=timestamp())
    agent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("agent.id", ondelete="SET NULL")),
    )
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=100)
    subject: str = Field(max_length=255)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)
    next_attempt_at: dt.datetime | None = Field(
        default=None, sa_column=timestamp(nullable=True)
    )
    sent_at: dt.datetime | None = Field(
        default=None, sa_column=timestamp(nullable=True)
    )
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: dt.datetime | None = Field(
        default=None, sa_column=timestamp(nullable=True)
    )


__all__ = [
    "AccountAssociation",
    "Agent",
    "AgentAlert",
    "AgentDepartement",
    "AgentSearchToken",
    "AssociationStatus",
    "AuditEvent",
    "Consultation",
    "Departement",
    "Entity",
    "EntityTransverse",
    "Favourite",
    "OutboxMessage",
    "OutboxStatus",
    "Phase",
    "Region",
    "Role",
    "Service",
    "metadata",
    "utcnow",
]
