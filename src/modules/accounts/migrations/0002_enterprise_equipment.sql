-- An enterprise account sees its own special equipment (units, inspections, due dates), as it
-- sees its own quality file: the use unit answers for its equipment and must know what is due.
INSERT OR IGNORE INTO role_permission (role_id, module, action) VALUES (13, 'equipment', 'read');
