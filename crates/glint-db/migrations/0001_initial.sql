-- glint's metadata schema. Portable SQL only: it runs unchanged on SQLite and PostgreSQL
-- (TEXT ids and timestamps, BIGINT sizes, SMALLINT 0/1 flags). Table and column names follow
-- Glance's schema so that operators recognise them. Never edit a released migration.

CREATE TABLE images (
    id TEXT PRIMARY KEY,
    name TEXT,
    disk_format TEXT,
    container_format TEXT,
    size BIGINT,
    virtual_size BIGINT,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    checksum TEXT,
    os_hash_algo TEXT,
    os_hash_value TEXT,
    owner TEXT,
    min_disk BIGINT NOT NULL DEFAULT 0,
    min_ram BIGINT NOT NULL DEFAULT 0,
    protected SMALLINT NOT NULL DEFAULT 0,
    os_hidden SMALLINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    deleted SMALLINT NOT NULL DEFAULT 0
);

CREATE INDEX ix_images_owner ON images (owner, deleted);
CREATE INDEX ix_images_visibility ON images (visibility, deleted);
CREATE INDEX ix_images_created_at ON images (created_at, id);
CREATE INDEX ix_images_status ON images (status);

CREATE TABLE image_properties (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (image_id, name)
);

CREATE TABLE image_tags (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (image_id, value)
);

CREATE TABLE image_locations (
    id TEXT PRIMARY KEY,
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX ix_image_locations_image_id ON image_locations (image_id);

-- One row per (image, member): DECISIONS D6. A removed membership is deleted, not flagged, so the
-- primary key alone rules out duplicate live rows. `position` keeps creation order for listings.
CREATE TABLE image_members (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    member TEXT NOT NULL,
    can_share SMALLINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',
    position BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (image_id, member)
);

CREATE INDEX ix_image_members_member ON image_members (member, image_id);
