-- Changes that alter a static page are announced to the rebuild leader on
-- the channel beforetrip_changes (pgstore/leader.go) by triggers, from
-- inside the transaction that makes them: PostgreSQL delivers a
-- notification at commit and drops it on rollback, so the leader hears of
-- every acknowledged write of every instance, and of nothing that failed.
-- The payloads are the beforetrip.Change the API would announce.

CREATE FUNCTION beforetrip_counts_notice() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	page text;
	likes_changed boolean;
	comments_changed boolean;
BEGIN
	IF TG_OP = 'DELETE' THEN
		page := OLD.page;
		likes_changed := OLD.likes <> 0;
		comments_changed := OLD.comments <> 0;
	ELSIF TG_OP = 'INSERT' THEN
		page := NEW.page;
		likes_changed := NEW.likes <> 0;
		comments_changed := NEW.comments <> 0;
	ELSE
		page := NEW.page;
		likes_changed := NEW.likes <> OLD.likes;
		comments_changed := NEW.comments <> OLD.comments;
	END IF;
	IF likes_changed THEN
		PERFORM pg_notify('beforetrip_changes', json_build_object('kind', 'likes', 'page', page)::text);
	END IF;
	IF comments_changed THEN
		PERFORM pg_notify('beforetrip_changes', json_build_object('kind', 'comments', 'page', page)::text);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER counters_notice AFTER INSERT OR UPDATE OR DELETE ON counters
	FOR EACH ROW EXECUTE FUNCTION beforetrip_counts_notice();

-- A reader review's page (countries/<country>/reviews/u-<id>) shows it;
-- its country's pages list it. Any change of the row may change either.
CREATE FUNCTION beforetrip_review_notice() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r reviews;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := OLD;
	ELSE
		r := NEW;
	END IF;
	PERFORM pg_notify('beforetrip_changes', json_build_object('kind', 'review',
		'page', 'countries/' || r.country || '/reviews/u-' || r.id, 'country', r.country)::text);
	RETURN NULL;
END $$;

CREATE TRIGGER reviews_notice AFTER INSERT OR UPDATE OR DELETE ON reviews
	FOR EACH ROW EXECUTE FUNCTION beforetrip_review_notice();
