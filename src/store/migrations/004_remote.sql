-- devvault schema v4: team remotes (HashiCorp Vault / OpenBao KV v2) and what was last
-- synced with them. `body` is AES-256-GCM ciphertext sealed for its row id: either a
-- remote's configuration (name, URL, mount, prefix, namespace; never a token) or the sync
-- state of one scope with one remote (the KV version last synced and a digest of the
-- scope's content then). Their MAC lives in the header, so adding, removing, editing or
-- rolling back a row is detected.
CREATE TABLE remotes (
    id   INTEGER PRIMARY KEY,
    body BLOB NOT NULL
);
-- NULL until the first remote is added: the header MAC of an older vault is unchanged.
ALTER TABLE header ADD COLUMN remotes_mac BLOB;
