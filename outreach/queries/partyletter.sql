-- Letters to one party outside any election (outreach/partyletter.go).

-- name: CreatePartyLetterBatch :one
-- A held batch of one kind ('audit') with no election: released
-- through the normal batch page, four-eyes.
INSERT INTO letter_batches (election_id, template_id, state, kind, created_by)
VALUES (NULL, @template_id, 'held', @kind::text, @created_by)
RETURNING id;
