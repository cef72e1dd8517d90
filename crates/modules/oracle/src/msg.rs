//! The oracle's message.

use crate::types::MicroUsdPerTrn;
use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::TimestampMs;

/// An oracle key's price report; the transaction's signer is the oracle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubmitPrice {
    /// Micro-USD per whole TRN; non-zero.
    pub price: MicroUsdPerTrn,
    /// When the oracle observed it, ms since the Unix epoch.
    pub timestamp: TimestampMs,
}

impl Write for SubmitPrice {
    fn write(&self, buf: &mut impl BufMut) {
        self.price.write(buf);
        self.timestamp.write(buf);
    }
}

impl Read for SubmitPrice {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            price: MicroUsdPerTrn::read(buf)?,
            timestamp: TimestampMs::read(buf)?,
        })
    }
}

impl FixedSize for SubmitPrice {
    const SIZE: usize = 16;
}
