"""outbox leases and favourite lookup by consultation

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import amp_tui.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "('pending', 'claimed', 'sending', 'sent', 'failed', 'uncertain')"


def upgrade() -> None:

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "lease_owner",
                sqlmodel.sql.sqltypes.AutoString(length=100),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "lease_until",
                amp_tui.models.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_outbox_status"), f"status IN {STATUSES}"
        )

    with op.batch_alter_table("favourite", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_favourite_consultation_id"),
            ["consultation_id"],
            unique=False,
        )


def downgrade() -> None:

    # Revision 0001 knows no leases: messages in flight go back to the queue,
    # and those of uncertain fate are shown as failed.
    op.execute(
        "UPDATE outbox SET status = 'pending' WHERE status IN ('claimed', 'sending')"
    )
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'uncertain'")
    with op.batch_alter_table("favourite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_favourite_consultation_id"))

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_owner")
