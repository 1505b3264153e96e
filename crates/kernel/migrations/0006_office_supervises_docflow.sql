-- The office sees every overdue 公文 task and the timeliness statistics
-- (催办 is the office's job: seed document 4, part 四).
INSERT INTO role_permissions (role, permission) VALUES ('office', 'docflow.supervise');
