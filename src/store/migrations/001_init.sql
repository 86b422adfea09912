-- devvault schema v1. Every name and value column holds AES-256-GCM ciphertext sealed by
-- the vault; `idx` columns are HMAC blind indexes. Nothing here is plaintext but counts.
CREATE TABLE header (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    format      INTEGER NOT NULL,
    vault_id    BLOB NOT NULL,
    next_record INTEGER NOT NULL,
    encryptions INTEGER NOT NULL,
    buckets     BLOB NOT NULL,
    scopes_mac  BLOB NOT NULL
);
CREATE TABLE slots (
    kind    TEXT PRIMARY KEY,
    kdf     TEXT NOT NULL,
    salt    BLOB NOT NULL,
    wrapped BLOB NOT NULL
);
CREATE TABLE scopes (
    id          INTEGER PRIMARY KEY,
    idx         BLOB NOT NULL UNIQUE,
    name        BLOB NOT NULL,
    manifest    BLOB NOT NULL,
    history_mac BLOB NOT NULL
);
-- Scopes are spread over 256 buckets (id % 256), each with a MAC in header.buckets, so that
-- checking one scope reads its bucket, not the whole list.
CREATE INDEX scopes_bucket ON scopes(id % 256);
CREATE TABLE secrets (
    id       INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES scopes(id),
    idx      BLOB NOT NULL UNIQUE,
    name     BLOB NOT NULL,
    value    BLOB NOT NULL,
    meta     BLOB NOT NULL
);
CREATE INDEX secrets_scope ON secrets(scope_id);
CREATE TABLE history (
    id       INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES scopes(id),
    key_idx  BLOB NOT NULL,
    name     BLOB NOT NULL,
    value    BLOB NOT NULL,
    meta     BLOB NOT NULL
);
CREATE INDEX history_scope ON history(scope_id);
CREATE INDEX history_key ON history(key_idx);
