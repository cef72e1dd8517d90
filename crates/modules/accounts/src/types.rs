//! Account and supply records.

use bytes::BufMut;
use commonware_codec::Buf;
use commonware_codec::{EncodeSize, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Address, Amount, Height, Nonce};

/// One account. An address with no record has balance 0 and nonce 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Spendable balance.
    pub balance: Amount,
    /// The nonce the account's next transaction must carry.
    pub nonce: Nonce,
}

impl Write for Account {
    fn write(&self, buf: &mut impl BufMut) {
        self.balance.write(buf);
        self.nonce.write(buf);
    }
}

impl Read for Account {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            balance: Amount::read(buf)?,
            nonce: Nonce::read(buf)?,
        })
    }
}

impl FixedSize for Account {
    const SIZE: usize = Amount::SIZE + Nonce::SIZE;
}

/// The supply ledger: where every base unit came from and where the burned ones went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Supply {
    /// Allocated at genesis.
    pub genesis: Amount,
    /// Minted since genesis (rewards).
    pub minted: Amount,
    /// Burned since genesis (fees, onboarding, data credits).
    pub burned: Amount,
}

impl Supply {
    /// Tokens in circulation: `genesis + minted - burned`.
    ///
    /// # Panics
    /// If burned exceeds what was ever issued: the ledger is corrupt.
    pub fn circulating(&self) -> Amount {
        self.genesis
            .checked_add(self.minted)
            .and_then(|issued| issued.checked_sub(self.burned))
            .expect("supply ledger: burned exceeds issued")
    }
}

impl Write for Supply {
    fn write(&self, buf: &mut impl BufMut) {
        self.genesis.write(buf);
        self.minted.write(buf);
        self.burned.write(buf);
    }
}

impl Read for Supply {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            genesis: Amount::read(buf)?,
            minted: Amount::read(buf)?,
            burned: Amount::read(buf)?,
        })
    }
}

impl EncodeSize for Supply {
    fn encode_size(&self) -> usize {
        3 * Amount::SIZE
    }
}

/// Who first funded an address, and when: written by the transfer that created it (an address
/// with no account record). Genesis allocations have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FundingOrigin {
    /// The sender of that transfer.
    pub funder: Address,
    /// The height it executed at.
    pub height: Height,
}

impl Write for FundingOrigin {
    fn write(&self, buf: &mut impl BufMut) {
        self.funder.write(buf);
        self.height.write(buf);
    }
}

impl Read for FundingOrigin {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            funder: Address::read(buf)?,
            height: Height::read(buf)?,
        })
    }
}

impl FixedSize for FundingOrigin {
    const SIZE: usize = Address::SIZE + Height::SIZE;
}
