-- The off-site copies of the logical archives (sealed with ArchiveCipher, uploaded in parts). A row is made when its
-- multipart upload starts and holds what a resume needs: the upload id and, in offsite_parts, every part the server
-- acknowledged with the ETag that matched the part's MD5 (s3rver, like some S3-compatible servers, cannot list the
-- parts of an upload). completed_at is set only after CompleteMultipartUpload and a check of the object's size and
-- SHA-256: until then the copy is never listed nor trusted. size and sha256 are the sealed object's; lock_until is its
-- Object Lock retain-until date (Unix milliseconds), null when the bucket has no Object Lock.
CREATE TABLE offsite_copies (
    name TEXT PRIMARY KEY,
    object_key TEXT NOT NULL,
    upload_id TEXT NOT NULL,
    part_size INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    lock_until INTEGER,
    started_at INTEGER NOT NULL,
    completed_at INTEGER);
CREATE TABLE offsite_parts (
    name TEXT NOT NULL,
    number INTEGER NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (name, number));
