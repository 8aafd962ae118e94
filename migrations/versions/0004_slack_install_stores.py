"""slack install stores: slack_sdk's installation, bot and OAuth state tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000

The tables are built from slack_sdk's own definitions (the same classmethods its
stores use), so they match what SQLAlchemyInstallationStore and
SQLAlchemyOAuthStateStore read and write in the slack_sdk version pinned in
requirements.txt. A slack_sdk upgrade that changes them needs a new migration.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _metadata() -> sa.MetaData:
    metadata = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(metadata, SQLAlchemyInstallationStore.default_installations_table_name)
    SQLAlchemyInstallationStore.build_bots_table(metadata, SQLAlchemyInstallationStore.default_bots_table_name)
    SQLAlchemyOAuthStateStore.build_oauth_states_table(metadata, SQLAlchemyOAuthStateStore.default_table_name)
    return metadata


def upgrade() -> None:
    """Upgrade schema."""
    _metadata().create_all(op.get_bind())


def downgrade() -> None:
    """Downgrade schema."""
    _metadata().drop_all(op.get_bind())
