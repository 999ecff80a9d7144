-- The next batch of an export's cursor: memory stays bounded by one batch of rows.
FETCH 5000 FROM hltwap_export
