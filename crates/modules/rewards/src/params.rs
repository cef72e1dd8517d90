//! The rewards parameters: emission schedule, class weights, caps, density and vetting. They
//! live in state in the canonical encoding below, so governance changes are provable.

use crate::{
    emission::{BPS_ONE, CLASS_COUNT, COVERAGE},
    split::SplitParams,
};
use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

/// Token emission and reward-split parameters, set at genesis and changed by governance.
///
/// All amounts are base units (10^-6 TRN). A cap of 0 means "no cap".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmissionParams {
    /// Emission of epoch 0, base units.
    pub initial_per_epoch: u64,
    /// Epochs between halvings of the emission.
    pub halving_epochs: u64,
    /// Share of each epoch's emission per class (coverage, storage, compute, energy,
    /// sensing), basis points; the sum is at most 10_000 and the unassigned rest goes to the
    /// treasury.
    pub class_weights_bps: [u16; CLASS_COUNT],
    /// Most the coverage pool may issue per epoch, base units (0 = no cap).
    pub coverage_cap_per_epoch: u64,
    /// Most the coverage devices of one density cell may earn per epoch, base units (0 = no
    /// cap).
    pub coverage_cap_per_cell: u64,
    /// Most one device may earn from one class pool per epoch, base units (0 = no cap).
    pub device_cap_per_epoch: u64,
    /// Devices a density cell may hold before their shares are scaled down.
    pub target_devices_per_cell: u32,
    /// Valid reports a new device needs before it earns its full share.
    pub vetting_valid_reports: u32,
}

impl Default for EmissionParams {
    /// Devnet values: 10_000 TRN per epoch halving every 1_000 epochs (visible within a devnet
    /// session at 400-block epochs), coverage a small capped subsidy, WeatherXM-like density of
    /// 10 devices per resolution-8 cell (about 0.7 km²).
    fn default() -> Self {
        Self {
            initial_per_epoch: 10_000_000_000,
            halving_epochs: 1_000,
            class_weights_bps: [1_000, 3_000, 2_500, 2_000, 1_500],
            coverage_cap_per_epoch: 800_000_000,
            coverage_cap_per_cell: 20_000_000,
            device_cap_per_epoch: 100_000_000,
            target_devices_per_cell: 10,
            vetting_valid_reports: 10,
        }
    }
}

impl EmissionParams {
    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.halving_epochs == 0 {
            return Err("rewards.halving_epochs must be at least 1".into());
        }
        let weights: u32 = self.class_weights_bps.iter().map(|w| u32::from(*w)).sum();
        if weights > u32::from(BPS_ONE) {
            return Err(format!(
                "rewards.class_weights_bps must sum to at most 10000, got {weights}"
            ));
        }
        if self.target_devices_per_cell == 0 {
            return Err("rewards.target_devices_per_cell must be at least 1".into());
        }
        Ok(())
    }

    /// The split rules for the pool of class `class` (a tag, see [`COVERAGE`]): every class
    /// gets the density target and the device cap; only coverage gets the per-cell cap.
    pub fn split_params(&self, class: usize) -> SplitParams {
        SplitParams {
            target_devices_per_cell: self.target_devices_per_cell,
            cell_cap: if class == COVERAGE {
                self.coverage_cap_per_cell
            } else {
                0
            },
            device_cap: self.device_cap_per_epoch,
        }
    }
}

impl Write for EmissionParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.initial_per_epoch.write(buf);
        self.halving_epochs.write(buf);
        self.class_weights_bps.write(buf);
        self.coverage_cap_per_epoch.write(buf);
        self.coverage_cap_per_cell.write(buf);
        self.device_cap_per_epoch.write(buf);
        self.target_devices_per_cell.write(buf);
        self.vetting_valid_reports.write(buf);
    }
}

impl Read for EmissionParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            initial_per_epoch: u64::read(buf)?,
            halving_epochs: u64::read(buf)?,
            class_weights_bps: <[u16; CLASS_COUNT]>::read(buf)?,
            coverage_cap_per_epoch: u64::read(buf)?,
            coverage_cap_per_cell: u64::read(buf)?,
            device_cap_per_epoch: u64::read(buf)?,
            target_devices_per_cell: u32::read(buf)?,
            vetting_valid_reports: u32::read(buf)?,
        })
    }
}

impl FixedSize for EmissionParams {
    const SIZE: usize = 8 + 8 + 2 * CLASS_COUNT + 8 + 8 + 8 + 4 + 4;
}
