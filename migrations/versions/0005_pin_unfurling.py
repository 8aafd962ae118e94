"""pin unfurling: read each link's page once, in the background

Revision ID: 0005
Revises: 0004
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Pins remember whether their link's page was read (title, description, image)."""
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unfurl_state", sa.String(length=10), server_default="pending", nullable=False))
        batch_op.add_column(sa.Column("unfurled_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pins_unfurl_state"), ["unfurl_state"], unique=False)
    # Pins from before previews are left as they are: no fetching every old link on the first start.
    op.execute("UPDATE pins SET unfurl_state = 'done'")


def downgrade() -> None:
    """Forget the unfurl bookkeeping."""
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pins_unfurl_state"))
        batch_op.drop_column("unfurled_at")
        batch_op.drop_column("unfurl_state")
