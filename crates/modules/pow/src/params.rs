//! Framework parameters, set at genesis.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

/// Epochs, scheduling, reputation and bundle limits.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowParams {
    /// Blocks per epoch.
    pub epoch_length_blocks: u64,
    /// Duty windows per epoch (each device gets one, drawn from the epoch randomness).
    pub windows_per_epoch: u32,
    /// Blocks after a window's work phase during which its reveals are accepted (the epoch
    /// reserves this many blocks at its end so every window's reveal phase fits inside it).
    pub window_grace_blocks: u64,
    /// Most reports in one bundle.
    pub max_reports_per_bundle: u32,
    /// Reputation a new device starts at, ppm.
    pub reputation_start_ppm: u32,
    /// Share of the gap to 10^6 closed by a valid report, ppm.
    pub reputation_gain_ppm: u32,
    /// Share of the reputation lost to an invalid report, ppm.
    pub reputation_loss_ppm: u32,
    /// Share of a reputation's excess above the start value lost per idle epoch, ppm (a
    /// reputation at or below the start value does not change while idle).
    pub reputation_decay_ppm: u32,
    /// Outcomes kept per device.
    pub outcomes_kept: u32,
    /// H3 resolution at which device density is counted.
    pub density_resolution: u8,
}

impl Default for PowParams {
    fn default() -> Self {
        Self {
            epoch_length_blocks: 400,
            windows_per_epoch: 4,
            window_grace_blocks: 40,
            max_reports_per_bundle: 512,
            reputation_start_ppm: 500_000,
            reputation_gain_ppm: 100_000,
            reputation_loss_ppm: 250_000,
            reputation_decay_ppm: 50_000,
            outcomes_kept: 32,
            density_resolution: 8,
        }
    }
}

impl PowParams {
    /// Checks the parameters are usable.
    pub fn validate(&self) -> Result<(), String> {
        if self.epoch_length_blocks < 4 {
            return Err("pow.epoch_length_blocks must be at least 4".into());
        }
        // Zero grace leaves no reveal phase: commit-reveal classes could never reveal.
        if self.window_grace_blocks == 0 || self.window_grace_blocks >= self.epoch_length_blocks {
            return Err("pow.window_grace_blocks must be 1..epoch_length_blocks".into());
        }
        let usable = self.epoch_length_blocks - self.window_grace_blocks;
        if self.windows_per_epoch == 0 || u64::from(self.windows_per_epoch) > usable {
            return Err(
                "pow.windows_per_epoch must be 1..=(epoch_length_blocks - window_grace_blocks)"
                    .into(),
            );
        }
        if self.outcomes_kept == 0 || self.outcomes_kept > 256 {
            return Err("pow.outcomes_kept must be 1..=256".into());
        }
        if self.density_resolution > 12 {
            return Err("pow.density_resolution must be 0..=12".into());
        }
        for (name, v) in [
            ("reputation_start_ppm", self.reputation_start_ppm),
            ("reputation_gain_ppm", self.reputation_gain_ppm),
            ("reputation_loss_ppm", self.reputation_loss_ppm),
            ("reputation_decay_ppm", self.reputation_decay_ppm),
        ] {
            if v > 1_000_000 {
                return Err(format!("pow.{name} must be at most 1000000"));
            }
        }
        Ok(())
    }
}

impl Write for PowParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.epoch_length_blocks.write(buf);
        self.windows_per_epoch.write(buf);
        self.window_grace_blocks.write(buf);
        self.max_reports_per_bundle.write(buf);
        self.reputation_start_ppm.write(buf);
        self.reputation_gain_ppm.write(buf);
        self.reputation_loss_ppm.write(buf);
        self.reputation_decay_ppm.write(buf);
        self.outcomes_kept.write(buf);
        self.density_resolution.write(buf);
    }
}

impl Read for PowParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            epoch_length_blocks: u64::read(buf)?,
            windows_per_epoch: u32::read(buf)?,
            window_grace_blocks: u64::read(buf)?,
            max_reports_per_bundle: u32::read(buf)?,
            reputation_start_ppm: u32::read(buf)?,
            reputation_gain_ppm: u32::read(buf)?,
            reputation_loss_ppm: u32::read(buf)?,
            reputation_decay_ppm: u32::read(buf)?,
            outcomes_kept: u32::read(buf)?,
            density_resolution: u8::read(buf)?,
        })
    }
}

impl FixedSize for PowParams {
    const SIZE: usize = 8 + 4 + 8 + 4 * 6 + 1;
}
