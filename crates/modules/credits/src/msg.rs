//! The credits message.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Address, Amount};

/// Burns `amount` of the signer's TRN at the chain's price and credits the credits to `to`
/// (the signer itself, or another account: a company funding its devices or its customers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BurnForCredits {
    /// Who receives the credits.
    pub to: Address,
    /// TRN base units to burn.
    pub amount: Amount,
}

impl Write for BurnForCredits {
    fn write(&self, buf: &mut impl BufMut) {
        self.to.write(buf);
        self.amount.write(buf);
    }
}

impl Read for BurnForCredits {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            to: Address::read(buf)?,
            amount: Amount::read(buf)?,
        })
    }
}

impl FixedSize for BurnForCredits {
    const SIZE: usize = Address::SIZE + Amount::SIZE;
}
