-- Yearly figures one module keeps current and another reports (figures.rs):
-- table 二 of the annual report reads the decisions the power list's cases
-- took from here, not from the powers module's tables.
CREATE TABLE annual_figures (
  year {int} NOT NULL,
  key TEXT NOT NULL,
  value {int} NOT NULL,
  module TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (year, key)
);
