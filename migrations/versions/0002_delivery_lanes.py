"""delivery lanes: per-chat leases, pacing and Retry-After

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:09:47.166162

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('lanes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lanes')),
    sa.UniqueConstraint('platform', 'chat_id', name=op.f('uq_lanes_platform_chat_id'))
    )
    with op.batch_alter_table('lanes', schema=None) as batch_op:
        batch_op.create_index('ix_lanes_ready', ['not_before'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('lanes', schema=None) as batch_op:
        batch_op.drop_index('ix_lanes_ready')

    op.drop_table('lanes')
