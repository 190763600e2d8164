-- Every idempotency record is inserted when its call claims the key and updated once when the
-- call ends (state, result, completedAt, leaseUntil: none of them indexed). With free room on
-- the page that update is HOT: the new version stays on the same page and none of the table's
-- three indexes is touched. At the default fillfactor (100) pages are packed full by the
-- inserts, so most settles moved their row and wrote three index entries. Existing pages keep
-- their layout, and new ones are filled to half.
ALTER TABLE "IdempotencyRecord" SET (fillfactor = 50);
