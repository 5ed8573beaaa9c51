-- The telemetry page (issue 21), as SQLite's 0013: a sensor run's marking;
-- runs stored before this take TLP:AMBER, the command's default.
ALTER TABLE telemetry_runs ADD COLUMN tlp TEXT COLLATE "C" NOT NULL DEFAULT 'amber';
