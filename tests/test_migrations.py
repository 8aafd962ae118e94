"""The migrations and the models describe the same schema."""

from alembic import command
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


def test_0009_turns_both_into_every_account_and_keeps_a_single_choice(tmp_path):
    from sqlalchemy import text

    from core.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, "0008")
    with engine.begin() as connection:
        for n, choice in enumerate(("both", "slack", "telegram", None)):
            connection.execute(text(
                "INSERT INTO persons (handle, display_name, deliver_to, digest_anchor, created_at) "
                "VALUES (:h, :h, :c, '2026-01-01', '2026-01-01')"), {"h": f"p{n}", "c": choice})

    migrate.upgrade(engine)

    with engine.begin() as connection:
        chosen = connection.execute(text("SELECT deliver_to FROM persons ORDER BY handle")).scalars().all()
        assert chosen == [None, "slack", "telegram", None], "both is every account; one platform stays one"
        connection.execute(text("UPDATE persons SET deliver_to = 'slack,telegram' WHERE handle = 'p1'"))
    config = migrate.alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT deliver_to FROM persons WHERE handle = 'p1'")).scalar() == "both"
    engine.dispose()
