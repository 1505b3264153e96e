-- Other modules link to a published item by its exact title (the power
-- list links each legal basis to the law's text in the catalog).
CREATE INDEX disclosure_items_title ON disclosure_items (title);
