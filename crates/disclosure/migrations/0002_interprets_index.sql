-- Item pages and the search index look up an item's interpretations.
CREATE INDEX disclosure_items_interprets ON disclosure_items (interprets_id);
