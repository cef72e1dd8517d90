//! The slashing messages: evidence of an offence, and an appeal with a counter-proof.

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, Read, ReadExt, Write};
use terrane_pow::types::SignedReport;
use terrane_primitives::{Address, DeviceId, Epoch};
use terrane_staking::types::Target;

/// Most epochs one missed-duties evidence lists (the codec's bound; the rule's window is at
/// most this).
pub const MAX_EVIDENCE_EPOCHS: usize = 32;

/// Most bytes of consensus votes one validator-equivocation evidence carries (the codec's
/// bound). Two threshold votes with their activity tag take about 300 bytes.
pub const MAX_VOTE_EVIDENCE_BYTES: usize = 1024;

/// What an offence is proven by.
// One per transaction, decoded once and stored once: boxing the reports would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Tag 1: two reports the device signed for one duty, with different content.
    DeviceEquivocation {
        /// One claim.
        first: SignedReport,
        /// The other.
        second: SignedReport,
    },
    /// Tag 2: the chain's own verdicts: at least the threshold of accountable invalid reports
    /// of `device` in the window of epochs ending at `last_epoch`.
    RepeatedInvalidProofs {
        /// The accused.
        device: DeviceId,
        /// The last epoch of the window (closed).
        last_epoch: Epoch,
    },
    /// Tag 3: epochs (strictly ascending, closed) in which `device` owed a beacon and the
    /// chain recorded none.
    MissedDuties {
        /// The accused.
        device: DeviceId,
        /// The epochs missed.
        epochs: Vec<Epoch>,
    },
    /// Tag 4: two consensus votes one validator signed that simplex forbids together: two
    /// notarizes or two finalizes of different proposals in one round, or a nullify and a
    /// finalize of one round. The app checks them against the genesis validator set.
    ValidatorEquivocation {
        /// The accused: its ed25519 key, which is its account and, in the genesis order of
        /// keys, its consensus participant index.
        validator: Address,
        /// The simplex activity the node reported (`ConflictingNotarize`,
        /// `ConflictingFinalize` or `NullifyFinalize`), codec-encoded; at most
        /// [`MAX_VOTE_EVIDENCE_BYTES`].
        votes: Vec<u8>,
    },
}

impl Evidence {
    const EQUIVOCATION: u8 = 1;
    const INVALID: u8 = 2;
    const MISSED: u8 = 3;
    const VALIDATOR: u8 = 4;

    /// The accused device; `None` for evidence against a validator.
    pub fn device(&self) -> Option<DeviceId> {
        match self {
            Self::DeviceEquivocation { first, .. } => Some(first.report.device),
            Self::RepeatedInvalidProofs { device, .. } | Self::MissedDuties { device, .. } => {
                Some(*device)
            }
            Self::ValidatorEquivocation { .. } => None,
        }
    }

    /// Whose stake the evidence accuses.
    pub fn target(&self) -> Target {
        match self {
            Self::ValidatorEquivocation { validator, .. } => Target::Validator(*validator),
            _ => Target::Device(self.device().expect("device evidence names its device")),
        }
    }
}

impl Write for Evidence {
    fn write(&self, buf: &mut impl BufMut) {
        match self {
            Self::DeviceEquivocation { first, second } => {
                Self::EQUIVOCATION.write(buf);
                first.write(buf);
                second.write(buf);
            }
            Self::RepeatedInvalidProofs { device, last_epoch } => {
                Self::INVALID.write(buf);
                device.write(buf);
                last_epoch.write(buf);
            }
            Self::MissedDuties { device, epochs } => {
                Self::MISSED.write(buf);
                device.write(buf);
                u8::try_from(epochs.len())
                    .expect("at most MAX_EVIDENCE_EPOCHS")
                    .write(buf);
                for e in epochs {
                    e.write(buf);
                }
            }
            Self::ValidatorEquivocation { validator, votes } => {
                Self::VALIDATOR.write(buf);
                validator.write(buf);
                u16::try_from(votes.len())
                    .expect("at most MAX_VOTE_EVIDENCE_BYTES")
                    .write(buf);
                buf.put_slice(votes);
            }
        }
    }
}

impl EncodeSize for Evidence {
    fn encode_size(&self) -> usize {
        1 + match self {
            Self::DeviceEquivocation { first, second } => {
                first.encode_size() + second.encode_size()
            }
            Self::RepeatedInvalidProofs { .. } => 32 + 8,
            Self::MissedDuties { epochs, .. } => 32 + 1 + 8 * epochs.len(),
            Self::ValidatorEquivocation { votes, .. } => 32 + 2 + votes.len(),
        }
    }
}

impl Read for Evidence {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        match u8::read(buf)? {
            Self::EQUIVOCATION => Ok(Self::DeviceEquivocation {
                first: SignedReport::read(buf)?,
                second: SignedReport::read(buf)?,
            }),
            Self::INVALID => Ok(Self::RepeatedInvalidProofs {
                device: DeviceId::read(buf)?,
                last_epoch: Epoch::read(buf)?,
            }),
            Self::MISSED => {
                let device = DeviceId::read(buf)?;
                let n = usize::from(u8::read(buf)?);
                if n > MAX_EVIDENCE_EPOCHS {
                    return Err(Error::Invalid("Evidence", "too many epochs"));
                }
                let epochs = (0..n).map(|_| Epoch::read(buf)).collect::<Result<_, _>>()?;
                Ok(Self::MissedDuties { device, epochs })
            }
            Self::VALIDATOR => {
                let validator = Address::read(buf)?;
                let n = usize::from(u16::read(buf)?);
                if n > MAX_VOTE_EVIDENCE_BYTES {
                    return Err(Error::Invalid("Evidence", "too many vote bytes"));
                }
                if buf.remaining() < n {
                    return Err(Error::EndOfBuffer);
                }
                let mut votes = vec![0; n];
                buf.copy_to_slice(&mut votes);
                Ok(Self::ValidatorEquivocation { validator, votes })
            }
            _ => Err(Error::Invalid("Evidence", "unknown evidence kind")),
        }
    }
}

/// Submits evidence of an offence; the signer is the reporter and earns the bounty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitEvidence {
    /// The evidence.
    pub evidence: Evidence,
}

impl Write for SubmitEvidence {
    fn write(&self, buf: &mut impl BufMut) {
        self.evidence.write(buf);
    }
}

impl EncodeSize for SubmitEvidence {
    fn encode_size(&self) -> usize {
        self.evidence.encode_size()
    }
}

impl Read for SubmitEvidence {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            evidence: Evidence::read(buf)?,
        })
    }
}

/// The accused's answer to a pending slash: the valid report the evidence claims is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppealSlash {
    /// Which slash.
    pub slash: u64,
    /// The counter-proof: for missed duties, the beacon reveal of one listed epoch, signed
    /// for the device, whose commitment a witness recorded on chain.
    pub counter: SignedReport,
}

impl Write for AppealSlash {
    fn write(&self, buf: &mut impl BufMut) {
        self.slash.write(buf);
        self.counter.write(buf);
    }
}

impl EncodeSize for AppealSlash {
    fn encode_size(&self) -> usize {
        8 + self.counter.encode_size()
    }
}

impl Read for AppealSlash {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            slash: u64::read(buf)?,
            counter: SignedReport::read(buf)?,
        })
    }
}
