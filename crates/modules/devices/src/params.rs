//! Device registry parameters, set at genesis.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};
use terrane_primitives::Amount;

/// Fees and limits of the device registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesParams {
    /// Burned from the owner when a device registers, base units.
    pub onboarding_fee: u64,
    /// Burned from the owner when a location is re-asserted, base units.
    pub location_fee: u64,
    /// Epochs without coverage rewards after a relocation.
    pub relocation_cooldown_epochs: u64,
    /// Longest session key lifetime, blocks.
    pub max_session_blocks: u64,
    /// Highest antenna gain a coverage device may claim, tenths of dBi.
    pub max_antenna_gain_dbi_x10: i16,
    /// Highest conducted transmit power a coverage device may claim, tenths of dBm.
    pub max_tx_power_dbm_x10: i16,
}

impl DevicesParams {
    /// The onboarding fee.
    pub const fn onboarding_fee(&self) -> Amount {
        Amount::new(self.onboarding_fee)
    }

    /// The location fee.
    pub const fn location_fee(&self) -> Amount {
        Amount::new(self.location_fee)
    }
}

impl Default for DevicesParams {
    fn default() -> Self {
        Self {
            onboarding_fee: 10_000_000,
            location_fee: 1_000_000,
            relocation_cooldown_epochs: 2,
            max_session_blocks: 100_000,
            max_antenna_gain_dbi_x10: 120,
            max_tx_power_dbm_x10: 300,
        }
    }
}

impl Write for DevicesParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.onboarding_fee.write(buf);
        self.location_fee.write(buf);
        self.relocation_cooldown_epochs.write(buf);
        self.max_session_blocks.write(buf);
        self.max_antenna_gain_dbi_x10.write(buf);
        self.max_tx_power_dbm_x10.write(buf);
    }
}

impl Read for DevicesParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            onboarding_fee: u64::read(buf)?,
            location_fee: u64::read(buf)?,
            relocation_cooldown_epochs: u64::read(buf)?,
            max_session_blocks: u64::read(buf)?,
            max_antenna_gain_dbi_x10: i16::read(buf)?,
            max_tx_power_dbm_x10: i16::read(buf)?,
        })
    }
}

impl FixedSize for DevicesParams {
    const SIZE: usize = 8 * 4 + 2 + 2;
}
