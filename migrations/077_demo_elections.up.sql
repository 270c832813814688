-- Issue 16: `demo --complaints` makes an election of its own. It is marked
-- so that nothing real is ever filed under it or sent about it: the public's
-- complaints are matched only to real elections, and no follow-up letters
-- go to parties about a demonstration.
ALTER TABLE elections ADD COLUMN demo boolean NOT NULL DEFAULT false;
