-- Read models of the deliberation feature, all written by DeliberationProjection inside the append
-- transaction, so an author sees their own contribution on the next page load.

CREATE TABLE threads (
    id                 uuid        PRIMARY KEY,
    org_id             uuid        NOT NULL,
    title              text        NOT NULL,
    tags               text[]      NOT NULL,
    requires_structure boolean     NOT NULL,
    state              text        NOT NULL DEFAULT 'open',
    author             text        NOT NULL,
    opening_id         uuid        NOT NULL,
    created_at         timestamptz NOT NULL,
    last_activity_at   timestamptz NOT NULL,
    contribution_count int         NOT NULL DEFAULT 0,
    last_seq           bigint      NOT NULL
);
CREATE INDEX threads_by_activity ON threads (org_id, last_activity_at DESC, id);
CREATE INDEX threads_by_tag ON threads USING gin (tags);

CREATE TABLE contributions (
    id            uuid        PRIMARY KEY,
    org_id        uuid        NOT NULL,
    thread_id     uuid        NOT NULL REFERENCES threads (id),
    parent_id     uuid        NULL,
    -- Order of posting within the thread, 0 for the opening post; path orders the reply tree.
    position      int         NOT NULL,
    path          int[]       NOT NULL,
    author        text        NOT NULL,
    markdown      text        NOT NULL,
    -- Rendered once per edit by the sanitizing renderer, never per view.
    html          text        NOT NULL,
    why           text        NULL,
    to_whom       text        NULL,
    source        text        NULL,
    analysis      text        NULL,
    attachments   jsonb       NOT NULL DEFAULT '[]',
    created_at    timestamptz NOT NULL,
    edited_at     timestamptz NULL,
    version       int         NOT NULL DEFAULT 1,
    retracted_at  timestamptz NULL,
    seq           bigint      NOT NULL,
    search        tsvector    NOT NULL,
    CONSTRAINT contributions_position_unique UNIQUE (thread_id, position)
);
CREATE INDEX contributions_tree ON contributions (thread_id, path);
CREATE INDEX contributions_search ON contributions USING gin (search);

-- File contents, addressed by SHA-256 and shared by every upload of the same bytes.
CREATE TABLE attachment_blobs (
    sha256       text        PRIMARY KEY,
    content      bytea       NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL,
    created_at   timestamptz NOT NULL
);

-- Which organization may see which file: a file is served only to members of an organization it was uploaded to.
CREATE TABLE attachment_uploads (
    org_id       uuid        NOT NULL,
    sha256       text        NOT NULL REFERENCES attachment_blobs (sha256),
    file_name    text        NOT NULL,
    content_type text        NOT NULL,
    uploaded_by  text        NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, sha256)
);

-- Private to each reader: how many contributions of a thread they had seen. Nobody else can query it.
CREATE TABLE thread_reads (
    account_id uuid        NOT NULL,
    thread_id  uuid        NOT NULL REFERENCES threads (id),
    seen_count int         NOT NULL,
    PRIMARY KEY (account_id, thread_id)
);

-- A member was mentioned in a contribution (and had not turned mentions off).
CREATE TABLE mentions (
    org_id          uuid        NOT NULL,
    handle_key      text        NOT NULL,
    contribution_id uuid        NOT NULL,
    thread_id       uuid        NOT NULL,
    author          text        NOT NULL,
    at              timestamptz NOT NULL,
    seen            boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (handle_key, contribution_id)
);
CREATE INDEX mentions_unseen ON mentions (org_id, handle_key, at DESC);
