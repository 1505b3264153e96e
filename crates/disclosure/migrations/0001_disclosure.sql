CREATE TABLE disclosure_categories (
  code TEXT NOT NULL PRIMARY KEY,
  parent_code TEXT,
  name TEXT NOT NULL,
  sort {int} NOT NULL DEFAULT 0
);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('jgzn', NULL, '机构职能', 10);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('zcwj', NULL, '政策文件', 20);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('zcwj_bmwj', 'zcwj', '部门文件', 21);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('zcwj_gfxwj', 'zcwj', '规范性文件', 22);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('zcwj_flfg', 'zcwj', '法律法规', 23);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('zcjd', NULL, '政策解读', 30);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('ghjh', NULL, '规划计划', 40);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('xzzf', NULL, '行政执法', 50);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('xzzf_xk', 'xzzf', '行政许可', 51);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('xzzf_cf', 'xzzf', '行政处罚', 52);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('aqsc', NULL, '安全生产', 60);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('aqsc_jdjc', 'aqsc', '监督检查', 61);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('aqsc_sgdc', 'aqsc', '事故调查', 62);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('yjgl', NULL, '应急管理', 70);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('czzj', NULL, '财政资金', 80);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('czzj_yjs', 'czzj', '预算决算', 81);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('czzj_cg', 'czzj', '政府采购', 82);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('rsxx', NULL, '人事信息', 90);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('gzdt', NULL, '工作动态', 100);
INSERT INTO disclosure_categories (code, parent_code, name, sort) VALUES ('qt', NULL, '其他', 999);
CREATE TABLE disclosure_items (
  id {id},
  agency_id {int} NOT NULL REFERENCES agencies(id),
  division_id {int} REFERENCES divisions(id),
  index_no TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  category_code TEXT NOT NULL REFERENCES disclosure_categories(code),
  genre TEXT NOT NULL,
  publisher TEXT NOT NULL,
  written_on TEXT NOT NULL,
  doc_no TEXT NOT NULL DEFAULT '',
  keywords TEXT NOT NULL DEFAULT '',
  validity TEXT NOT NULL,
  attribute TEXT NOT NULL,
  ground TEXT,
  body_html TEXT NOT NULL,
  interprets_id {int} REFERENCES disclosure_items(id),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- The day the information was created or last changed (条例 Art 26).
  since_on TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  published_version {int} NOT NULL DEFAULT 0,
  first_published_on TEXT,
  last_published_at TEXT,
  withdrawn_at TEXT,
  withdrawn_reason TEXT,
  validity_changed_on TEXT,
  validity_reason TEXT
);
CREATE INDEX disclosure_items_status ON disclosure_items (status);
CREATE TABLE disclosure_versions (
  id {id},
  item_id {int} NOT NULL REFERENCES disclosure_items(id),
  version {int} NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  category_code TEXT NOT NULL,
  genre TEXT NOT NULL,
  publisher TEXT NOT NULL,
  written_on TEXT NOT NULL,
  published_on TEXT NOT NULL,
  doc_no TEXT NOT NULL,
  keywords TEXT NOT NULL,
  body_html TEXT NOT NULL,
  body_text TEXT NOT NULL,
  attachments TEXT NOT NULL DEFAULT '[]',
  change_note TEXT,
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,
  UNIQUE (item_id, version)
);
CREATE INDEX disclosure_versions_published ON disclosure_versions (published_on);
CREATE TABLE disclosure_steps (
  id {id},
  item_id {int} NOT NULL REFERENCES disclosure_items(id),
  action TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  actor TEXT NOT NULL,
  acting_for TEXT,
  at TEXT NOT NULL,
  reason TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX disclosure_steps_item ON disclosure_steps (item_id, id);
CREATE TABLE disclosure_attachments (
  id {id},
  item_id {int} NOT NULL REFERENCES disclosure_items(id),
  file_hash TEXT NOT NULL REFERENCES files(hash),
  filename TEXT NOT NULL,
  mime TEXT NOT NULL,
  size {int} NOT NULL,
  text_content TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  removed_at TEXT
);
CREATE TABLE disclosure_guide (
  id {id},
  settings TEXT NOT NULL,
  edited_by TEXT NOT NULL,
  edited_at TEXT NOT NULL
);
