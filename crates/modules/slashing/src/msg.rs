//! The slashing messages: evidence of an offence, and an appeal with a counter-proof.

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, Read, ReadExt, Write};
use terrane_pow::types::SignedReport;
use terrane_primitives::{DeviceId, Epoch};

/// Most epochs one missed-duties evidence lists (the codec's bound; the rule's window is at
/// most this).
pub const MAX_EVIDENCE_EPOCHS: usize = 32;

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
}

impl Evidence {
    const EQUIVOCATION: u8 = 1;
    const INVALID: u8 = 2;
    const MISSED: u8 = 3;

    /// The accused device.
    pub fn device(&self) -> DeviceId {
        match self {
            Self::DeviceEquivocation { first, .. } => first.report.device,
            Self::RepeatedInvalidProofs { device, .. } | Self::MissedDuties { device, .. } => {
                *device
            }
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
