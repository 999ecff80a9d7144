-- The versions of the migrations applied to this database.

SELECT version FROM schema_migrations
