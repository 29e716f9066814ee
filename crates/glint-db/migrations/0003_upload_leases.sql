-- Uploads in progress (issue #7, crash safety). A row exists exactly while an image is `saving`
-- through glint: it names the blob being written, the instance writing it and until when that
-- instance's lease holds (renewed by its heartbeat). A row whose lease expired belongs to a dead
-- process: the scrub of any instance claims it (a conditional DELETE, so only one scrub wins),
-- returns the image to `failure_status` (v1 `killed`, v2 `queued`, as each API leaves a failed
-- upload) and deletes the partial blob. Timestamps are the fixed-width UTC text of 0001, so they
-- compare as text on both back ends.
CREATE TABLE image_uploads (
    image_id TEXT PRIMARY KEY REFERENCES images (id) ON DELETE CASCADE,
    blob_key TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    failure_status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    lease_expires_at TEXT NOT NULL
);

CREATE INDEX ix_image_uploads_instance ON image_uploads (instance_id);
CREATE INDEX ix_image_uploads_lease ON image_uploads (lease_expires_at);
