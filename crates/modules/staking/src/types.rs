//! Stake targets, pools, positions and unbonding entries.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Address, Amount, BasisPoints, DeviceId, Epoch};

/// What stake stands behind: a device (its owner operates it) or a validator (its account
/// operates it). Encoded `kind ‖ 32 bytes` (0 device, 1 validator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// A registered device.
    Device(DeviceId),
    /// A validator, by its account address.
    Validator(Address),
}

impl Target {
    const DEVICE: u8 = 0;
    const VALIDATOR: u8 = 1;
}

impl core::fmt::Display for Target {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Device(d) => write!(f, "device:{d}"),
            Self::Validator(v) => write!(f, "validator:{v}"),
        }
    }
}

impl Write for Target {
    fn write(&self, buf: &mut impl BufMut) {
        match self {
            Self::Device(d) => {
                Self::DEVICE.write(buf);
                d.write(buf);
            }
            Self::Validator(v) => {
                Self::VALIDATOR.write(buf);
                v.write(buf);
            }
        }
    }
}

impl Read for Target {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        match u8::read(buf)? {
            Self::DEVICE => Ok(Self::Device(DeviceId::read(buf)?)),
            Self::VALIDATOR => Ok(Self::Validator(Address::read(buf)?)),
            _ => Err(Error::Invalid("Target", "unknown target kind")),
        }
    }
}

impl FixedSize for Target {
    const SIZE: usize = 1 + 32;
}

/// The fixed-point scale of a pool's reward-per-stake accumulator: rewards per base unit of
/// stake are kept in units of 1/10^18 base unit, so a pool of up to 10^12 TRN still accrues
/// every base unit of a reward of one TRN.
pub const ACC_SCALE: u128 = 1_000_000_000_000_000_000;

/// Everything staked behind one target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    /// Who operates the target (a device's owner when the pool opened; a validator's account).
    pub operator: Address,
    /// Stake of every position, the operator's included.
    pub total: Amount,
    /// The operator's own position (what "bonded" is judged on).
    pub operator_stake: Amount,
    /// The commission in force.
    pub commission: BasisPoints,
    /// The commission that takes over at `commission_from` (equal to `commission` when none
    /// is pending).
    pub next_commission: BasisPoints,
    /// The first epoch `next_commission` applies to.
    pub commission_from: Epoch,
    /// Cumulative reward per unit of stake, times [`ACC_SCALE`]. Wrapping: only differences
    /// between two readings are ever used, and each is far below 2^128.
    pub acc: u128,
    /// Rewards distributed to the pool's positions and not yet paid out: settled pendings
    /// plus what the accumulator owes. Per-position flooring leaves a few base units here
    /// that no position can claim; they go to the treasury when the pool empties.
    pub owed: Amount,
    /// The part of `owed` already settled into positions' `pending`.
    pub pending: Amount,
}

impl Pool {
    /// Whether the operator's own stake reaches `min_bond` (a zero bond never counts, even
    /// against a zero minimum): the one rule for "bonded", for devices and validators alike.
    pub fn is_bonded(&self, min_bond: Amount) -> bool {
        !self.operator_stake.is_zero() && self.operator_stake >= min_bond
    }

    /// The commission that applies to rewards of `epoch`.
    pub fn commission_at(&self, epoch: Epoch) -> BasisPoints {
        if epoch >= self.commission_from {
            self.next_commission
        } else {
            self.commission
        }
    }
}

impl Write for Pool {
    fn write(&self, buf: &mut impl BufMut) {
        self.operator.write(buf);
        self.total.write(buf);
        self.operator_stake.write(buf);
        self.commission.write(buf);
        self.next_commission.write(buf);
        self.commission_from.write(buf);
        self.acc.write(buf);
        self.owed.write(buf);
        self.pending.write(buf);
    }
}

impl Read for Pool {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            operator: Address::read(buf)?,
            total: Amount::read(buf)?,
            operator_stake: Amount::read(buf)?,
            commission: BasisPoints::read(buf)?,
            next_commission: BasisPoints::read(buf)?,
            commission_from: Epoch::read(buf)?,
            acc: u128::read(buf)?,
            owed: Amount::read(buf)?,
            pending: Amount::read(buf)?,
        })
    }
}

impl FixedSize for Pool {
    const SIZE: usize = 32 + 8 + 8 + 2 + 2 + 8 + 16 + 8 + 8;
}

/// One account's stake on one target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// Staked.
    pub amount: Amount,
    /// The pool's accumulator when this position was last settled.
    pub acc_seen: u128,
    /// Rewards settled to this position and not yet claimed.
    pub pending: Amount,
}

impl Write for Position {
    fn write(&self, buf: &mut impl BufMut) {
        self.amount.write(buf);
        self.acc_seen.write(buf);
        self.pending.write(buf);
    }
}

impl Read for Position {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            amount: Amount::read(buf)?,
            acc_seen: u128::read(buf)?,
            pending: Amount::read(buf)?,
        })
    }
}

impl FixedSize for Position {
    const SIZE: usize = 8 + 16 + 8;
}

/// Stake on its way out: no longer earning, still slashable until `release`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unbonding {
    /// What it was staked on (what a slash of that target reaches).
    pub target: Target,
    /// How much.
    pub amount: Amount,
    /// The first epoch it may be withdrawn in.
    pub release: Epoch,
}

impl Write for Unbonding {
    fn write(&self, buf: &mut impl BufMut) {
        self.target.write(buf);
        self.amount.write(buf);
        self.release.write(buf);
    }
}

impl Read for Unbonding {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            target: Target::read(buf)?,
            amount: Amount::read(buf)?,
            release: Epoch::read(buf)?,
        })
    }
}

impl FixedSize for Unbonding {
    const SIZE: usize = Target::SIZE + 8 + 8;
}

/// The most unbonding entries one account may have waiting (the codec's bound; the chain's
/// parameter `max_unbonding_entries` is at most this).
pub const MAX_UNBONDING: usize = 64;

/// An account's unbonding entries, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnbondingQueue(pub Vec<Unbonding>);

impl Write for UnbondingQueue {
    fn write(&self, buf: &mut impl BufMut) {
        // At most MAX_UNBONDING (the handler refuses more): fits a byte.
        u8::try_from(self.0.len())
            .expect("unbonding queue within its bound")
            .write(buf);
        for e in &self.0 {
            e.write(buf);
        }
    }
}

impl commonware_codec::EncodeSize for UnbondingQueue {
    fn encode_size(&self) -> usize {
        1 + self.0.len() * Unbonding::SIZE
    }
}

impl Read for UnbondingQueue {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let n = usize::from(u8::read(buf)?);
        if n > MAX_UNBONDING {
            return Err(Error::Invalid("UnbondingQueue", "too many entries"));
        }
        (0..n)
            .map(|_| Unbonding::read(buf))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// Most validators a chain lists (the consensus set is far smaller; this bounds the decode).
pub const MAX_VALIDATORS: usize = 1024;

/// The validator set, ascending by account, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidatorList(pub Vec<Address>);

impl Write for ValidatorList {
    fn write(&self, buf: &mut impl BufMut) {
        u16::try_from(self.0.len())
            .expect("validator set within its bound")
            .write(buf);
        for v in &self.0 {
            v.write(buf);
        }
    }
}

impl commonware_codec::EncodeSize for ValidatorList {
    fn encode_size(&self) -> usize {
        2 + self.0.len() * Address::SIZE
    }
}

impl Read for ValidatorList {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let n = usize::from(u16::read(buf)?);
        if n > MAX_VALIDATORS {
            return Err(Error::Invalid("ValidatorList", "too many validators"));
        }
        (0..n)
            .map(|_| Address::read(buf))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// The module's totals: what it holds for whom.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StakeLedger {
    /// Stake in positions.
    pub bonded: Amount,
    /// Stake in unbonding entries.
    pub unbonding: Amount,
    /// Rewards distributed to pools and not yet claimed (the pools' `owed`).
    pub rewards_owed: Amount,
    /// Rewards distributed to pools since genesis.
    pub rewards_distributed: Amount,
    /// Pools open.
    pub pools: u64,
}

impl StakeLedger {
    /// Every base unit the module holds.
    pub fn held(&self) -> Amount {
        self.bonded
            .checked_add(self.unbonding)
            .and_then(|a| a.checked_add(self.rewards_owed))
            .expect("staking holds less than the supply")
    }
}

impl Write for StakeLedger {
    fn write(&self, buf: &mut impl BufMut) {
        self.bonded.write(buf);
        self.unbonding.write(buf);
        self.rewards_owed.write(buf);
        self.rewards_distributed.write(buf);
        self.pools.write(buf);
    }
}

impl Read for StakeLedger {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            bonded: Amount::read(buf)?,
            unbonding: Amount::read(buf)?,
            rewards_owed: Amount::read(buf)?,
            rewards_distributed: Amount::read(buf)?,
            pools: u64::read(buf)?,
        })
    }
}

impl FixedSize for StakeLedger {
    const SIZE: usize = 8 * 5;
}
