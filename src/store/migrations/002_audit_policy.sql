-- devvault schema v2: the tamper-evident audit log and rotation policies.
-- `audit.body` is AES-256-GCM ciphertext (time, event, scope and key names; never values)
-- sealed for its sequence number; `audit.tag` is an HMAC chaining each entry to the one
-- before. The header keeps the last sequence number and tag under its MAC, so deleting,
-- reordering, editing or truncating entries is detected.
CREATE TABLE audit (
    seq  INTEGER PRIMARY KEY,
    body BLOB NOT NULL,
    tag  BLOB NOT NULL
);
-- Failed unlock attempts, written without the vault key (so in the clear: when, how many;
-- never the attempted passphrase), folded into the chain at the next successful unlock.
CREATE TABLE audit_pending (
    id    INTEGER PRIMARY KEY,
    at    INTEGER NOT NULL,
    count INTEGER NOT NULL
);
-- Maximum ages per scope (key_idx empty) or per key; `body` is sealed, `key_idx` is the
-- key's blind index. Their MAC lives in the header.
CREATE TABLE policies (
    id       INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES scopes(id),
    key_idx  BLOB NOT NULL,
    body     BLOB NOT NULL,
    UNIQUE (scope_id, key_idx)
);
-- NULL until the first audit entry or policy: the header MAC of a v1 vault is unchanged.
ALTER TABLE header ADD COLUMN audit_seq INTEGER;
ALTER TABLE header ADD COLUMN audit_tag BLOB;
ALTER TABLE header ADD COLUMN policies_mac BLOB;
