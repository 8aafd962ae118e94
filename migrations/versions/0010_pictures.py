"""pictures Pinbridge keeps: content-addressed, normalised; a pin points at its own; files a platform holds

Revision ID: 0010
Revises: 0009
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "pictures",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=16), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_pictures")),
    )
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pictures_used_at"), ["used_at"], unique=False)
    op.create_table(
        "uploads",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("remote_id", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "source_key", name=op.f("pk_uploads")),
    )
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("picture_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("picture_type", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("picture_width", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("picture_height", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pins_picture_key"), ["picture_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pins_picture_key"))
        batch_op.drop_column("picture_height")
        batch_op.drop_column("picture_width")
        batch_op.drop_column("picture_type")
        batch_op.drop_column("picture_key")
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pictures_used_at"))
    op.drop_table("pictures")
    op.drop_table("uploads")
