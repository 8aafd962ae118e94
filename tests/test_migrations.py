"""The migrations and the models describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bridge import migrate
from core.models import Base

SLACK_SDK_TABLES = {"slack_installations", "slack_bots", "slack_oauth_states"}  # slack_sdk's own metadata


def test_migrated_database_matches_the_models(db):
    with db.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    meaningful = [d for d in differences if not (d[0] == "remove_table" and d[1].name in SLACK_SDK_TABLES)
                  and not (d[0] == "remove_index" and d[1].table.name in SLACK_SDK_TABLES)]
    assert meaningful == []


def test_every_migration_is_numbered_and_described(db):
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config(db))
    revisions = list(script.walk_revisions())
    assert [r.revision for r in reversed(revisions)] == [f"{n:04d}" for n in range(1, len(revisions) + 1)]
    assert all(r.doc and r.doc.strip() for r in revisions)
    assert migrate.current(db) == script.get_current_head()
