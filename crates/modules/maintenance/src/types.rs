//! A declared window and a device's list of them.

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, FixedSize, RangeCfg, Read, ReadExt, Write};
use terrane_primitives::{Epoch, Height};

/// Most windows a stored list decodes: a list keeps the windows that end after the previous
/// period began, so they start in at most four periods (the one before the previous, whose
/// last window may reach into it, the previous, the current and the next).
pub const MAX_WINDOWS_DECODE: usize = 4 * crate::params::MAX_WINDOWS_PER_PERIOD as usize;

/// Epochs `[start, start + epochs)` of rest, declared at `declared_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The first epoch.
    pub start: Epoch,
    /// How many epochs (at least 1).
    pub epochs: u32,
    /// The block that declared it.
    pub declared_at: Height,
}

impl Window {
    /// The first epoch after the window.
    pub fn end(&self) -> u64 {
        self.start
            .get()
            .checked_add(u64::from(self.epochs))
            .expect("declare keeps windows within a period of the current epoch")
    }

    /// Whether `epoch` is inside.
    pub fn covers(&self, epoch: Epoch) -> bool {
        self.start <= epoch && epoch.get() < self.end()
    }

    /// How many epochs of `[from, to)` are inside.
    pub fn overlap(&self, from: u64, to: u64) -> u64 {
        let lo = from.max(self.start.get());
        let hi = to.min(self.end());
        hi.saturating_sub(lo)
    }
}

impl Write for Window {
    fn write(&self, buf: &mut impl BufMut) {
        self.start.write(buf);
        self.epochs.write(buf);
        self.declared_at.write(buf);
    }
}

impl Read for Window {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            start: Epoch::read(buf)?,
            epochs: u32::read(buf)?,
            declared_at: Height::read(buf)?,
        })
    }
}

impl FixedSize for Window {
    const SIZE: usize = Epoch::SIZE + 4 + Height::SIZE;
}

/// A device's windows, ordered by start, never overlapping; those that ended before the
/// previous period are dropped when the next one is declared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Windows(pub Vec<Window>);

impl Write for Windows {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl EncodeSize for Windows {
    fn encode_size(&self) -> usize {
        self.0.encode_size()
    }
}

impl Read for Windows {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self(Vec::<Window>::read_cfg(
            buf,
            &(RangeCfg::from(0..=MAX_WINDOWS_DECODE), ()),
        )?))
    }
}
