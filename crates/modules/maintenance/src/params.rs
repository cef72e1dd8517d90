//! The maintenance parameters: notice, and how much rest a period allows.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

/// Most windows per period the parameters may allow: bounds a device's window list (three
/// periods of windows are kept), which every report of the device reads.
pub const MAX_WINDOWS_PER_PERIOD: u32 = 64;

/// Set at genesis and changed by governance.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceParams {
    /// Blocks between the declaration and the window's first block, at least.
    pub notice_blocks: u64,
    /// The epochs of a period (a "year"): quotas count per period, periods are
    /// `[k * period_epochs, (k + 1) * period_epochs)`.
    pub period_epochs: u64,
    /// Epochs of maintenance a device may have in one period (0: maintenance is off).
    pub epochs_per_period: u32,
    /// Windows that may start in one period.
    pub windows_per_period: u32,
}

impl Default for MaintenanceParams {
    /// With the default 400-block epochs of about 400 s: two epochs' notice, a period of
    /// 78,840 epochs (a year), and 648 epochs (three days) of rest in at most 12 windows.
    fn default() -> Self {
        Self {
            notice_blocks: 800,
            period_epochs: 78_840,
            epochs_per_period: 648,
            windows_per_period: 12,
        }
    }
}

impl MaintenanceParams {
    /// Checks the parameters are usable.
    pub fn validate(&self) -> Result<(), String> {
        // A window declared in the block it starts would excuse duties already missed.
        if self.notice_blocks == 0 {
            return Err("maintenance.notice_blocks must be at least 1".into());
        }
        if self.period_epochs == 0 {
            return Err("maintenance.period_epochs must be at least 1".into());
        }
        if u64::from(self.epochs_per_period) > self.period_epochs {
            return Err("maintenance.epochs_per_period must be at most period_epochs".into());
        }
        if self.windows_per_period == 0 || self.windows_per_period > MAX_WINDOWS_PER_PERIOD {
            return Err(format!(
                "maintenance.windows_per_period must be 1..={MAX_WINDOWS_PER_PERIOD}"
            ));
        }
        Ok(())
    }

    /// The parameters against the slashing evidence window: a window must still be on
    /// record while evidence of an epoch inside it can arrive, and windows of the previous
    /// period are kept, so a period must be longer than the evidence age.
    pub fn validate_with_evidence_age(&self, evidence_max_age_epochs: u64) -> Result<(), String> {
        if self.period_epochs <= evidence_max_age_epochs {
            return Err(
                "maintenance.period_epochs must exceed slashing.evidence_max_age_epochs".into(),
            );
        }
        Ok(())
    }
}

impl Write for MaintenanceParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.notice_blocks.write(buf);
        self.period_epochs.write(buf);
        self.epochs_per_period.write(buf);
        self.windows_per_period.write(buf);
    }
}

impl Read for MaintenanceParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            notice_blocks: u64::read(buf)?,
            period_epochs: u64::read(buf)?,
            epochs_per_period: u32::read(buf)?,
            windows_per_period: u32::read(buf)?,
        })
    }
}

impl FixedSize for MaintenanceParams {
    const SIZE: usize = 8 + 8 + 4 + 4;
}
