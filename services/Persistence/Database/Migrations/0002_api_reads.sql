-- The HTTP API's reads. Sessions are soft-deleted: the row stays (status 'deleted') so that the transcript
-- can be audited and a late turn of the session cannot bring it back.
ALTER TABLE sessions ADD COLUMN deleted_at timestamptz;

-- "My sessions", newest first, optionally filtered by status or by script: each filter has an index that
-- serves both the WHERE and the ORDER BY, so a page is read without sorting the user's whole history.
DROP INDEX ix_sessions_user_created;
DROP INDEX ix_sessions_user_status;
DROP INDEX ix_sessions_user_script;
CREATE INDEX ix_sessions_user_created ON sessions (user_id, created_at DESC, id DESC);
CREATE INDEX ix_sessions_user_status_created ON sessions (user_id, status, created_at DESC, id DESC);
CREATE INDEX ix_sessions_user_script_created ON sessions (user_id, script_id, created_at DESC, id DESC);

-- Variable history of one variable, in turn order.
DROP INDEX ix_variable_changes_name;
CREATE INDEX ix_variable_changes_name ON variable_changes (session_id, name, turn, ordinal);

-- The script list filters live scripts by kind.
CREATE INDEX ix_scripts_kind ON scripts (kind, id) WHERE deleted_at IS NULL;
