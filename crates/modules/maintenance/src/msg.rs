//! The maintenance transaction.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{DeviceId, Epoch};

/// The device's owner declares that `device` rests for `epochs` epochs from `start`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclareMaintenance {
    /// The device.
    pub device: DeviceId,
    /// The window's first epoch.
    pub start: Epoch,
    /// Epochs it lasts (at least 1).
    pub epochs: u32,
}

impl Write for DeclareMaintenance {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.start.write(buf);
        self.epochs.write(buf);
    }
}

impl Read for DeclareMaintenance {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            start: Epoch::read(buf)?,
            epochs: u32::read(buf)?,
        })
    }
}

impl FixedSize for DeclareMaintenance {
    const SIZE: usize = DeviceId::SIZE + Epoch::SIZE + 4;
}
