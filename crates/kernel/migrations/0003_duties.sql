-- A post's duty names the step of a procedure it performs (e.g. the
-- confidentiality review of disclosure items); A/B rules apply to it.
ALTER TABLE posts ADD COLUMN duty TEXT NOT NULL DEFAULT '';
INSERT INTO role_permissions (role, permission) VALUES ('staff', 'disclosure.draft');
INSERT INTO role_permissions (role, permission) VALUES ('division_head', 'disclosure.draft');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'disclosure.draft');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'disclosure.manage');
