//! Device reports: a vetting run's verdict as `ascribe device vet` computed
//! it (`ascribe-device-verdict/v1` JSON), kept so the device page can show it.

use ascribe_model::Tlp;

use crate::case::rank;
use crate::{ReadUnit, Result, Store, UnitOfWork};

/// One device report as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceReportRecord {
    /// The SHA-256 of the input, in hex: the report's id.
    pub id: String,
    /// The incident its findings were filed in.
    pub incident_id: Option<String>,
    /// The input's name as given.
    pub name: String,
    /// What the device claimed to be (`flash-drive`, `charger`, ...).
    pub claim: String,
    /// The verdict word (`PASS`, `WARN`, `FAIL`, `INCONCLUSIVE`).
    pub verdict: String,
    pub tlp: Tlp,
    /// When it was filed (the caller's clock).
    pub vetted_at: String,
    /// The whole verdict as `ascribe-device-verdict/v1` JSON.
    pub report_json: String,
}

impl Store {
    /// A device report as a reader with `clearance` may see it ([`ReadUnit::device_report_seen_by`]).
    pub fn device_report_seen_by(
        &self,
        id: &str,
        clearance: Tlp,
    ) -> Result<Option<DeviceReportRecord>> {
        self.read(|r| r.device_report_seen_by(id, clearance))
    }
}

impl UnitOfWork<'_> {
    /// Keeps a device report (replacing one of the same id).
    pub fn save_device_report(&self, r: &DeviceReportRecord) -> Result<()> {
        self.execute(
            "INSERT INTO device_reports (id, incident_id, name, claim, verdict, tlp, vetted_at, report_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO UPDATE SET incident_id = excluded.incident_id, name = excluded.name,
                 claim = excluded.claim, verdict = excluded.verdict, tlp = excluded.tlp,
                 vetted_at = excluded.vetted_at, report_json = excluded.report_json",
            &[
                &r.id,
                &r.incident_id,
                &r.name,
                &r.claim,
                &r.verdict,
                &r.tlp.as_str(),
                &r.vetted_at,
                &r.report_json,
            ],
        )?;
        Ok(())
    }
}

impl ReadUnit<'_> {
    /// A device report marked at or below `clearance`, or `None` when there
    /// is none or it is marked above (the two look alike): the filter is in
    /// the statement.
    pub fn device_report_seen_by(
        &self,
        id: &str,
        clearance: Tlp,
    ) -> Result<Option<DeviceReportRecord>> {
        self.query_opt(
            concat!(
                "SELECT id, incident_id, name, claim, verdict, tlp, vetted_at, report_json
                 FROM device_reports WHERE id = $1 AND ",
                tlp_rank!(),
                " <= $2"
            ),
            &[&id, &rank(clearance)],
            |r| {
                let id: String = r.get(0)?;
                Ok(DeviceReportRecord {
                    tlp: r.tlp(5, || format!("device report {id:?}"))?,
                    incident_id: r.get(1)?,
                    name: r.get(2)?,
                    claim: r.get(3)?,
                    verdict: r.get(4)?,
                    vetted_at: r.get(6)?,
                    report_json: r.get(7)?,
                    id,
                })
            },
        )
    }
}
