"""gestures: opaque button keys and pending replies

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 00:10:44.529758

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('action_keys',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_action_keys'))
    )
    with op.batch_alter_table('action_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_keys_created_at'), ['created_at'], unique=False)

    op.create_table('pending_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_replies')),
    sa.UniqueConstraint('platform', 'external_id', name=op.f('uq_pending_replies_platform_external_id'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('pending_replies')
    with op.batch_alter_table('action_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_keys_created_at'))

    op.drop_table('action_keys')
