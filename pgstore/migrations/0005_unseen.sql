-- Items carry Moderation.Unseen ("unseen" in doc), set when posted for
-- approval. Of the rows written before, a pending item never edited can
-- only have been held since it was posted, so it is marked (its approval
-- still mails the reply's notification); any other held item may have
-- been public already and stays unmarked, so no reply is announced twice.

UPDATE comments SET doc = doc || '{"unseen": true}'
	WHERE pending AND COALESCE(doc->'edited_at', 'null'::jsonb) = 'null'::jsonb;
UPDATE reviews SET doc = doc || '{"unseen": true}'
	WHERE pending AND COALESCE(doc->'edited_at', 'null'::jsonb) = 'null'::jsonb;
