-- An export reads in one snapshot: every statement until the commit sees the same data, however
-- long the client takes to read the file.
BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY
