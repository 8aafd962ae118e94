"""live first, uncertain deliveries: live messages are claimed before digests; a send that timed out after reaching the platform is tried once more

Revision ID: 0007
Revises: 0006
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Deliveries remember whether an attempt may have arrived unanswered; live ones are indexed."""
    live = sa.text("status = 'pending' AND kind <> 'digest'")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uncertain", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index("ix_deliveries_live", ["platform", "chat_id"], unique=False,
                              postgresql_where=live, sqlite_where=live)


def downgrade() -> None:
    """Forget it."""
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_live")
        batch_op.drop_column("uncertain")
