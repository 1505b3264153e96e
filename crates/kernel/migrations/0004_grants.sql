-- Default grants for on-request disclosure and collective decisions
-- (perm::default_business_grants keeps the same list).
INSERT INTO role_permissions (role, permission) VALUES ('staff', 'request.handle');
INSERT INTO role_permissions (role, permission) VALUES ('division_head', 'request.handle');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'request.handle');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'request.manage');
INSERT INTO role_permissions (role, permission) VALUES ('staff', 'decision.propose');
INSERT INTO role_permissions (role, permission) VALUES ('division_head', 'decision.propose');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'decision.propose');
INSERT INTO role_permissions (role, permission) VALUES ('deputy_leader', 'decision.propose');
INSERT INTO role_permissions (role, permission) VALUES ('office', 'decision.manage');
INSERT INTO role_permissions (role, permission) VALUES ('principal_leader', 'decision.supervise');
INSERT INTO role_permissions (role, permission) VALUES ('supervisor', 'decision.supervise');
