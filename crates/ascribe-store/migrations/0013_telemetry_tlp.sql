-- The telemetry page (issue 21): a sensor run's marking (`telemetry ingest
-- --tlp`, the logs' own), which its aggregates share. Runs stored before this
-- take TLP:AMBER, the command's default, which errs towards the closed side.
ALTER TABLE telemetry_runs ADD COLUMN tlp TEXT NOT NULL DEFAULT 'amber';
