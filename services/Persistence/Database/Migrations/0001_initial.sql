-- Scripts: one row per script, one immutable row per version.
CREATE TABLE scripts (
    id             text PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('session', 'technique')),
    name           text,
    latest_version int  NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz
);

CREATE TABLE script_versions (
    script_id  text NOT NULL REFERENCES scripts (id),
    version    int  NOT NULL,
    yaml       text NOT NULL,
    parsed     jsonb,
    author     text,
    notes      text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (script_id, version)
);

CREATE TABLE sessions (
    id               uuid PRIMARY KEY,
    user_id          text   NOT NULL,
    script_id        text   NOT NULL,
    script_version   int    NOT NULL,
    status           text   NOT NULL CHECK (status IN ('active', 'completed', 'failed', 'deleted')),
    execution_status text   NOT NULL CHECK (execution_status IN ('running', 'waiting_input', 'completed', 'error')),
    position         jsonb  NOT NULL,
    state            jsonb  NOT NULL,
    variables        jsonb  NOT NULL DEFAULT '{}',
    version          bigint NOT NULL,
    last_seq         bigint NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    FOREIGN KEY (script_id, script_version) REFERENCES script_versions (script_id, version)
);
CREATE INDEX ix_sessions_user_created ON sessions (user_id, created_at DESC);
CREATE INDEX ix_sessions_user_status ON sessions (user_id, status);
CREATE INDEX ix_sessions_user_script ON sessions (user_id, script_id);

CREATE TABLE messages (
    id         uuid   PRIMARY KEY,
    session_id uuid   NOT NULL REFERENCES sessions (id),
    seq        bigint NOT NULL,
    role       text   NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content    text   NOT NULL,
    action_id  text,
    metadata   jsonb,
    created_at timestamptz NOT NULL,
    UNIQUE (session_id, seq)
);

-- One row per turn: the turn.completed event of the protocol, numbered in the same sequence as messages.
CREATE TABLE turns (
    session_id        uuid   NOT NULL REFERENCES sessions (id),
    turn              int    NOT NULL,
    seq               bigint NOT NULL,
    client_message_id text,
    execution_status  text   NOT NULL,
    position          jsonb  NOT NULL,
    changed_variables jsonb  NOT NULL,
    debug             jsonb,
    error             jsonb,
    completed_at      timestamptz NOT NULL,
    PRIMARY KEY (session_id, turn),
    UNIQUE (session_id, seq)
);

CREATE TABLE variable_changes (
    session_id    uuid NOT NULL REFERENCES sessions (id),
    turn          int  NOT NULL,
    ordinal       int  NOT NULL,
    name          text NOT NULL,
    scope         text NOT NULL,
    old_value     jsonb,
    new_value     jsonb,
    source_action text,
    changed_at    timestamptz NOT NULL,
    PRIMARY KEY (session_id, turn, ordinal)
);
CREATE INDEX ix_variable_changes_name ON variable_changes (session_id, name);
