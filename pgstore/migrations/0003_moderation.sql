-- Readers' reports of comments and reviews. An item's open reports are
-- those not yet closed by a moderator's decision; the reported queue and
-- the hide threshold count them, so no separate counter can drift.

CREATE TABLE reports (
	kind        text NOT NULL CHECK (kind IN ('comment', 'review')),
	item_id     bigint NOT NULL,
	reporter_id bigint NOT NULL,
	open        boolean NOT NULL,
	at          timestamptz NOT NULL,
	doc         jsonb NOT NULL, -- beforetrip.Report
	PRIMARY KEY (kind, item_id, reporter_id)
);
CREATE INDEX reports_open ON reports (kind, item_id) WHERE open;
