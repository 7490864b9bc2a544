-- ASP.NET Core Data Protection key ring, shared by every app node so that session cookies and antiforgery
-- tokens survive restarts and are accepted by any node. Rows are the key XML the framework writes; it never
-- updates or deletes them (expired keys stay until an operator prunes them).
CREATE TABLE data_protection_keys (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    friendly_name text        NOT NULL,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Personal access tokens for programs. Only the SHA-256 of the token is kept; the token itself is shown once.
-- last_used_on is a date, not a timestamp, and is written at most once a day: enough for the owner to spot a
-- token they no longer use, too coarse to serve as a record of when someone was active.
CREATE TABLE access_tokens (
    id           uuid        PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    token_hash   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_on date        NULL,
    revoked_at   timestamptz NULL,
    CONSTRAINT access_tokens_hash_unique UNIQUE (token_hash)
);

CREATE INDEX access_tokens_account ON access_tokens (account_id);
