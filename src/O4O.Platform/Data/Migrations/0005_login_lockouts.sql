-- Failed logins lock an account for the address they come from, not for everyone: five anonymous guesses must not
-- lock the owner out. users.locked_until stays, as the latest lock of any address, for the admin's list and o4o audit.
CREATE TABLE login_lockouts (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_address text NOT NULL,
    failures integer NOT NULL CHECK (failures >= 0),
    window_start timestamptz,
    locked_until timestamptz,
    PRIMARY KEY (user_id, client_address)
);

ALTER TABLE users DROP COLUMN failed_login_count, DROP COLUMN failed_login_window_start;
