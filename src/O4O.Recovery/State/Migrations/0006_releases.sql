-- What changes about a platform release after it was published (releases/NAME/release.json is written once and
-- checksummed): when it was last made current and by whom, the logical backup taken just before the migrations it
-- carries ran, and how it came up. Which release is current is the setting 'current-release', beside AutoRecovery.
CREATE TABLE releases (
    name TEXT PRIMARY KEY,
    current_since INTEGER,
    made_current_by TEXT,
    backup TEXT,
    health TEXT);
