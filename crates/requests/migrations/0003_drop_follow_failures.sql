-- The counts now live in the kernel's follow_failures, shared with every
-- module followed from outside. Security state only: nothing to keep.
DROP TABLE ysq_follow_failures;
