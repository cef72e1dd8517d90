//! Reports, verdicts and the records the framework keeps.

use bytes::BufMut;
use commonware_codec::{Buf, Encode, EncodeSize, Error, FixedSize, RangeCfg, Read, ReadExt, Write};
use commonware_cryptography::ed25519;
use terrane_primitives::{ClassId, DeviceId, Epoch, Hash32, Height, sha256};

/// Largest class-specific report payload, bytes.
pub const MAX_PAYLOAD_BYTES: usize = 256;

/// One device's claim of work, before signing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The device that did the work.
    pub device: DeviceId,
    /// The epoch the work belongs to (only the current epoch's reports are accepted).
    pub epoch: Epoch,
    /// The resource class whose verifier judges it.
    pub class: ClassId,
    /// The class's report kind (e.g. coverage: 0 beacon, 1 witness).
    pub kind: u8,
    /// The class-specific body (`docs/spec/<class>.md`).
    pub payload: Vec<u8>,
}

impl Report {
    /// The report id: SHA-256 of its encoding. Signature and signer are not part of it, so the
    /// same claim signed twice (device key and session key) is still one report.
    pub fn id(&self) -> Hash32 {
        sha256(&[&self.encode()])
    }
}

impl Write for Report {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.epoch.write(buf);
        self.class.write(buf);
        self.kind.write(buf);
        self.payload.write(buf);
    }
}

impl EncodeSize for Report {
    fn encode_size(&self) -> usize {
        32 + 8 + 1 + 1 + self.payload.encode_size()
    }
}

impl Read for Report {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            epoch: Epoch::read(buf)?,
            class: ClassId::read(buf)?,
            kind: u8::read(buf)?,
            payload: Vec::<u8>::read_cfg(buf, &(RangeCfg::from(0..=MAX_PAYLOAD_BYTES), ()))?,
        })
    }
}

/// A report with its signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedReport {
    /// The report.
    pub report: Report,
    /// Who signed: the device's own key or one of its live session keys.
    pub signer: DeviceId,
    /// Signature over `varint(len(ns)) || ns || encode(report)`, `ns = terrane/<chain>/device-report`.
    pub signature: ed25519::Signature,
}

impl Write for SignedReport {
    fn write(&self, buf: &mut impl BufMut) {
        self.report.write(buf);
        self.signer.write(buf);
        self.signature.write(buf);
    }
}

impl EncodeSize for SignedReport {
    fn encode_size(&self) -> usize {
        self.report.encode_size() + 32 + 64
    }
}

impl Read for SignedReport {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            report: Report::read(buf)?,
            signer: DeviceId::read(buf)?,
            signature: ed25519::Signature::read(buf)?,
        })
    }
}

/// A verifier's judgement of one report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Valid, worth `units` work units now.
    Valid {
        /// Units credited to the device's epoch work.
        units: u64,
    },
    /// Valid so far; its units are decided when the epoch closes (e.g. witness selection).
    Pending,
    /// Invalid, and the device is accountable: its reputation falls.
    Invalid(u16),
    /// Not counted, but possibly through no fault of the device (e.g. a witness of a beaconer
    /// whose asserted location is wrong): recorded without a reputation penalty.
    Refused(u16),
}

impl Verdict {
    /// The outcome code recorded for it (0 for valid and pending).
    pub const fn code(&self) -> u16 {
        match self {
            Self::Valid { .. } | Self::Pending => 0,
            Self::Invalid(code) | Self::Refused(code) => *code,
        }
    }
}

/// A device's proof record: reputation and counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceWork {
    /// Reputation in parts per million (see [`crate::reputation`]).
    pub reputation_ppm: u32,
    /// The epoch the reputation was last brought up to date (decay is applied lazily).
    pub reputation_epoch: Epoch,
    /// Valid reports ever.
    pub valid_reports: u64,
    /// Invalid reports ever.
    pub invalid_reports: u64,
    /// Outcomes recorded ever (the next ring slot is `outcomes % outcomes_kept`).
    pub outcomes: u64,
}

impl Write for DeviceWork {
    fn write(&self, buf: &mut impl BufMut) {
        self.reputation_ppm.write(buf);
        self.reputation_epoch.write(buf);
        self.valid_reports.write(buf);
        self.invalid_reports.write(buf);
        self.outcomes.write(buf);
    }
}

impl Read for DeviceWork {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            reputation_ppm: u32::read(buf)?,
            reputation_epoch: Epoch::read(buf)?,
            valid_reports: u64::read(buf)?,
            invalid_reports: u64::read(buf)?,
            outcomes: u64::read(buf)?,
        })
    }
}

impl FixedSize for DeviceWork {
    const SIZE: usize = 4 + 8 + 8 + 8 + 8;
}

/// One recorded report outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutcomeRecord {
    /// The report.
    pub report_id: Hash32,
    /// Height it was judged at.
    pub height: Height,
    /// Its epoch.
    pub epoch: Epoch,
    /// Its class's report kind.
    pub kind: u8,
    /// 0 if valid (or pending), else the reason code.
    pub code: u16,
    /// Units credited by it (0 while pending or if invalid).
    pub units: u64,
}

impl Write for OutcomeRecord {
    fn write(&self, buf: &mut impl BufMut) {
        self.report_id.write(buf);
        self.height.write(buf);
        self.epoch.write(buf);
        self.kind.write(buf);
        self.code.write(buf);
        self.units.write(buf);
    }
}

impl Read for OutcomeRecord {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            report_id: Hash32::read(buf)?,
            height: Height::read(buf)?,
            epoch: Epoch::read(buf)?,
            kind: u8::read(buf)?,
            code: u16::read(buf)?,
            units: u64::read(buf)?,
        })
    }
}

impl FixedSize for OutcomeRecord {
    const SIZE: usize = 32 + 8 + 8 + 1 + 2 + 8;
}

/// What the chain knows about an epoch once it opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochInfo {
    /// The randomness that schedules the epoch (the block randomness of its first block).
    pub randomness: Hash32,
    /// Its first height.
    pub start_height: Height,
    /// Devices in the work ledger so far.
    pub workers: u32,
}

impl Write for EpochInfo {
    fn write(&self, buf: &mut impl BufMut) {
        self.randomness.write(buf);
        self.start_height.write(buf);
        self.workers.write(buf);
    }
}

impl Read for EpochInfo {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            randomness: Hash32::read(buf)?,
            start_height: Height::read(buf)?,
            workers: u32::read(buf)?,
        })
    }
}

impl FixedSize for EpochInfo {
    const SIZE: usize = 32 + 8 + 4;
}

/// A device's work in one epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkEntry {
    /// Work units credited.
    pub units: u64,
    /// The device's class.
    pub class: ClassId,
    /// Its location's parent at the density resolution (raw H3 index).
    pub density_cell: u64,
    /// Its position in the epoch's worker list.
    pub index: u32,
}

impl Write for WorkEntry {
    fn write(&self, buf: &mut impl BufMut) {
        self.units.write(buf);
        self.class.write(buf);
        self.density_cell.write(buf);
        self.index.write(buf);
    }
}

impl Read for WorkEntry {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            units: u64::read(buf)?,
            class: ClassId::read(buf)?,
            density_cell: u64::read(buf)?,
            index: u32::read(buf)?,
        })
    }
}

impl FixedSize for WorkEntry {
    const SIZE: usize = 8 + 1 + 8 + 4;
}
