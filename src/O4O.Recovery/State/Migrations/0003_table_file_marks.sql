-- Where the platform tables' data files were at a WAL position, noted by the conductor every half minute. A DROP TABLE
-- or TRUNCATE is found in archived WAL by the file it removes, and a dropped table is in no catalogue any more: the
-- search for the damaging transaction starts from the newest mark taken before the damage. tables holds one line per
-- table: name, tablespace, database and relfilenode oids, live rows (tab-separated).
CREATE TABLE table_file_marks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    timeline INTEGER NOT NULL,
    lsn TEXT NOT NULL,
    tables TEXT NOT NULL);
CREATE INDEX table_file_marks_at ON table_file_marks (at);
