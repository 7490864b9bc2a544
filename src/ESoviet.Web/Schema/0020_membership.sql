-- Read models of organizations and their members, written by MembershipProjection inside the append
-- transaction, so a page reads its own write and the access check sees a departure at once.

CREATE TABLE organizations (
    id          uuid        PRIMARY KEY,
    slug        text        NOT NULL,
    name        text        NOT NULL,
    -- The charter in force, as JSON (see Charter); replaced when a new charter is adopted.
    charter     jsonb       NOT NULL,
    founded_by  text        NOT NULL,
    founded_at  timestamptz NOT NULL,
    -- The backstop for two foundings racing for one address: the loser's whole append rolls back.
    CONSTRAINT organizations_slug_unique UNIQUE (slug)
);

-- One row per person who ever joined an organization; left and expelled rows stay, for the record.
-- People are keyed by handle: accounts are global, and events name people by handle only.
CREATE TABLE memberships (
    org_id          uuid        NOT NULL REFERENCES organizations (id),
    handle_key      text        NOT NULL,
    handle          text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('candidate', 'member', 'left', 'expelled')),
    founder         boolean     NOT NULL DEFAULT false,
    invited_by      text        NULL,
    candidate_since timestamptz NULL,
    member_since    timestamptz NULL,
    left_at         timestamptz NULL,
    PRIMARY KEY (org_id, handle_key)
);
-- "My organizations" and the per-request access check start from the person.
CREATE INDEX memberships_by_person ON memberships (handle_key, org_id);
CREATE INDEX memberships_by_status ON memberships (org_id, status);

-- Vouches of the current candidacy (a returning person's earlier vouches are deleted when they rejoin; the
-- events keep them).
CREATE TABLE vouches (
    org_id        uuid        NOT NULL,
    candidate_key text        NOT NULL,
    voucher_key   text        NOT NULL,
    candidate     text        NOT NULL,
    voucher       text        NOT NULL,
    vouched_at    timestamptz NOT NULL,
    PRIMARY KEY (org_id, candidate_key, voucher_key),
    FOREIGN KEY (org_id, candidate_key) REFERENCES memberships (org_id, handle_key)
);

CREATE TABLE invitations (
    id          uuid        PRIMARY KEY,
    org_id      uuid        NOT NULL REFERENCES organizations (id),
    issued_by   text        NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    -- 'open' until used or revoked; expiry is computed from expires_at when read.
    state       text        NOT NULL CHECK (state IN ('open', 'accepted', 'revoked')),
    accepted_by text        NULL,
    revoked_by  text        NULL,
    closed_at   timestamptz NULL
);
CREATE INDEX invitations_by_org ON invitations (org_id, issued_at DESC);

-- The secret half of an invitation link. Only the SHA-256 of the token is kept, never the token, and it never
-- enters the event log. Written by the command itself (EventSession.Enlist) in the transaction that appends
-- InvitationIssued, so there is no token without its invitation. No foreign key: the row is inserted before the
-- projection writes the invitation it points to.
CREATE TABLE invitation_tokens (
    token_hash    text PRIMARY KEY,
    invitation_id uuid NOT NULL UNIQUE
);
