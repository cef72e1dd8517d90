//! Slash records, their status, the due lists and the module's totals.

use crate::msg::Evidence;
use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Address, Amount, BasisPoints, Epoch, Height};
use terrane_staking::types::Target;

/// Where a slash stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlashStatus {
    /// Waiting out its appeal window.
    Pending,
    /// Executed: stake taken, bounty paid, the rest burned.
    Executed,
    /// Answered by counter-proofs: it never executes (`outcome` says why).
    Voided,
    /// Came due with nothing left to slash.
    Lapsed,
}

impl SlashStatus {
    /// The stable name (API, CLI).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Executed => "executed",
            Self::Voided => "voided",
            Self::Lapsed => "lapsed",
        }
    }
}

impl Write for SlashStatus {
    fn write(&self, buf: &mut impl BufMut) {
        let tag: u8 = match self {
            Self::Pending => 0,
            Self::Executed => 1,
            Self::Voided => 2,
            Self::Lapsed => 3,
        };
        tag.write(buf);
    }
}

impl Read for SlashStatus {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        match u8::read(buf)? {
            0 => Ok(Self::Pending),
            1 => Ok(Self::Executed),
            2 => Ok(Self::Voided),
            3 => Ok(Self::Lapsed),
            _ => Err(Error::Invalid("SlashStatus", "unknown status")),
        }
    }
}

impl FixedSize for SlashStatus {
    const SIZE: usize = 1;
}

/// One slash: who, for what, on which evidence, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slash {
    /// Its id (sequential from 1).
    pub id: u64,
    /// Whose stake.
    pub target: Target,
    /// The offence: a [`crate::outcome::SlashReason`] code (1150-1159).
    pub offence: u16,
    /// Who submitted the evidence (earns the bounty).
    pub reporter: Address,
    /// The epoch of the offence (the last one, for a windowed rule).
    pub offence_epoch: Epoch,
    /// The height the evidence was accepted at.
    pub submitted: Height,
    /// The epoch whose close executes it, unless voided first.
    pub due: Epoch,
    /// The fraction of the target's stake it takes.
    pub fraction: BasisPoints,
    /// Where it stands.
    pub status: SlashStatus,
    /// 0 while pending or executed; [`crate::outcome::SlashReason`] code of how it ended
    /// otherwise (appeal upheld, lapsed).
    pub outcome: u16,
    /// Counter-proofs accepted so far.
    pub appeals: u8,
    /// Stake taken (bonded and unbonding), once executed.
    pub slashed: Amount,
    /// The reporter's part of it.
    pub bounty: Amount,
    /// The evidence (missed-duties epochs answered by an appeal are removed from it).
    pub evidence: Evidence,
}

impl Write for Slash {
    fn write(&self, buf: &mut impl BufMut) {
        self.id.write(buf);
        self.target.write(buf);
        self.offence.write(buf);
        self.reporter.write(buf);
        self.offence_epoch.write(buf);
        self.submitted.write(buf);
        self.due.write(buf);
        self.fraction.write(buf);
        self.status.write(buf);
        self.outcome.write(buf);
        self.appeals.write(buf);
        self.slashed.write(buf);
        self.bounty.write(buf);
        self.evidence.write(buf);
    }
}

impl EncodeSize for Slash {
    fn encode_size(&self) -> usize {
        8 + Target::SIZE + 2 + 32 + 8 + 8 + 8 + 2 + 1 + 2 + 1 + 8 + 8 + self.evidence.encode_size()
    }
}

impl Read for Slash {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            id: u64::read(buf)?,
            target: Target::read(buf)?,
            offence: u16::read(buf)?,
            reporter: Address::read(buf)?,
            offence_epoch: Epoch::read(buf)?,
            submitted: Height::read(buf)?,
            due: Epoch::read(buf)?,
            fraction: BasisPoints::read(buf)?,
            status: SlashStatus::read(buf)?,
            outcome: u16::read(buf)?,
            appeals: u8::read(buf)?,
            slashed: Amount::read(buf)?,
            bounty: Amount::read(buf)?,
            evidence: Evidence::read(buf)?,
        })
    }
}

/// Most ids one list holds (due per epoch: the parameter's bound; per target: the latest).
pub const MAX_IDS: usize = crate::params::MAX_DUE_PER_EPOCH as usize;

/// Slashes a target's list keeps (the latest; older records stay readable by id).
pub const TARGET_SLASHES_KEPT: usize = 64;

/// A list of slash ids, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdList(pub Vec<u64>);

impl Write for IdList {
    fn write(&self, buf: &mut impl BufMut) {
        u16::try_from(self.0.len())
            .expect("an id list within its bound")
            .write(buf);
        for id in &self.0 {
            id.write(buf);
        }
    }
}

impl EncodeSize for IdList {
    fn encode_size(&self) -> usize {
        2 + 8 * self.0.len()
    }
}

impl Read for IdList {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let n = usize::from(u16::read(buf)?);
        if n > MAX_IDS {
            return Err(Error::Invalid("IdList", "too many ids"));
        }
        (0..n)
            .map(|_| u64::read(buf))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// The module's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlashLedger {
    /// Slashes recorded (the last id).
    pub count: u64,
    /// Still pending.
    pub pending: u64,
    /// Stake taken by executed slashes.
    pub slashed: Amount,
    /// Bounties paid out of it.
    pub bounties: Amount,
    /// Burned: the rest.
    pub burned: Amount,
}

impl Write for SlashLedger {
    fn write(&self, buf: &mut impl BufMut) {
        self.count.write(buf);
        self.pending.write(buf);
        self.slashed.write(buf);
        self.bounties.write(buf);
        self.burned.write(buf);
    }
}

impl Read for SlashLedger {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            count: u64::read(buf)?,
            pending: u64::read(buf)?,
            slashed: Amount::read(buf)?,
            bounties: Amount::read(buf)?,
            burned: Amount::read(buf)?,
        })
    }
}

impl FixedSize for SlashLedger {
    const SIZE: usize = 8 * 5;
}
