-- Read models of binding decisions, written by DecisionsProjection inside the append transaction.

-- What a policy proposal amends or repeals (decision ids), as drafted and submitted.
ALTER TABLE proposals ADD COLUMN amends uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE proposals ADD COLUMN repeals uuid[] NOT NULL DEFAULT '{}';

-- The last decision number handed out per organization. The closing transaction increments it under the row's lock,
-- so numbers are unique and, because a rolled-back close rolls the increment back too, without gaps.
CREATE TABLE decision_numbers (
    org_id      uuid PRIMARY KEY,
    last_number int  NOT NULL
);

CREATE TABLE decisions (
    id                 uuid        PRIMARY KEY,
    org_id             uuid        NOT NULL,
    number             int         NOT NULL,
    proposal_id        uuid        NOT NULL UNIQUE,
    thread_id          uuid        NOT NULL,
    title              text        NOT NULL,
    text               jsonb       NOT NULL,
    proposer           text        NOT NULL,
    implementer        text        NOT NULL,
    implementer_key    text        NOT NULL,
    adopted_at         timestamptz NOT NULL,
    electorate         int         NOT NULL,
    final_for          int         NOT NULL,
    final_against      int         NOT NULL,
    final_abstain      int         NOT NULL,
    phase              text        NOT NULL CHECK (phase IN ('awaiting_commitments', 'in_implementation', 'in_review', 'done', 'abandoned')),
    commitments_open   boolean     NOT NULL DEFAULT true,
    commitment_due_at  timestamptz NOT NULL,
    amends             uuid[]      NOT NULL DEFAULT '{}',
    repeals            uuid[]      NOT NULL DEFAULT '{}',
    amended_by         uuid[]      NOT NULL DEFAULT '{}',
    repealed_by        uuid        NULL,
    handover_to        text        NULL,
    percent_done       int         NULL,
    last_report_at     timestamptz NULL,
    self_worked        text        NULL,
    self_did_not_work  text        NULL,
    self_differently   text        NULL,
    completed_at       timestamptz NULL,
    review_ends_at     timestamptz NULL,
    closed_at          timestamptz NULL,
    minority_report    text        NULL,
    last_seq           bigint      NOT NULL,
    CONSTRAINT decisions_number_unique UNIQUE (org_id, number)
);
CREATE INDEX decisions_by_implementer ON decisions (org_id, implementer_key) WHERE phase IN ('awaiting_commitments', 'in_implementation');
CREATE INDEX decisions_due ON decisions (commitment_due_at) WHERE commitments_open;
CREATE INDEX decisions_in_review ON decisions (review_ends_at) WHERE phase = 'in_review';

-- Every member bound at adoption: answer NULL until they answer, then abide / refuse, or missed when the window closed.
CREATE TABLE decision_commitments (
    decision_id   uuid        NOT NULL REFERENCES decisions (id),
    handle_key    text        NOT NULL,
    handle        text        NOT NULL,
    voted_against boolean     NOT NULL,
    answer        text        NULL CHECK (answer IN ('abide', 'refuse', 'missed')),
    dissent       text        NULL,
    reason        text        NULL,
    answered_at   timestamptz NULL,
    PRIMARY KEY (decision_id, handle_key)
);

CREATE TABLE minority_signatures (
    decision_id uuid        NOT NULL REFERENCES decisions (id),
    handle_key  text        NOT NULL,
    handle      text        NOT NULL,
    signed_at   timestamptz NOT NULL,
    PRIMARY KEY (decision_id, handle_key)
);

CREATE TABLE decision_tasks (
    id          uuid        PRIMARY KEY,
    decision_id uuid        NOT NULL REFERENCES decisions (id),
    title       text        NOT NULL,
    due_on      date        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('planned', 'in_progress', 'blocked', 'done', 'dropped')),
    reason      text        NULL,
    planned_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    seq         bigint      NOT NULL
);
CREATE INDEX decision_tasks_by_decision ON decision_tasks (decision_id, seq);

CREATE TABLE task_volunteers (
    task_id    uuid        NOT NULL REFERENCES decision_tasks (id),
    handle_key text        NOT NULL,
    handle     text        NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (task_id, handle_key)
);

CREATE TABLE progress_reports (
    id          uuid        PRIMARY KEY,
    decision_id uuid        NOT NULL REFERENCES decisions (id),
    author      text        NOT NULL,
    at          timestamptz NOT NULL,
    percent     int         NOT NULL,
    happened    text        NOT NULL,
    blocked     text        NULL
);
CREATE INDEX progress_reports_by_decision ON progress_reports (decision_id, at);

CREATE TABLE criticisms (
    id          uuid        PRIMARY KEY,
    decision_id uuid        NOT NULL REFERENCES decisions (id),
    author      text        NOT NULL,
    at          timestamptz NOT NULL,
    point       text        NOT NULL,
    evidence    text        NULL,
    suggestion  text        NULL
);
CREATE INDEX criticisms_by_decision ON criticisms (decision_id, at);

-- Every handover, offered and (once consented) accepted.
CREATE TABLE handovers (
    decision_id  uuid        NOT NULL REFERENCES decisions (id),
    from_handle  text        NOT NULL,
    to_handle    text        NOT NULL,
    offered_at   timestamptz NOT NULL,
    accepted_at  timestamptz NULL
);

-- Refusals and missed commitments. review_id is set once an automatic membership review has cited the breach, so a
-- breach counts towards one review only.
CREATE TABLE breaches (
    org_id      uuid        NOT NULL,
    decision_id uuid        NOT NULL REFERENCES decisions (id),
    handle_key  text        NOT NULL,
    handle      text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('refused', 'missed')),
    at          timestamptz NOT NULL,
    review_id   uuid        NULL,
    PRIMARY KEY (decision_id, handle_key)
);
CREATE INDEX breaches_open ON breaches (org_id, handle_key, at) WHERE review_id IS NULL;

-- The automatic membership reviews and the breaches each cites (the proposal itself is in proposals).
CREATE TABLE breach_reviews (
    proposal_id uuid        PRIMARY KEY,
    org_id      uuid        NOT NULL,
    member      text        NOT NULL,
    breaches    jsonb       NOT NULL,
    opened_at   timestamptz NOT NULL
);
