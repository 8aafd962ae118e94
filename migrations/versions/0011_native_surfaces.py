"""native surfaces: edits and deletes that follow a message's copies, App Home refreshes, languages

Revision ID: 0011
Revises: 0010
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("home_opened_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("edits", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copy_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("shown", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_deliveries_copy_of"), ["copy_of"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_deliveries_copy_of_deliveries"), "deliveries", ["copy_of"], ["id"], ondelete="CASCADE",
        )
    op.create_table(
        "message_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("remote_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("edited_stamp", sa.String(length=24), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_message_sources_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_message_sources_message_id_messages"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_sources")),
        sa.UniqueConstraint("platform", "chat_id", "remote_id", name=op.f("uq_message_sources_platform_chat_id_remote_id")),
    )
    with op.batch_alter_table("message_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_sources_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("message_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_sources_message_id"))
    op.drop_table("message_sources")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_deliveries_copy_of_deliveries"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_deliveries_copy_of"))
        batch_op.drop_column("shown")
        batch_op.drop_column("copy_of")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("edits")
        batch_op.drop_column("edited_at")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("home_opened_at")
        batch_op.drop_column("locale")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("language")
