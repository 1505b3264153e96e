-- Default grants for 权力清单 and 办件 (perm::default_business_grants keeps
-- the same list).
INSERT INTO role_permissions (role, permission) VALUES ('staff', 'powers.handle');
INSERT INTO role_permissions (role, permission) VALUES ('division_head', 'powers.handle');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'powers.handle');
INSERT INTO role_permissions (role, permission) VALUES ('deputy_leader', 'powers.handle');
INSERT INTO role_permissions (role, permission) VALUES ('principal_leader', 'powers.handle');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'powers.manage');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'powers.supervise');
INSERT INTO role_permissions (role, permission) VALUES ('principal_leader', 'powers.supervise');
INSERT INTO role_permissions (role, permission) VALUES ('supervisor', 'powers.supervise');
