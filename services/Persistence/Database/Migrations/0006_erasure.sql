-- Erasure: a session's messages, turns (with their debug records) and variable changes are deleted; its row stays
-- as a tombstone (ids, script, status and times; no state, variables or position) so that a late turn of the
-- session can never bring it back, and erased_at says when.
ALTER TABLE sessions ADD COLUMN erased_at timestamptz;
CREATE INDEX ix_sessions_erased ON sessions (erased_at) WHERE erased_at IS NOT NULL;
-- The retention job looks for finished sessions not yet erased, oldest first.
CREATE INDEX ix_sessions_retention ON sessions (updated_at)
    WHERE erased_at IS NULL AND status IN ('completed', 'failed', 'deleted');
-- Erasing all of a user's data finds their sessions by user (ix_sessions_user_created serves it).
