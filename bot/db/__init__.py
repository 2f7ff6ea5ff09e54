"""The service's database: engine, schema and Alembic migrations."""
