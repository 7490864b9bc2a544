-- The event store's tables. "{schema}" is replaced by the configured schema name.

CREATE SCHEMA IF NOT EXISTS {schema};

-- One row per stream: its current version is the optimistic-concurrency token.
CREATE TABLE {schema}.streams (
    id          text        PRIMARY KEY,
    type        text        NULL,
    tenant_id   text        NULL,
    version     bigint      NOT NULL,
    created     timestamptz NOT NULL,
    updated     timestamptz NOT NULL
);

CREATE SEQUENCE {schema}.event_seq AS bigint;

-- Every append takes its transaction id *before* it takes a sequence number.
-- The high-water mark relies on that: once every transaction that was running
-- when a sequence value was handed out has ended, a hole below it is dead.
CREATE FUNCTION {schema}.next_event_seq() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_current_xact_id();
    RETURN nextval('{schema}.event_seq');
END $$;

CREATE TABLE {schema}.events (
    seq             bigint      PRIMARY KEY DEFAULT {schema}.next_event_seq(),
    id              uuid        NOT NULL,
    stream_id       text        NOT NULL REFERENCES {schema}.streams (id),
    version         bigint      NOT NULL,
    type            text        NOT NULL,
    data            jsonb       NOT NULL,
    tenant_id       text        NULL,
    actor           text        NULL,
    correlation_id  text        NULL,
    causation_id    text        NULL,
    timestamp       timestamptz NOT NULL,
    tx_id           xid8        NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT events_id_unique UNIQUE (id),
    -- Backstop for optimistic concurrency: two appends can never share a version.
    CONSTRAINT events_stream_version_unique UNIQUE (stream_id, version)
);

CREATE INDEX events_tenant_seq ON {schema}.events (tenant_id, seq);

-- One row per async projection: the last sequence number it has applied.
CREATE TABLE {schema}.projection_progress (
    name        text        PRIMARY KEY,
    last_seq    bigint      NOT NULL DEFAULT 0,
    updated     timestamptz NOT NULL DEFAULT now()
);

-- Appends a batch of events to one stream in a single statement.
-- p_expected: -1 appends whatever the version, 0 starts a new stream, N > 0 requires
-- the stream to be at exactly N. A mismatch raises SQLSTATE ES409 and writes nothing.
-- Concurrent appends to one stream queue on its row lock, then re-check the version;
-- appends to different streams never wait for each other.
CREATE FUNCTION {schema}.append_events(
    p_stream_id      text,
    p_stream_type    text,
    p_tenant_id      text,
    p_expected       bigint,
    p_ids            uuid[],
    p_types          text[],
    p_data           jsonb[],
    p_actor          text,
    p_correlation_id text,
    p_causation_id   text,
    p_timestamp      timestamptz)
RETURNS TABLE (event_id uuid, event_seq bigint, event_version bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_count  bigint := cardinality(p_ids);
    v_last   bigint;
    v_actual bigint;
BEGIN
    IF p_expected = 0 THEN
        INSERT INTO {schema}.streams AS s (id, type, tenant_id, version, created, updated)
        VALUES (p_stream_id, p_stream_type, p_tenant_id, v_count, p_timestamp, p_timestamp)
        ON CONFLICT (id) DO NOTHING
        RETURNING s.version INTO v_last;
    ELSIF p_expected > 0 THEN
        UPDATE {schema}.streams AS s
           SET version = s.version + v_count, updated = p_timestamp
         WHERE s.id = p_stream_id AND s.version = p_expected
        RETURNING s.version INTO v_last;
    ELSE
        INSERT INTO {schema}.streams AS s (id, type, tenant_id, version, created, updated)
        VALUES (p_stream_id, p_stream_type, p_tenant_id, v_count, p_timestamp, p_timestamp)
        ON CONFLICT (id) DO UPDATE SET version = s.version + v_count, updated = p_timestamp
        RETURNING s.version INTO v_last;
    END IF;

    IF v_last IS NULL THEN
        SELECT s.version INTO v_actual FROM {schema}.streams s WHERE s.id = p_stream_id;
        RAISE EXCEPTION 'stream % expected at version % but is at %', p_stream_id, p_expected, coalesce(v_actual, 0)
            USING ERRCODE = 'ES409', DETAIL = coalesce(v_actual, 0)::text;
    END IF;

    RETURN QUERY
    INSERT INTO {schema}.events AS e
        (id, stream_id, version, type, data, tenant_id, actor, correlation_id, causation_id, timestamp)
    SELECT n.id, p_stream_id, v_last - v_count + n.ord, n.type, n.data,
           p_tenant_id, p_actor, p_correlation_id, p_causation_id, p_timestamp
      FROM unnest(p_ids, p_types, p_data) WITH ORDINALITY AS n (id, type, data, ord)
     ORDER BY n.ord
    RETURNING e.id, e.seq, e.version;
END $$;
