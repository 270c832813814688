-- Issue 14: an election's name in Welsh, for the Welsh version of its
-- letters. Empty when not given: a call writing to Welsh readers then
-- asks for it, and a record of a past election does without.
ALTER TABLE elections ADD COLUMN name_cy text NOT NULL DEFAULT '';
