-- Every turn rewrites the session's engine state and stores the turn's debug record (its LLM prompts): a few
-- kilobytes each, compressed when they are moved out of line. pglz, the default, was the largest single cost of
-- the database's CPU per turn (docs/benchmarks.md); lz4 compresses about as well at a fraction of the CPU.
-- Values already stored keep their compression; new ones use lz4.
ALTER TABLE sessions ALTER COLUMN state SET COMPRESSION lz4;
ALTER TABLE sessions ALTER COLUMN variables SET COMPRESSION lz4;
ALTER TABLE turns ALTER COLUMN debug SET COMPRESSION lz4;
