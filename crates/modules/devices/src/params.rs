//! Device registry parameters, set at genesis.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};
use terrane_primitives::Amount;

/// Fees and limits of the device registry. Class-specific limits (antenna gain, relocation
/// cooldowns) belong to the class's own parameters.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesParams {
    /// Burned from the owner when a device registers, base units.
    pub onboarding_fee: u64,
    /// Burned from the owner when a location is re-asserted, base units.
    pub location_fee: u64,
    /// Longest session key lifetime, blocks.
    pub max_session_blocks: u64,
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
            max_session_blocks: 100_000,
        }
    }
}

impl Write for DevicesParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.onboarding_fee.write(buf);
        self.location_fee.write(buf);
        self.max_session_blocks.write(buf);
    }
}

impl Read for DevicesParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            onboarding_fee: u64::read(buf)?,
            location_fee: u64::read(buf)?,
            max_session_blocks: u64::read(buf)?,
        })
    }
}

impl FixedSize for DevicesParams {
    const SIZE: usize = 8 * 3;
}
