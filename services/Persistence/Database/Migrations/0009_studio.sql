-- The studio (docs/api.md, "Drafts, publishing and rollback"). A version keeps what validation found in it: a draft
-- with errors may be saved, but neither published nor started. The findings are kept worded in every language of
-- the catalogue (locale → {errors, warnings}), so that a stored result still reads in the reader's language.
-- Versions stored before this passed validation when they were uploaded (error_count 0); their warnings were not
-- kept (warning_count and findings NULL) until a publish checks them again.
ALTER TABLE script_versions ADD COLUMN error_count int NOT NULL DEFAULT 0;
ALTER TABLE script_versions ADD COLUMN warning_count int;
ALTER TABLE script_versions ADD COLUMN findings jsonb;

-- The current version: what a session that names no version starts. Publishing sets it, a rollback moves it to an
-- earlier published version. Until now new sessions ran the latest published version, so that is where it starts.
ALTER TABLE scripts ADD COLUMN current_version int;
UPDATE scripts s SET current_version = (
    SELECT max(v.version) FROM script_versions v WHERE v.script_id = s.id AND v.published_at IS NOT NULL);
ALTER TABLE scripts ADD CONSTRAINT scripts_current_version_fk
    FOREIGN KEY (id, current_version) REFERENCES script_versions (script_id, version);

-- An author's review of the sessions on their scripts, newest first.
CREATE INDEX ix_sessions_script_created ON sessions (script_id, created_at DESC, id DESC) WHERE status <> 'deleted';
