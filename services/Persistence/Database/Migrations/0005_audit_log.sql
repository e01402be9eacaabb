-- The audit trail: who created, changed, published, shared, deleted or erased which script or session, and every
-- admin action. Ids, names and times only, never conversation content (it must outlive an erasure). Append-only:
-- the table itself refuses UPDATE, DELETE and TRUNCATE, whoever asks.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text   NOT NULL,
    actor_roles text[] NOT NULL,
    action      text   NOT NULL,
    object_type text   NOT NULL CHECK (object_type IN ('script', 'session', 'user', 'audit')),
    object_id   text   NOT NULL,
    details     jsonb
);
CREATE INDEX ix_audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, at DESC, id DESC);
CREATE INDEX ix_audit_log_object ON audit_log (object_type, object_id, at DESC, id DESC);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
