"""consent and visibility: link codes are confirmed, invites are part of a conversation's identity, blocks withhold messages

Revision ID: 0006
Revises: 0005
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Confirmable link codes, wrong-code throttling, invites tied to their message, withheld messages."""
    with op.batch_alter_table("link_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirm_account_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirm_token", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_link_codes_confirm_account_id_accounts"), "accounts", ["confirm_account_id"], ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(batch_op.f("uq_link_codes_confirm_token"), ["confirm_token"])
    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_attempts")),
    )
    with op.batch_alter_table("failed_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_failed_attempts_key", ["key", "at"], unique=False)
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invites_message_id_messages"), "messages", ["message_id"], ["id"], ondelete="SET NULL",
        )
    op.create_table(
        "withheld_messages",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_withheld_messages_message_id_messages"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_withheld_messages_person_id_persons"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "person_id", name=op.f("pk_withheld_messages")),
    )
    with op.batch_alter_table("withheld_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withheld_messages_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        # Read positions and inbox lines come from the messages themselves: no shared "last message" to race on.
        batch_op.drop_column("last_message_id")
        batch_op.alter_column("members_key", existing_type=sa.String(length=400), type_=sa.String(length=2000))
    _key_pending_invites()


def _key_pending_invites() -> None:
    # A conversation waiting for invitees is a different set of people from the one without them.
    bind = op.get_bind()
    pending = bind.execute(sa.text(
        "SELECT conversation_id, invitee_handle FROM invites WHERE redeemed_by IS NULL ORDER BY conversation_id"
    )).all()
    handles: dict[int, set[str]] = {}
    for conversation_id, handle in pending:
        handles.setdefault(conversation_id, set()).add(handle)
    for conversation_id, invited in handles.items():
        people = bind.execute(sa.text(
            "SELECT person_id FROM participants WHERE conversation_id = :c ORDER BY person_id"
        ), {"c": conversation_id}).scalars().all()
        key = ",".join(str(p) for p in people) + "+" + ",".join(sorted(invited))
        bind.execute(sa.text("UPDATE conversations SET members_key = :k WHERE id = :c"), {"k": key, "c": conversation_id})


def downgrade() -> None:
    """Back to 0005 (withheld messages, attempts and confirmations are forgotten)."""
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.alter_column("members_key", existing_type=sa.String(length=2000), type_=sa.String(length=400))
        batch_op.add_column(sa.Column("last_message_id", sa.Integer(), nullable=True))
    op.execute("UPDATE conversations SET last_message_id = (SELECT max(id) FROM messages WHERE messages.conversation_id = conversations.id)")
    with op.batch_alter_table("withheld_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withheld_messages_person_id"))
    op.drop_table("withheld_messages")
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_invites_message_id_messages"), type_="foreignkey")
        batch_op.drop_column("message_id")
    with op.batch_alter_table("failed_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_failed_attempts_key")
    op.drop_table("failed_attempts")
    with op.batch_alter_table("link_codes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_link_codes_confirm_token"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_link_codes_confirm_account_id_accounts"), type_="foreignkey")
        batch_op.drop_column("confirm_token")
        batch_op.drop_column("confirm_account_id")
