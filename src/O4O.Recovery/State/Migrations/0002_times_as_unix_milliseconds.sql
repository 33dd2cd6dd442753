-- One time encoding in state.db: Unix milliseconds (UTC) in INTEGER columns, as the incident, escalation and outbox
-- tables always had. The event log, the settings and the catalogue stored round-trip text ("O" format: seven
-- fractional digits, then the offset) and the archives' file times as .NET ticks; they are converted here, truncated
-- to the millisecond as DateTimeOffset.ToUnixTimeMilliseconds truncates. SQLite cannot change a column's type, so each
-- table is rebuilt under its own name, keeping its ids.

CREATE TABLE recovery_events_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    component TEXT NOT NULL,
    kind TEXT NOT NULL,
    seen TEXT NOT NULL,
    done TEXT NOT NULL,
    outcome TEXT NOT NULL,
    failure_type TEXT,
    actor TEXT NOT NULL);
INSERT INTO recovery_events_v2 (id, at, component, kind, seen, done, outcome, failure_type, actor)
SELECT id, CAST(strftime('%s', substr(at, 1, 19) || substr(at, 28)) AS INTEGER) * 1000 + CAST(substr(at, 21, 3) AS INTEGER),
       component, kind, seen, done, outcome, failure_type, actor
FROM recovery_events;
DROP TABLE recovery_events;
ALTER TABLE recovery_events_v2 RENAME TO recovery_events;

CREATE TABLE settings_v2 (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at INTEGER NOT NULL);
INSERT INTO settings_v2 (key, value, changed_by, changed_at)
SELECT key, value, changed_by,
       CAST(strftime('%s', substr(changed_at, 1, 19) || substr(changed_at, 28)) AS INTEGER) * 1000 + CAST(substr(changed_at, 21, 3) AS INTEGER)
FROM settings;
DROP TABLE settings;
ALTER TABLE settings_v2 RENAME TO settings;

-- mtime is the archive file's last write time: with its size, what tells the catalogue the file is still the one it hashed.
CREATE TABLE backup_archives_v2 (
    name TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    manifest TEXT NOT NULL,
    verified_at INTEGER,
    verified INTEGER,
    verify_message TEXT);
INSERT INTO backup_archives_v2 (name, size, mtime, sha256, manifest, verified_at, verified, verify_message)
SELECT name, size, (mtime - 621355968000000000) / 10000, sha256, manifest,
       CAST(strftime('%s', substr(verified_at, 1, 19) || substr(verified_at, 28)) AS INTEGER) * 1000 + CAST(substr(verified_at, 21, 3) AS INTEGER),
       verified, verify_message
FROM backup_archives;
DROP TABLE backup_archives;
ALTER TABLE backup_archives_v2 RENAME TO backup_archives;

CREATE TABLE backup_restores_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    archive TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT);
INSERT INTO backup_restores_v2 (id, archive, started_at, finished_at, outcome, detail)
SELECT id, archive,
       CAST(strftime('%s', substr(started_at, 1, 19) || substr(started_at, 28)) AS INTEGER) * 1000 + CAST(substr(started_at, 21, 3) AS INTEGER),
       CAST(strftime('%s', substr(finished_at, 1, 19) || substr(finished_at, 28)) AS INTEGER) * 1000 + CAST(substr(finished_at, 21, 3) AS INTEGER),
       outcome, detail
FROM backup_restores;
DROP TABLE backup_restores;
ALTER TABLE backup_restores_v2 RENAME TO backup_restores;
