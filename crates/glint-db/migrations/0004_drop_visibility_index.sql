-- Image lists scan `ix_images_created_at` in sort order and stop after one page: the visibility
-- test is cheap per row, and with 10 % of a million images shared with the caller a page of 25
-- is found within a few hundred rows (BENCHMARKS.md, list-images). With an index on visibility,
-- SQLite without ANALYZE statistics (glint never runs ANALYZE) instead answers the caller's
-- `public OR owner OR shared-with-me` condition by a MULTI-INDEX OR over every shared image,
-- then sorts them all: 4 s per page at a million images. A visibility has far too many images to
-- be worth an index of its own (Glance 33's `visibility_image_idx` does not help it either).
DROP INDEX ix_images_visibility;
