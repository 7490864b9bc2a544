-- The sealed ledger: one SHA-256 hash chain per organization over its events, in sequence order. Written by
-- LedgerSealer (an async projection) through ledger_seal(), read by the export. docs/ledger.md specifies the bytes
-- and the chain rule; change neither here without a new migration and a new format version.

-- The bytes an entry's hash covers, built by PostgreSQL from the events row alone, so sealing and every later
-- export produce the same bytes for an unchanged row (and different bytes for an edited one). A JSON object with
-- its members in this fixed order; text values escaped by to_json, "data" in jsonb's canonical text form (keys
-- sorted by length then bytes, ", " and ": " separators, numbers as stored). Built by concatenation rather than
-- jsonb_build_object: that re-encodes "data" and took twice as long. Correlation and causation ids and the
-- transaction id are left out on purpose: they are diagnostics and could carry secrets.
CREATE FUNCTION ledger_entry(p_position bigint, e es.events) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT '{"org":' || to_json(e.tenant_id)::text
        || ',"position":' || p_position
        || ',"seq":' || e.seq
        || ',"id":"' || e.id
        || '","stream":' || to_json(e.stream_id)::text
        || ',"version":' || e.version
        || ',"type":' || to_json(e.type)::text
        || ',"time":"' || to_char(e.timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || '","actor":' || coalesce(to_json(e.actor)::text, 'null')
        || ',"data":' || e.data::text
        || '}'
$$;

-- One row per sealed event. prev is the previous entry's hash (64 zeros at position 1), kept so that an export
-- line comes from one row. Lowercase hex: what was sealed is stored, and never recomputed on read.
CREATE TABLE ledger_entries (
    org_id      uuid    NOT NULL,
    position    bigint  NOT NULL,
    seq         bigint  NOT NULL,
    hash        text    NOT NULL,
    prev        text    NOT NULL,
    PRIMARY KEY (org_id, position),
    -- Backstop: an event is sealed once, in one chain.
    CONSTRAINT ledger_entries_seq_unique UNIQUE (seq),
    CONSTRAINT ledger_entries_hex CHECK (length(hash) = 64 AND length(prev) = 64)
);

-- Each organization's latest entry: where its chain continues, and what the ledger page shows.
CREATE TABLE ledger_heads (
    org_id      uuid    PRIMARY KEY,
    position    bigint  NOT NULL,
    seq         bigint  NOT NULL,
    hash        text    NOT NULL
);

-- Seals the organization events among p_seqs (one daemon batch): each goes to the end of its organization's chain,
-- in sequence order, with hash = sha256(utf8(prev || E'\n' || entry)) in lowercase hex. One call per batch keeps
-- sealing a thousand events to one round trip; the daemon's transaction makes it exactly-once.
CREATE FUNCTION ledger_seal(p_seqs bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r           record;
    v_org       uuid;
    v_prev      text;
    v_n         integer := 0;
    v_orgs      uuid[];
    v_positions bigint[];
    v_seqs      bigint[];
    v_hashes    text[];
    v_prevs     text[];
BEGIN
    FOR r IN
        SELECT b.org, b.position, b.seq, b.head, ledger_entry(b.position, b.e) AS entry
          FROM (SELECT e.tenant_id::uuid AS org, e.tenant_id, e.seq, e,
                       coalesce(h.position, 0) + row_number() OVER (PARTITION BY e.tenant_id ORDER BY e.seq) AS position,
                       coalesce(h.hash, repeat('0', 64)) AS head
                  FROM es.events e
                  LEFT JOIN ledger_heads h ON h.org_id = e.tenant_id::uuid
                 -- The caller passes organization events only (tenant id = the organization's uuid): checking
                 -- that again here with a regular expression cost a fifth of the sealing time.
                 WHERE e.seq = ANY (p_seqs) AND e.tenant_id IS NOT NULL) b
         ORDER BY b.tenant_id, b.seq
    LOOP
        IF v_org IS DISTINCT FROM r.org THEN
            v_org := r.org;
            v_prev := r.head;
        END IF;
        v_n := v_n + 1;
        v_orgs[v_n] := r.org;
        v_positions[v_n] := r.position;
        v_seqs[v_n] := r.seq;
        v_prevs[v_n] := v_prev;
        v_prev := encode(sha256(convert_to(v_prev || E'\n' || r.entry, 'UTF8')), 'hex');
        v_hashes[v_n] := v_prev;
    END LOOP;

    IF v_n > 0 THEN
        INSERT INTO ledger_entries (org_id, position, seq, hash, prev)
        SELECT * FROM unnest(v_orgs, v_positions, v_seqs, v_hashes, v_prevs);

        INSERT INTO ledger_heads AS h (org_id, position, seq, hash)
        SELECT DISTINCT ON (n.org) n.org, n.position, n.seq, n.hash
          FROM unnest(v_orgs, v_positions, v_seqs, v_hashes) AS n (org, position, seq, hash)
         ORDER BY n.org, n.position DESC
        ON CONFLICT (org_id) DO UPDATE SET position = excluded.position, seq = excluded.seq, hash = excluded.hash;
    END IF;
    RETURN v_n;
END $$;
