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

terrane_primitives::quantity!(
    /// Shares of a pool's bonded stake or of its unbonding stake. A position holds shares, not
    /// TRN, so a slash cuts every position of the pool at once by cutting the pool's stake (no
    /// per-position work): a position's stake is `shares × stake / total shares`, floored.
    /// Shares are issued 1:1 while nothing was slashed and at most `2^64 − 1` exist per pool,
    /// so every product below fits `u128`.
    Shares
);

/// One side of a pool (bonded or unbonding): its stake and the shares that divide it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Book {
    /// TRN base units.
    pub stake: Amount,
    /// Shares outstanding against it.
    pub shares: Shares,
}

impl Book {
    /// What `shares` of this book are worth: `⌊shares × stake / total shares⌋`, all of it for
    /// all the shares.
    pub fn value(&self, shares: Shares) -> Amount {
        if shares.is_zero() || self.shares.is_zero() {
            return Amount::ZERO;
        }
        if shares == self.shares {
            return self.stake;
        }
        let v =
            u128::from(shares.get()) * u128::from(self.stake.get()) / u128::from(self.shares.get());
        Amount::new(u64::try_from(v).expect("a part of the book's stake fits a u64"))
    }

    /// The shares a deposit of `amount` buys: 1:1 into an empty book, else
    /// `⌊amount × total shares / stake⌋` (a share is never worth more than one base unit,
    /// since only slashes change the ratio, so this is at least `amount`). `None` if the
    /// book's shares would pass `u64` (a pool slashed so deeply that it takes no more).
    pub fn shares_for(&self, amount: Amount) -> Option<Shares> {
        if self.shares.is_zero() {
            return Some(Shares(amount.get()));
        }
        let n =
            u128::from(amount.get()) * u128::from(self.shares.get()) / u128::from(self.stake.get());
        let n = u64::try_from(n).ok()?;
        self.shares.0.checked_add(n)?;
        Some(Shares(n))
    }

    /// The shares a withdrawal of `amount` out of a holding of `held` shares burns: all of
    /// them for its whole value, else `⌈amount × total shares / stake⌉` (rounding against the
    /// one leaving). `None` if `amount` exceeds what `held` is worth.
    pub fn shares_to_burn(&self, held: Shares, amount: Amount) -> Option<Shares> {
        let worth = self.value(held);
        if amount > worth {
            return None;
        }
        if amount == worth {
            return Some(held);
        }
        let num = u128::from(amount.get()) * u128::from(self.shares.get());
        let n = num.div_ceil(u128::from(self.stake.get()));
        // amount ≤ ⌊held·stake/shares⌋ ⇒ amount·shares ≤ held·stake ⇒ n ≤ held.
        Some(Shares(u64::try_from(n).expect("at most the shares held")))
    }

    /// Adds `amount` for `shares`.
    pub fn deposit(&mut self, amount: Amount, shares: Shares) {
        self.stake = self
            .stake
            .checked_add(amount)
            .expect("stake within the supply");
        self.shares = self
            .shares
            .checked_add(shares)
            .expect("checked by shares_for");
    }

    /// Removes `amount` and `shares`.
    pub fn withdraw(&mut self, amount: Amount, shares: Shares) {
        self.stake = self.stake.checked_sub(amount).expect("a part of the book");
        self.shares = self.shares.checked_sub(shares).expect("a part of the book");
    }

    /// Cuts `bps` basis points (below 10,000) of the stake, floored; the shares stay, each now
    /// worth less. A book with stake keeps at least one base unit of it.
    pub fn cut(&mut self, bps: BasisPoints) -> Amount {
        let cut = Amount::new(bps.apply_floor(self.stake.get()));
        self.stake = self
            .stake
            .checked_sub(cut)
            .expect("a fraction of the stake");
        cut
    }
}

impl Write for Book {
    fn write(&self, buf: &mut impl BufMut) {
        self.stake.write(buf);
        self.shares.write(buf);
    }
}

impl Read for Book {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            stake: Amount::read(buf)?,
            shares: Shares::read(buf)?,
        })
    }
}

impl FixedSize for Book {
    const SIZE: usize = 16;
}

/// Everything staked behind one target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    /// Who operates the target (a device's owner when the pool opened; a validator's account).
    pub operator: Address,
    /// Bonded stake and its shares: every position's, the operator's included.
    pub bonded: Book,
    /// The operator's own shares of `bonded` (what "bonded" is judged on).
    pub operator_shares: Shares,
    /// Stake on its way out of this target and the shares of it the unbonding entries hold:
    /// still slashable.
    pub unbonding: Book,
    /// Stake slashed from this target, ever.
    pub slashed: Amount,
    /// The commission in force.
    pub commission: BasisPoints,
    /// The commission that takes over at `commission_from` (equal to `commission` when none
    /// is pending).
    pub next_commission: BasisPoints,
    /// The first epoch `next_commission` applies to.
    pub commission_from: Epoch,
    /// Cumulative reward per delegated share, times [`ACC_SCALE`]. Wrapping: only
    /// differences between two readings are ever used, and each is far below 2^128.
    pub acc: u128,
    /// Rewards distributed to the pool's positions and not yet paid out: settled pendings
    /// plus what the accumulator owes. Per-position flooring leaves a few base units here
    /// that no position can claim; they go to the treasury when the pool empties.
    pub owed: Amount,
    /// The part of `owed` already settled into positions' `pending`.
    pub pending: Amount,
}

impl Pool {
    /// Bonded stake, every position's.
    pub fn total(&self) -> Amount {
        self.bonded.stake
    }

    /// The operator's own bonded stake.
    pub fn operator_stake(&self) -> Amount {
        self.bonded.value(self.operator_shares)
    }

    /// Bonded stake that is not the operator's.
    pub fn delegated(&self) -> Amount {
        self.total()
            .checked_sub(self.operator_stake())
            .expect("the operator's stake is part of the total")
    }

    /// Shares of bonded stake that are not the operator's (what rewards accrue on).
    pub fn delegated_shares(&self) -> Shares {
        self.bonded
            .shares
            .checked_sub(self.operator_shares)
            .expect("the operator's shares are part of the total")
    }

    /// Whether the operator's own stake reaches `min_bond` (a zero bond never counts, even
    /// against a zero minimum): the one rule for "bonded", for devices and validators alike.
    /// A slash that takes the operator below it unbonds the target until it tops up.
    pub fn is_bonded(&self, min_bond: Amount) -> bool {
        let own = self.operator_stake();
        !own.is_zero() && own >= min_bond
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
        self.bonded.write(buf);
        self.operator_shares.write(buf);
        self.unbonding.write(buf);
        self.slashed.write(buf);
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
            bonded: Book::read(buf)?,
            operator_shares: Shares::read(buf)?,
            unbonding: Book::read(buf)?,
            slashed: Amount::read(buf)?,
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
    const SIZE: usize = 32 + Book::SIZE + 8 + Book::SIZE + 8 + 2 + 2 + 8 + 16 + 8 + 8;
}

/// One account's stake on one target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// Shares of the pool's bonded stake.
    pub shares: Shares,
    /// The pool's accumulator when this position was last settled.
    pub acc_seen: u128,
    /// Rewards settled to this position and not yet claimed.
    pub pending: Amount,
}

impl Write for Position {
    fn write(&self, buf: &mut impl BufMut) {
        self.shares.write(buf);
        self.acc_seen.write(buf);
        self.pending.write(buf);
    }
}

impl Read for Position {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            shares: Shares::read(buf)?,
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
    /// Shares of the target's unbonding stake (worth what they are worth at withdrawal:
    /// a slash in between cuts them).
    pub shares: Shares,
    /// The first epoch it may be withdrawn in.
    pub release: Epoch,
}

impl Write for Unbonding {
    fn write(&self, buf: &mut impl BufMut) {
        self.target.write(buf);
        self.shares.write(buf);
        self.release.write(buf);
    }
}

impl Read for Unbonding {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            target: Target::read(buf)?,
            shares: Shares::read(buf)?,
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
    /// Stake slashed since genesis (bonded and unbonding).
    pub slashed: Amount,
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
        self.slashed.write(buf);
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
            slashed: Amount::read(buf)?,
        })
    }
}

impl FixedSize for StakeLedger {
    const SIZE: usize = 8 * 6;
}
