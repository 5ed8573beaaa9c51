-- Issue 17: sightings stored before the fix carry only their indicator's
-- marking; the run's floor (`telemetry ingest --tlp`, default amber: sensor
-- logs are not public) was neither applied nor recorded. Fail closed: raise
-- every stored sighting to at least that default floor.
UPDATE telemetry_sightings SET tlp = 'amber' WHERE tlp IN ('clear', 'green');
