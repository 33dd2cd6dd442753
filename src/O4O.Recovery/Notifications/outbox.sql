-- Notifications waiting for delivery, and delivered ones for the record. Times are Unix milliseconds (UTC).
-- A message leaves only by delivery: a channel that is down keeps its messages and is retried with back-off.
CREATE TABLE IF NOT EXISTS notification_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER,
    channel TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    last_error TEXT,
    delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS notification_outbox_due_idx ON notification_outbox (channel, delivered_at, next_attempt_at, id);
