-- A lock must end the sessions already open, not only refuse the next sign-in: every bearer token and admin
-- cookie carries its account's session version, each request checks it, and a lock moves it on.
ALTER TABLE users ADD COLUMN session_version integer NOT NULL DEFAULT 0;

-- Who locked or unlocked whom, and when: the log line rotates away, this stays with the accounts.
CREATE TABLE user_lock_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    user_id bigint NOT NULL REFERENCES users (id),
    admin_id bigint NOT NULL REFERENCES users (id),
    locked boolean NOT NULL
);
CREATE INDEX user_lock_events_user_idx ON user_lock_events (user_id, at DESC);
