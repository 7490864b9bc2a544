-- Read models of proposals and votes, written by VotingProjection inside the append transaction.

CREATE TABLE proposals (
    id                  uuid        PRIMARY KEY,
    org_id              uuid        NOT NULL,
    thread_id           uuid        NOT NULL,
    kind                text        NOT NULL,
    author              text        NOT NULL,
    title               text        NOT NULL,
    text                jsonb       NOT NULL,
    new_charter         jsonb       NULL,
    subject             text        NULL,
    phase               text        NOT NULL,
    revision            int         NOT NULL,
    created_at          timestamptz NOT NULL,
    discussion_ends_at  timestamptz NULL,
    opened_at           timestamptz NULL,
    closes_at           timestamptz NULL,
    closed_at           timestamptz NULL,
    -- The rules and electorate frozen when voting opened.
    charter             jsonb       NULL,
    electorate_size     int         NOT NULL DEFAULT 0,
    reveal              text        NULL,
    outcome             text        NULL,
    final_for           int         NULL,
    final_against       int         NULL,
    final_abstain       int         NULL,
    early               boolean     NULL,
    last_seq            bigint      NOT NULL
);
CREATE INDEX proposals_by_org ON proposals (org_id, phase, created_at DESC);
CREATE INDEX proposals_open_votes ON proposals (closes_at) WHERE phase = 'voting';

CREATE TABLE proposal_revisions (
    proposal_id uuid        NOT NULL REFERENCES proposals (id),
    revision    int         NOT NULL,
    text        jsonb       NOT NULL,
    new_charter jsonb       NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (proposal_id, revision)
);

CREATE TABLE amendments (
    proposal_id     uuid        NOT NULL REFERENCES proposals (id),
    contribution_id uuid        NOT NULL,
    offered_by      text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('offered', 'accepted', 'declined')),
    reason          text        NULL,
    offered_at      timestamptz NOT NULL,
    answered_at     timestamptz NULL,
    PRIMARY KEY (proposal_id, contribution_id)
);

-- The electors, fixed when voting opened.
CREATE TABLE electorate (
    proposal_id uuid NOT NULL REFERENCES proposals (id),
    handle_key  text NOT NULL,
    handle      text NOT NULL,
    PRIMARY KEY (proposal_id, handle_key)
);

-- Each elector's current vote. Under a roll-call revealed at close, choice and reason stay NULL until the reveal.
CREATE TABLE roll_call (
    proposal_id uuid        NOT NULL REFERENCES proposals (id),
    handle_key  text        NOT NULL,
    voter       text        NOT NULL,
    choice      text        NULL CHECK (choice IN ('for', 'against', 'abstain')),
    reason      text        NULL,
    cast_at     timestamptz NOT NULL,
    changes     int         NOT NULL DEFAULT 0,
    event_id    uuid        NOT NULL,
    seq         bigint      NOT NULL,
    PRIMARY KEY (proposal_id, handle_key)
);

-- The content of sealed votes until they are revealed at close. Never in the event log before then.
CREATE TABLE vote_secrets (
    event_id    uuid        PRIMARY KEY,
    proposal_id uuid        NOT NULL,
    handle_key  text        NOT NULL,
    voter       text        NOT NULL,
    choice      text        NOT NULL,
    reason      text        NULL,
    nonce       text        NOT NULL
);
CREATE INDEX vote_secrets_by_proposal ON vote_secrets (proposal_id);
