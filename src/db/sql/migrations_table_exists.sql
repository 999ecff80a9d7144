-- Whether schema_migrations exists (a catalog read: no lock on any table).

SELECT to_regclass('schema_migrations') IS NOT NULL
