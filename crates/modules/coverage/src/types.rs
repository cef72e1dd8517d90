//! What the chain stores about coverage reports (the payloads themselves are in [`crate::msg`]).

use crate::msg::Witness;
use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{DeviceId, Hash32, Height};

/// A revealed beacon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BeaconRecord {
    /// The commitment it opens.
    pub commitment: Hash32,
    /// Its report id.
    pub report_id: Hash32,
    /// Transmit frequency, kHz.
    pub frequency_khz: u32,
    /// Transmit time, ms.
    pub timestamp_ms: u64,
    /// Height it was revealed at.
    pub revealed_at: Height,
}

impl Write for BeaconRecord {
    fn write(&self, buf: &mut impl BufMut) {
        self.commitment.write(buf);
        self.report_id.write(buf);
        self.frequency_khz.write(buf);
        self.timestamp_ms.write(buf);
        self.revealed_at.write(buf);
    }
}

impl Read for BeaconRecord {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            commitment: Hash32::read(buf)?,
            report_id: Hash32::read(buf)?,
            frequency_khz: u32::read(buf)?,
            timestamp_ms: u64::read(buf)?,
            revealed_at: Height::read(buf)?,
        })
    }
}

impl FixedSize for BeaconRecord {
    const SIZE: usize = 32 + 32 + 4 + 8 + 8;
}

/// Everything about one beaconer in one epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BeaconSlot {
    /// Its revealed beacon, if any.
    pub beacon: Option<BeaconRecord>,
    /// Witnesses stored for it (they live at `(epoch, beaconer, 0..witnesses)`).
    pub witnesses: u32,
}

impl Write for BeaconSlot {
    fn write(&self, buf: &mut impl BufMut) {
        self.beacon.write(buf);
        self.witnesses.write(buf);
    }
}

impl commonware_codec::EncodeSize for BeaconSlot {
    fn encode_size(&self) -> usize {
        self.beacon.encode_size() + 4
    }
}

impl Read for BeaconSlot {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            beacon: Option::<BeaconRecord>::read(buf)?,
            witnesses: u32::read(buf)?,
        })
    }
}

/// A stored witness, awaiting the epoch close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WitnessRecord {
    /// The witnessing device.
    pub witness: DeviceId,
    /// Its report id.
    pub report_id: Hash32,
    /// What it reported.
    pub body: Witness,
    /// Distance between the two asserted cells, m.
    pub distance_m: u32,
    /// Height it was submitted at.
    pub height: Height,
    /// That block's time, ms: the chain's own evidence that the beacon had been heard by
    /// then, whatever the beaconer later declares.
    pub included_ms: u64,
}

impl Write for WitnessRecord {
    fn write(&self, buf: &mut impl BufMut) {
        self.witness.write(buf);
        self.report_id.write(buf);
        self.body.write(buf);
        self.distance_m.write(buf);
        self.height.write(buf);
        self.included_ms.write(buf);
    }
}

impl Read for WitnessRecord {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            witness: DeviceId::read(buf)?,
            report_id: Hash32::read(buf)?,
            body: Witness::read(buf)?,
            distance_m: u32::read(buf)?,
            height: Height::read(buf)?,
            included_ms: u64::read(buf)?,
        })
    }
}

impl FixedSize for WitnessRecord {
    const SIZE: usize = 32 + 32 + Witness::SIZE + 4 + 8 + 8;
}
