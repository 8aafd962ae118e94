"""uncertain deliveries: a send that timed out after reaching the platform is tried once more, never again

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
    """Deliveries remember whether an attempt may have arrived unanswered."""
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uncertain", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    """Forget it."""
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("uncertain")
