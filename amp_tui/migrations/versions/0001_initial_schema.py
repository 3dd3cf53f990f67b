"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import amp_tui.models

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "entity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sigle", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("nom", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["entity.id"], name=op.f("fk_entity_parent_id_entity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity")),
        sa.UniqueConstraint("sigle", name=op.f("uq_entity_sigle")),
    )
    op.create_table(
        "region",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("nom", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )
    op.create_table(
        "departement",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("nom", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("zone", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column(
            "region_code", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_departement_region_code_region"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_departement")),
    )
    op.create_table(
        "entity_transverse",
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "entity_id < other_id", name=op.f("ck_entity_transverse_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entity.id"],
            name=op.f("fk_entity_transverse_entity_id_entity"),
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["entity.id"],
            name=op.f("fk_entity_transverse_other_id_entity"),
        ),
        sa.PrimaryKeyConstraint(
            "entity_id", "other_id", name=op.f("pk_entity_transverse")
        ),
    )
    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("nom", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_service_entity_id_entity")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["service.id"], name=op.f("fk_service_parent_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "agent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "login", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        ),
        sa.Column("nom", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column(
            "prenom", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False
        ),
        sa.Column(
            "email", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False
        ),
        sa.Column(
            "email_key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        ),
        sa.Column(
            "telephone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True
        ),
        sa.Column(
            "telecopieur", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True
        ),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column(
            "password_hash",
            sqlmodel.sql.sqltypes.AutoString(length=255),
            nullable=False,
        ),
        sa.Column("guest_own_entity", sa.Boolean(), nullable=False),
        sa.Column("guest_dependent_entities", sa.Boolean(), nullable=False),
        sa.Column("guest_transverse_entities", sa.Boolean(), nullable=False),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column(
            "created_at", amp_tui.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", amp_tui.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("role IN ('buyer', 'support')", name=op.f("ck_agent_role")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_agent_version")),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_agent_entity_id_entity")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_agent_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent")),
        sa.UniqueConstraint("email_key", name=op.f("uq_agent_email_key")),
        sa.UniqueConstraint("login", name=op.f("uq_agent_login")),
    )
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_entity_id"), ["entity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agent_search_key"), ["search_key"], unique=False
        )

    op.create_table(
        "account_association",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("secondary_id", sa.Integer(), nullable=False),
        sa.Column(
            "status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False
        ),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column(
            "created_at", amp_tui.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('en_attente', 'approuve')",
            name=op.f("ck_account_association_status"),
        ),
        sa.CheckConstraint(
            "principal_id <> secondary_id", name=op.f("ck_account_association_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["agent.id"],
            name=op.f("fk_account_association_principal_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["secondary_id"],
            ["agent.id"],
            name=op.f("fk_account_association_secondary_id_agent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_association")),
        sa.UniqueConstraint("principal_id", "secondary_id", name="pair"),
    )
    op.create_table(
        "agent_alert",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_agent_alert_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("agent_id", "key", name=op.f("pk_agent_alert")),
    )
    op.create_table(
        "agent_departement",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column(
            "departement_code",
            sqlmodel.sql.sqltypes.AutoString(length=3),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_agent_departement_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["departement_code"],
            ["departement.code"],
            name=op.f("fk_agent_departement_departement_code_departement"),
        ),
        sa.PrimaryKeyConstraint(
            "agent_id", "departement_code", name=op.f("pk_agent_departement")
        ),
    )
    op.create_table(
        "agent_search_token",
        sa.Column(
            "token",
            sa.String(length=255).with_variant(
                sa.String(length=255, collation="C"), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_agent_search_token_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "token", "agent_id", name=op.f("pk_agent_search_token")
        ),
    )
    with op.batch_alter_table("agent_search_token", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agent_search_token_agent_id_token", ["agent_id", "token"], unique=False
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", amp_tui.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "actor_login", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        ),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column(
            "agent_login", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        ),
        sa.Column(
            "action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_audit_event_agent_id_agent"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_agent_id"), ["agent_id"], unique=False
        )

    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "reference", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False
        ),
        sa.Column(
            "title", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        ),
        sa.Column("objet", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=True),
        sa.Column("phase", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("deadline", amp_tui.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "procedure", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False
        ),
        sa.Column(
            "category", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False
        ),
        sa.Column("allotie", sa.Boolean(), nullable=False),
        sa.Column("retraits", sa.Integer(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("depots", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", amp_tui.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "phase IN ('E', 'V', 'C', 'OA', 'D')", name=op.f("ck_consultation_phase")
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["agent.id"], name=op.f("fk_consultation_creator_id_agent")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entity.id"], name=op.f("fk_consultation_entity_id_entity")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
        sa.UniqueConstraint("reference", name=op.f("uq_consultation_reference")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_entity_id"), ["entity_id"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", amp_tui.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column(
            "recipient", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False
        ),
        sa.Column(
            "subject", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
        ),
        sa.Column(
            "next_attempt_at", amp_tui.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("sent_at", amp_tui.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_outbox_agent_id_agent"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_status"), ["status"], unique=False)

    op.create_table(
        "favourite",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["agent.id"],
            name=op.f("fk_favourite_agent_id_agent"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_favourite_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "agent_id", "consultation_id", name=op.f("pk_favourite")
        ),
    )


def downgrade() -> None:
    op.drop_table("favourite")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_status"))

    op.drop_table("outbox")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_entity_id"))

    op.drop_table("consultation")
    with op.batch_alter_table("agent_search_token", schema=None) as batch_op:
        batch_op.drop_index("ix_agent_search_token_agent_id_token")

    op.drop_table("agent_search_token")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_agent_id"))

    op.drop_table("audit_event")
    op.drop_table("agent_departement")
    op.drop_table("agent_alert")
    op.drop_table("account_association")
    with op.batch_alter_table("agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_search_key"))
        batch_op.drop_index(batch_op.f("ix_agent_entity_id"))

    op.drop_table("agent")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_entity_id"))

    op.drop_table("service")
    op.drop_table("entity_transverse")
    op.drop_table("departement")
    op.drop_table("region")
    op.drop_table("entity")
