-- Who may change a script: its creator (owner_id; NULL for the samples and for scripts stored before roles, which
-- only admins may change), plus the authors it is shared with.
ALTER TABLE scripts ADD COLUMN owner_id text;

CREATE TABLE script_shares (
    script_id text NOT NULL REFERENCES scripts (id),
    user_id   text NOT NULL,
    shared_by text NOT NULL,
    shared_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (script_id, user_id)
);

-- A version reaches clients only once published. Everything stored before this was already in use by everyone,
-- so it counts as published.
ALTER TABLE script_versions ADD COLUMN published_at timestamptz;
ALTER TABLE script_versions ADD COLUMN published_by text;
UPDATE script_versions SET published_at = created_at;
CREATE INDEX ix_script_versions_published ON script_versions (script_id, version DESC) WHERE published_at IS NOT NULL;
