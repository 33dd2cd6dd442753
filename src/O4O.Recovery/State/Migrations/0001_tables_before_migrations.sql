-- The tables as the last release before numbered migrations made them. That release created each feature's tables
-- when the feature was first used, so a state.db it wrote may hold any of them: every statement is IF NOT EXISTS.

-- Incidents: one per outage, however often the component flapped. Times are Unix milliseconds (UTC).
CREATE TABLE IF NOT EXISTS incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    first_alert_at INTEGER NOT NULL,
    resolved_at INTEGER,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    failure_type TEXT,
    impact TEXT NOT NULL DEFAULT '',
    root_cause TEXT NOT NULL DEFAULT '',
    actions TEXT NOT NULL DEFAULT '',
    -- Opened by a detection: resolves when its components recover. Opened by a person: a person resolves it.
    auto_resolve INTEGER NOT NULL DEFAULT 1
);

-- The components an incident is about; it resolves on its own when all of them have recovered.
CREATE TABLE IF NOT EXISTS incident_components (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    component TEXT NOT NULL,
    down INTEGER NOT NULL,
    PRIMARY KEY (incident_id, component)
);

CREATE TABLE IF NOT EXISTS incident_timeline (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    component TEXT NOT NULL,
    text TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_timeline_incident_idx ON incident_timeline (incident_id, at, id);

-- Which escalation levels were paged for which incident, so a restarted conductor neither pages twice nor forgets
-- a level that is due. Times are Unix milliseconds (UTC).
CREATE TABLE IF NOT EXISTS escalation_pages (
    incident_id INTEGER NOT NULL,
    level INTEGER NOT NULL,
    paged_at INTEGER NOT NULL,
    last_paged_at INTEGER NOT NULL,
    repeats INTEGER NOT NULL DEFAULT 0,
    muted_at INTEGER,
    resolved_notice_at INTEGER,
    PRIMARY KEY (incident_id, level)
);

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

-- The event log: every detection and action of the conductor.
CREATE TABLE IF NOT EXISTS recovery_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    component TEXT NOT NULL,
    kind TEXT NOT NULL,
    seen TEXT NOT NULL,
    done TEXT NOT NULL,
    outcome TEXT NOT NULL,
    failure_type TEXT,
    actor TEXT NOT NULL);

-- Settings the operators switch at run time.
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL);

-- The backup catalogue: archive hashes, verification results and restores.
CREATE TABLE IF NOT EXISTS backup_archives (
    name TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    manifest TEXT NOT NULL,
    verified_at TEXT,
    verified INTEGER,
    verify_message TEXT);
CREATE TABLE IF NOT EXISTS backup_written (
    name TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS backup_restores (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    archive TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT);
