//! The claim transaction.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::DeviceId;

/// Move a device's credited, unclaimed rewards to its owner's balance (the signer must own it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRewards {
    /// The device.
    pub device: DeviceId,
}

impl Write for ClaimRewards {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
    }
}

impl Read for ClaimRewards {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
        })
    }
}

impl FixedSize for ClaimRewards {
    const SIZE: usize = 32;
}
