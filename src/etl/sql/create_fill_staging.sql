-- The fills loader's staging table, dropped at commit: twap_fill's columns with their types (so
-- they cannot drift from the table) and no constraints, plus ord, the row's position in its
-- file. The COPY fills the columns the fills loader stages (kFillColumns in
-- src/etl/fill_loader.cc); s3_object_key and inserted_at stay NULL here.

CREATE TEMPORARY TABLE fill_staging ON COMMIT DROP AS
SELECT 0::bigint AS ord, f.*
FROM twap_fill AS f
WITH NO DATA
