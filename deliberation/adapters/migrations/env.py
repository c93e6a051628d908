"""Alembic environment: uses the engine handed over by ``database.upgrade``."""

from alembic import context

from deliberation.adapters.orm import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
