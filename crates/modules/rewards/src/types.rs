//! Reward records the chain keeps.

use crate::{
    economy::{Economy, UsageLine},
    split::{Breakdown, Cap},
};
use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Amount, ClassId, Epoch, Hash32, Height};

/// What one class's pool did in a closed epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassTotals {
    /// The class.
    pub class: ClassId,
    /// Its pool, after its cap.
    pub pool: u64,
    /// Distributed to its devices.
    pub distributed: u64,
}

impl Write for ClassTotals {
    fn write(&self, buf: &mut impl BufMut) {
        self.class.write(buf);
        self.pool.write(buf);
        self.distributed.write(buf);
    }
}

impl Read for ClassTotals {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            class: ClassId::read(buf)?,
            pool: u64::read(buf)?,
            distributed: u64::read(buf)?,
        })
    }
}

impl FixedSize for ClassTotals {
    const SIZE: usize = 1 + 8 + 8;
}

/// Most classes an epoch summary lists: every pool the parameters may hold, plus classes that
/// did work without a pool (paid nothing, listed so the summary accounts for them).
pub const MAX_SUMMARY_CLASSES: usize = 256;

/// What closing an epoch decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochSummary {
    /// The epoch's emission.
    pub emission: u64,
    /// Per class, in ascending class id: every class with a pool and every class with work.
    pub classes: Vec<ClassTotals>,
    /// Rounding dust plus the class-split remainder, minted to the treasury.
    pub dust: u64,
    /// Not issued (caps, classes with no work).
    pub not_issued: u64,
    /// Merkle root of the reward list (rewarded devices, class order, then work order).
    pub reward_root: Hash32,
    /// Devices with a reward line.
    pub devices: u32,
    /// Devices rewarded a non-zero amount.
    pub rewarded: u32,
    /// Height at which the epoch was closed.
    pub closed_at: Height,
    /// The burn-and-mint figures: re-mint, paid usage, the subsidy and its bound.
    pub economy: Economy,
    /// The validators' share, handed to staking to pay bonded validators (part of
    /// `emission`; staking mints it).
    pub validators: u64,
}

impl EpochSummary {
    /// Everything the epoch distributed: the class pools' subsidy and paid usage.
    pub fn distributed_total(&self) -> u64 {
        self.classes.iter().map(|c| c.distributed).sum::<u64>() + self.economy.usage_paid
    }

    /// The totals of `class`, if the summary lists it.
    pub fn class(&self, class: ClassId) -> Option<&ClassTotals> {
        self.classes.iter().find(|c| c.class == class)
    }
}

impl Write for EpochSummary {
    fn write(&self, buf: &mut impl BufMut) {
        self.emission.write(buf);
        // At most 256 classes exist (a class id is one byte); the count is stored as u16.
        u16::try_from(self.classes.len())
            .expect("at most 256 classes")
            .write(buf);
        for c in &self.classes {
            c.write(buf);
        }
        self.dust.write(buf);
        self.not_issued.write(buf);
        self.reward_root.write(buf);
        self.devices.write(buf);
        self.rewarded.write(buf);
        self.closed_at.write(buf);
        self.economy.write(buf);
        self.validators.write(buf);
    }
}

impl EncodeSize for EpochSummary {
    fn encode_size(&self) -> usize {
        8 + 2 + ClassTotals::SIZE * self.classes.len() + 8 + 8 + 32 + 4 + 4 + 8 + Economy::SIZE + 8
    }
}

impl Read for EpochSummary {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let emission = u64::read(buf)?;
        let n = usize::from(u16::read(buf)?);
        if n > MAX_SUMMARY_CLASSES {
            return Err(Error::Invalid("EpochSummary", "more than 256 classes"));
        }
        let classes = (0..n)
            .map(|_| ClassTotals::read(buf))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            emission,
            classes,
            dust: u64::read(buf)?,
            not_issued: u64::read(buf)?,
            reward_root: Hash32::read(buf)?,
            devices: u32::read(buf)?,
            rewarded: u32::read(buf)?,
            closed_at: Height::read(buf)?,
            economy: Economy::read(buf)?,
            validators: u64::read(buf)?,
        })
    }
}

/// A device's reward ledger.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeviceRewards {
    /// Everything ever credited.
    pub cumulative: Amount,
    /// Everything ever claimed by an owner.
    pub claimed: Amount,
    /// The last epoch that credited it.
    pub last_epoch: Epoch,
    /// Everything ever handed to the device's delegators (their share of each epoch's
    /// credit, moved to its stake pool at the close).
    pub delegated: Amount,
}

impl DeviceRewards {
    /// Credited, not handed to delegators, and not yet claimed.
    pub fn claimable(&self) -> Amount {
        self.cumulative
            .checked_sub(self.claimed)
            .and_then(|a| a.checked_sub(self.delegated))
            .expect("claimed and delegated never exceed cumulative")
    }
}

impl Write for DeviceRewards {
    fn write(&self, buf: &mut impl BufMut) {
        self.cumulative.write(buf);
        self.claimed.write(buf);
        self.last_epoch.write(buf);
        self.delegated.write(buf);
    }
}

impl Read for DeviceRewards {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            cumulative: Amount::read(buf)?,
            claimed: Amount::read(buf)?,
            last_epoch: Epoch::read(buf)?,
            delegated: Amount::read(buf)?,
        })
    }
}

impl FixedSize for DeviceRewards {
    const SIZE: usize = 32;
}

/// One device's reward line in one epoch: the breakdown by rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RewardLine {
    /// The class of the pool it was paid from.
    pub class: ClassId,
    /// Its position in the epoch's reward list (`None` if it earned nothing).
    pub leaf_index: Option<u32>,
    /// How the subsidy amount was computed.
    pub breakdown: Breakdown,
    /// Its paid usage in this close (zero for a device without customers).
    pub usage: UsageLine,
}

impl RewardLine {
    /// Everything the line pays: its subsidy and its usage.
    pub fn total(&self) -> u64 {
        self.breakdown.amount + self.usage.paid
    }
}

fn cap_tag(c: Cap) -> u8 {
    match c {
        Cap::None => 0,
        Cap::Device => 1,
        Cap::Cell => 2,
        Cap::Demand => 3,
    }
}

impl Write for RewardLine {
    fn write(&self, buf: &mut impl BufMut) {
        self.class.write(buf);
        self.leaf_index.write(buf);
        let b = &self.breakdown;
        b.units.write(buf);
        b.cell_devices.write(buf);
        b.cell_scale_ppm.write(buf);
        b.reputation_ppm.write(buf);
        b.vetting_ppm.write(buf);
        b.eligible.write(buf);
        b.demand_cap.write(buf);
        b.backing_ppm.write(buf);
        b.scaled_units.write(buf);
        b.uncapped.write(buf);
        cap_tag(b.capped_by).write(buf);
        b.amount.write(buf);
        self.usage.write(buf);
    }
}

impl EncodeSize for RewardLine {
    fn encode_size(&self) -> usize {
        1 + self.leaf_index.encode_size()
            + 8
            + 4
            + 4
            + 4
            + 4
            + 1
            + 8
            + 4
            + 16
            + 8
            + 1
            + 8
            + UsageLine::SIZE
    }
}

impl Read for RewardLine {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let class = ClassId::read(buf)?;
        let leaf_index = Option::<u32>::read(buf)?;
        let breakdown = Breakdown {
            units: u64::read(buf)?,
            cell_devices: u32::read(buf)?,
            cell_scale_ppm: u32::read(buf)?,
            reputation_ppm: u32::read(buf)?,
            vetting_ppm: u32::read(buf)?,
            eligible: bool::read(buf)?,
            demand_cap: u64::read(buf)?,
            backing_ppm: u32::read(buf)?,
            scaled_units: u128::read(buf)?,
            uncapped: u64::read(buf)?,
            capped_by: match u8::read(buf)? {
                0 => Cap::None,
                1 => Cap::Device,
                2 => Cap::Cell,
                3 => Cap::Demand,
                t => return Err(Error::InvalidEnum(t)),
            },
            amount: u64::read(buf)?,
        };
        Ok(Self {
            class,
            leaf_index,
            breakdown,
            usage: UsageLine::read(buf)?,
        })
    }
}

/// The module's running totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Minted to devices and not yet claimed (held by the module).
    pub unclaimed: Amount,
    /// Everything ever distributed to devices.
    pub distributed: Amount,
    /// Everything ever minted to the treasury as dust.
    pub dust: Amount,
    /// The last epoch closed, if any.
    pub last_closed: Option<Epoch>,
    /// TRN burned for credits that was re-minted into emission, since genesis.
    pub reminted: Amount,
    /// Everything ever paid for usage (part of `distributed`).
    pub usage_paid: Amount,
    /// The last epoch whose usage was settled (a close without a fresh price defers it).
    pub usage_settled: Option<Epoch>,
    /// Everything ever handed from devices' credit to their delegators' stake pools (part of
    /// `distributed`, no longer part of `unclaimed`).
    pub delegated: Amount,
}

impl Write for Ledger {
    fn write(&self, buf: &mut impl BufMut) {
        self.unclaimed.write(buf);
        self.distributed.write(buf);
        self.dust.write(buf);
        self.last_closed.write(buf);
        self.reminted.write(buf);
        self.usage_paid.write(buf);
        self.usage_settled.write(buf);
        self.delegated.write(buf);
    }
}

impl EncodeSize for Ledger {
    fn encode_size(&self) -> usize {
        24 + self.last_closed.encode_size() + 16 + self.usage_settled.encode_size() + 8
    }
}

impl Read for Ledger {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            unclaimed: Amount::read(buf)?,
            distributed: Amount::read(buf)?,
            dust: Amount::read(buf)?,
            last_closed: Option::<Epoch>::read(buf)?,
            reminted: Amount::read(buf)?,
            usage_paid: Amount::read(buf)?,
            usage_settled: Option::<Epoch>::read(buf)?,
            delegated: Amount::read(buf)?,
        })
    }
}
