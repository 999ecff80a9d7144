-- The loader's staging table, dropped at commit: twap_status's columns with their types (so
-- they cannot drift from the table) and no constraints, plus ord, the row's position in its
-- file, which breaks complete ties within a file. The COPY fills the columns the loader stages
-- (kStagedColumns in src/etl/loader.cc); s3_object_key and inserted_at stay NULL here.

CREATE TEMPORARY TABLE twap_staging ON COMMIT DROP AS
SELECT 0::bigint AS ord, t.*
FROM twap_status AS t
WITH NO DATA
