//! Fee parameters, set at genesis.

use bytes::BufMut;
use commonware_codec::Buf;
use commonware_codec::{Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::Amount;

/// What a transaction must pay to be executed.
///
/// Minimum fee = `base_fee + byte_fee * encoded_length`: a flat cost per transaction plus one
/// per byte, so large bundles pay for the block space they take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountsParams {
    /// Flat part of the minimum fee.
    pub base_fee: Amount,
    /// Per-byte part of the minimum fee.
    pub byte_fee: Amount,
}

impl AccountsParams {
    /// The minimum fee for a transaction of `encoded_len` bytes, saturating at the maximum
    /// amount (such a fee is unpayable, so saturation only ever rejects).
    pub fn min_fee(&self, encoded_len: usize) -> Amount {
        let bytes = u64::try_from(encoded_len).unwrap_or(u64::MAX);
        self.base_fee
            .saturating_add(Amount::new(self.byte_fee.get().saturating_mul(bytes)))
    }
}

impl Default for AccountsParams {
    fn default() -> Self {
        Self {
            base_fee: Amount::new(1_000),
            byte_fee: Amount::new(10),
        }
    }
}

impl Write for AccountsParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.base_fee.write(buf);
        self.byte_fee.write(buf);
    }
}

impl Read for AccountsParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            base_fee: Amount::read(buf)?,
            byte_fee: Amount::read(buf)?,
        })
    }
}

impl FixedSize for AccountsParams {
    const SIZE: usize = 2 * Amount::SIZE;
}
