"""delivery sets: a person chooses any of their platforms ("a,b"), or all of them (NULL)

Revision ID: 0009
Revises: 0008
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Wider preference; the old "both" is every account."""
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.alter_column("deliver_to", existing_type=sa.String(length=10), type_=sa.String(length=200))
    op.execute("UPDATE persons SET deliver_to = NULL WHERE deliver_to = 'both'")


def downgrade() -> None:
    """Back to one platform or both (a choice of several becomes both)."""
    op.execute("UPDATE persons SET deliver_to = 'both' WHERE deliver_to LIKE '%,%'")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.alter_column("deliver_to", existing_type=sa.String(length=200), type_=sa.String(length=10))
