-- Removed memberships keep their original creation time, so that re-adding a member shows the
-- first `created_at` again (Glance revives its soft-deleted row: v2-sharing §10 Q2, §8). Only the
-- time is kept, in a table of its own: `image_members` still holds live rows only, so no query
-- over it needs a `deleted` filter (DECISIONS D6).
CREATE TABLE image_members_removed (
    image_id TEXT NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    member TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (image_id, member)
);
