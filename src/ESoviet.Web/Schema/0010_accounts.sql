-- Accounts are global and hold credentials, so they live outside the event log: nothing here
-- may ever reach an organization's stream or ledger.
CREATE TABLE accounts (
    id               uuid        PRIMARY KEY,
    handle           text        NOT NULL,
    handle_key       text        NOT NULL,
    password_hash    text        NOT NULL,
    -- Changes on password change and "sign out everywhere"; cookies carrying an old stamp stop working.
    security_stamp   uuid        NOT NULL,
    mentions_enabled boolean     NOT NULL DEFAULT true,
    failed_sign_ins  int         NOT NULL DEFAULT 0,
    locked_until     timestamptz NULL,
    created_at       timestamptz NOT NULL,
    CONSTRAINT accounts_handle_unique UNIQUE (handle_key)
);

-- One-time codes for signing in without the password; only their SHA-256 is kept.
CREATE TABLE recovery_codes (
    account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash  text        NOT NULL,
    used_at    timestamptz NULL,
    PRIMARY KEY (account_id, code_hash)
);
