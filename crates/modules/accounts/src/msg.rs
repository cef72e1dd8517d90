//! The transfer message.

use bytes::BufMut;
use commonware_codec::Buf;
use commonware_codec::{EncodeSize, Error, RangeCfg, Read, ReadExt, Write};
use terrane_primitives::{Address, Amount};

/// Longest memo a transfer may carry, in bytes.
pub const MAX_MEMO_BYTES: usize = 64;

/// Move `amount` from the transaction's signer to `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// Recipient.
    pub to: Address,
    /// Amount moved; must be non-zero.
    pub amount: Amount,
    /// Free-form note for the recipient (at most [`MAX_MEMO_BYTES`]).
    pub memo: Vec<u8>,
}

impl Write for Transfer {
    fn write(&self, buf: &mut impl BufMut) {
        self.to.write(buf);
        self.amount.write(buf);
        self.memo.write(buf);
    }
}

impl Read for Transfer {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            to: Address::read(buf)?,
            amount: Amount::read(buf)?,
            memo: Vec::<u8>::read_cfg(buf, &(RangeCfg::from(0..=MAX_MEMO_BYTES), ()))?,
        })
    }
}

impl EncodeSize for Transfer {
    fn encode_size(&self) -> usize {
        self.to.encode_size() + self.amount.encode_size() + self.memo.encode_size()
    }
}
