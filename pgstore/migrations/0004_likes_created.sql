-- LikesSince (the month's popular pages) counts the likes made since the
-- start of the window: an index on the like time reads those rows only,
-- not every like of the site.
CREATE INDEX likes_created ON likes (created_at);
