"""index closed invoices for dso

Revision ID: 5c1e0a9d7f32
Revises: b4ae5fbf13e0
Create Date: 2026-11-22 20:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e0a9d7f32"
down_revision = "b4ae5fbf13e0"
branch_labels = None
depends_on = None

CLOSED = "cancelled_on IS NOT NULL OR written_off_on IS NOT NULL"


def upgrade():
    # the DSO's daily ledger finds cancelled and written-off invoices without a table scan
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoices_org_id_closed",
            ["org_id", "currency"],
            unique=False,
            postgresql_where=sa.text(CLOSED),
        )


def downgrade():
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_org_id_closed")
