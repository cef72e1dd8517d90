//! The staking messages.

use crate::types::Target;
use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Amount, BasisPoints};

/// Stakes `amount` of the signer's TRN on `target`: the operator's bond when the signer
/// operates it, a delegation otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stake {
    /// On what.
    pub target: Target,
    /// TRN base units.
    pub amount: Amount,
}

/// Starts unbonding `amount` of the signer's position on `target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unstake {
    /// From what.
    pub target: Target,
    /// TRN base units.
    pub amount: Amount,
}

/// Pays the signer every unbonding entry whose release epoch has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WithdrawUnbonded;

/// The operator of `target` sets its commission (effective after the chain's delay).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetCommission {
    /// Whose.
    pub target: Target,
    /// The new commission.
    pub commission: BasisPoints,
}

/// Pays the signer its settled staking rewards on `target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimStakeRewards {
    /// From what.
    pub target: Target,
}

macro_rules! target_amount_codec {
    ($t:ident) => {
        impl Write for $t {
            fn write(&self, buf: &mut impl BufMut) {
                self.target.write(buf);
                self.amount.write(buf);
            }
        }
        impl Read for $t {
            type Cfg = ();
            fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
                Ok(Self {
                    target: Target::read(buf)?,
                    amount: Amount::read(buf)?,
                })
            }
        }
        impl FixedSize for $t {
            const SIZE: usize = Target::SIZE + Amount::SIZE;
        }
    };
}
target_amount_codec!(Stake);
target_amount_codec!(Unstake);

impl Write for WithdrawUnbonded {
    fn write(&self, _: &mut impl BufMut) {}
}
impl Read for WithdrawUnbonded {
    type Cfg = ();
    fn read_cfg(_: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self)
    }
}
impl FixedSize for WithdrawUnbonded {
    const SIZE: usize = 0;
}

impl Write for SetCommission {
    fn write(&self, buf: &mut impl BufMut) {
        self.target.write(buf);
        self.commission.write(buf);
    }
}
impl Read for SetCommission {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            target: Target::read(buf)?,
            commission: BasisPoints::read(buf)?,
        })
    }
}
impl FixedSize for SetCommission {
    const SIZE: usize = Target::SIZE + BasisPoints::SIZE;
}

impl Write for ClaimStakeRewards {
    fn write(&self, buf: &mut impl BufMut) {
        self.target.write(buf);
    }
}
impl Read for ClaimStakeRewards {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            target: Target::read(buf)?,
        })
    }
}
impl FixedSize for ClaimStakeRewards {
    const SIZE: usize = Target::SIZE;
}
