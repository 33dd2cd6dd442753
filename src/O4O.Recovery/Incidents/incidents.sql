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
