-- Supervision sampling (docs/design/sampling.md, "Roles"): a bureau leader approves plans,
-- lab reports and objections and approves and publishes announcements; a sampling officer
-- publishes announcements; a lab analyst approves a lab report (approver, reviewer and
-- analyst being different people); an enterprise reads its own samples and files
-- objections. The system administrator has every permission already.
INSERT OR IGNORE INTO role_permission (role_id, module, action) VALUES
  (2, 'sampling', 'approve'), (2, 'sampling', 'publish'),
  (5, 'sampling', 'publish'),
  (12, 'sampling', 'approve'),
  (13, 'sampling', 'read'), (13, 'sampling', 'write');
