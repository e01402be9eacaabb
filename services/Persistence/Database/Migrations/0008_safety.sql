-- The safety net (docs/safety.md). Each turn keeps what the net saw (levels and rule ids, never the client's words);
-- a turn that gave the crisis response raises a flag for counsellors, keyed by the turn's seq so a redelivered turn
-- raises nothing twice.
ALTER TABLE turns ADD COLUMN safety jsonb;

CREATE TABLE session_flags (
    session_id           uuid        NOT NULL REFERENCES sessions (id),
    seq                  bigint      NOT NULL,
    user_id              text        NOT NULL,
    script_id            text        NOT NULL,
    risk_level           text        NOT NULL CHECK (risk_level IN ('high', 'imminent')),
    -- The queue's order: imminent (4) before high (3), then the longest waiting first.
    severity             smallint    NOT NULL,
    reason               text,
    evidence             text[]      NOT NULL,
    evidence_message_ids uuid[]      NOT NULL,
    lexicon_version      text,
    flagged_at           timestamptz NOT NULL,
    resolved_at          timestamptz,
    resolved_by          text,
    PRIMARY KEY (session_id, seq)
);
CREATE INDEX session_flags_open ON session_flags (severity DESC, flagged_at) WHERE resolved_at IS NULL;

-- A counsellor who takes a conversation over speaks as themselves (docs/safety.md).
ALTER TABLE messages DROP CONSTRAINT messages_role_check;
ALTER TABLE messages ADD CONSTRAINT messages_role_check CHECK (role IN ('user', 'assistant', 'system', 'counsellor'));
