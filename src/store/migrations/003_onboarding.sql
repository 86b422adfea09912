-- devvault schema v3: the vault's own records beside the secrets: its age X25519 identity
-- (for `share`/`receive`) and where plaintext exports were written (for `doctor`).
-- `body` is AES-256-GCM ciphertext sealed for its id; what a row is lives inside it, so the
-- file shows only how many rows there are. Their MAC lives in the header (NULL until the
-- first row: the header MAC of a v1 or v2 vault is unchanged).
CREATE TABLE extras (
    id   INTEGER PRIMARY KEY,
    body BLOB NOT NULL
);
ALTER TABLE header ADD COLUMN extras_mac BLOB;
