"""image types: a pin's picture is known by its first bytes, so platforms get only the types they take

Revision ID: 0008
Revises: 0007
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Pins remember what their image is (unknown for the ones from before)."""
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_type", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Forget it."""
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.drop_column("image_type")
