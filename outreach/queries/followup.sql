-- Follow-up letters (outreach/followup.go).

-- name: SetBatchReplyBy :exec
-- Records the day the parties of a follow-up batch are asked to reply by.
UPDATE letter_batches SET reply_by = @reply_by::date WHERE id = @id;

-- name: BatchReplyBy :one
SELECT reply_by FROM letter_batches WHERE id = @id;
