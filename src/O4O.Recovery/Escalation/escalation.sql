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
