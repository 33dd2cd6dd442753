-- Each new logical archive's anomaly score against the clean archives before it (Backups/AnomalyScore.cs), kept apart
-- from backup_archives: a re-hashed or re-verified archive keeps its assessment, and the assessment of one pruned since
-- still tells which days came before a suspicious archive. reasons holds one reason per line.
CREATE TABLE backup_anomalies (
    name TEXT PRIMARY KEY,
    assessed_at INTEGER NOT NULL,
    score REAL NOT NULL,
    suspicious INTEGER NOT NULL,
    compared_with INTEGER NOT NULL,
    reasons TEXT NOT NULL);
