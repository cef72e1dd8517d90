//! The records the oracle keeps.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Height, TimestampMs};

/// A price: micro-USD per whole TRN (10^6 base units). Never zero on chain.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MicroUsdPerTrn(u64);

impl MicroUsdPerTrn {
    /// Wraps a raw price.
    pub const fn new(value: u64) -> Self {
        Self(value)
    }

    /// The raw price.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl Write for MicroUsdPerTrn {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl Read for MicroUsdPerTrn {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self(u64::read(buf)?))
    }
}

impl FixedSize for MicroUsdPerTrn {
    const SIZE: usize = 8;
}

/// An oracle's latest report, as accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriceReport {
    /// The price it reported.
    pub price: MicroUsdPerTrn,
    /// When it observed the price (its own clock, checked against the block's).
    pub timestamp: TimestampMs,
    /// The height that accepted it.
    pub height: Height,
}

impl Write for PriceReport {
    fn write(&self, buf: &mut impl BufMut) {
        self.price.write(buf);
        self.timestamp.write(buf);
        self.height.write(buf);
    }
}

impl Read for PriceReport {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            price: MicroUsdPerTrn::read(buf)?,
            timestamp: TimestampMs::read(buf)?,
            height: Height::read(buf)?,
        })
    }
}

impl FixedSize for PriceReport {
    const SIZE: usize = 24;
}

/// The chain's price at a moment: the median and what it was taken over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainPrice {
    /// The median of the fresh reports.
    pub price: MicroUsdPerTrn,
    /// How many fresh reports it was taken over.
    pub reports: u32,
    /// The oldest fresh report's timestamp.
    pub oldest: TimestampMs,
}
