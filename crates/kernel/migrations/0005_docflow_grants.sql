-- Default grants for 网上办文 (perm::default_business_grants keeps the
-- same list).
INSERT INTO role_permissions (role, permission) VALUES ('staff', 'docflow.handle');
INSERT INTO role_permissions (role, permission) VALUES ('division_head', 'docflow.handle');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'docflow.handle');
INSERT INTO role_permissions (role, permission) VALUES ('deputy_leader', 'docflow.handle');
INSERT INTO role_permissions (role, permission) VALUES ('principal_leader', 'docflow.handle');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'docflow.manage');
INSERT INTO role_permissions (role, permission) VALUES ('principal_leader', 'docflow.supervise');
INSERT INTO role_permissions (role, permission) VALUES ('supervisor', 'docflow.supervise');
