//! The coverage class's messages: the report payloads a device signs (kinds 0 and 1, carried
//! in pow's `SubmitReports`), and the commitment a witness makes to a beacon's nonce.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{DeviceId, Hash32, sha256};

/// The commitment a witness reports for a beacon it heard.
pub fn commitment(beaconer: &DeviceId, nonce: &[u8; 16]) -> Hash32 {
    sha256(&[b"terrane/beacon/v1", beaconer.as_ref(), nonce])
}

/// A beacon reveal (report kind 0): the beaconer discloses the nonce it transmitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Beacon {
    /// The secret the radio beacon carried.
    pub nonce: [u8; 16],
    /// Transmit frequency, kHz.
    pub frequency_khz: u32,
    /// When it was transmitted, ms since the Unix epoch (device clock).
    pub timestamp_ms: u64,
}

impl Write for Beacon {
    fn write(&self, buf: &mut impl BufMut) {
        self.nonce.write(buf);
        self.frequency_khz.write(buf);
        self.timestamp_ms.write(buf);
    }
}

impl Read for Beacon {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            nonce: <[u8; 16]>::read(buf)?,
            frequency_khz: u32::read(buf)?,
            timestamp_ms: u64::read(buf)?,
        })
    }
}

impl FixedSize for Beacon {
    const SIZE: usize = 16 + 4 + 8;
}

/// A witness (report kind 1): the reporting device heard `beaconer`'s beacon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witness {
    /// Whose beacon.
    pub beaconer: DeviceId,
    /// [`commitment`] of the beaconer and the nonce heard.
    pub commitment: Hash32,
    /// Received signal strength, tenths of dBm.
    pub rssi_dbm_x10: i16,
    /// Signal-to-noise ratio, tenths of dB.
    pub snr_db_x10: i16,
    /// Frequency heard, kHz.
    pub frequency_khz: u32,
    /// When it was heard, ms since the Unix epoch (device clock).
    pub timestamp_ms: u64,
}

impl Write for Witness {
    fn write(&self, buf: &mut impl BufMut) {
        self.beaconer.write(buf);
        self.commitment.write(buf);
        self.rssi_dbm_x10.write(buf);
        self.snr_db_x10.write(buf);
        self.frequency_khz.write(buf);
        self.timestamp_ms.write(buf);
    }
}

impl Read for Witness {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            beaconer: DeviceId::read(buf)?,
            commitment: Hash32::read(buf)?,
            rssi_dbm_x10: i16::read(buf)?,
            snr_db_x10: i16::read(buf)?,
            frequency_khz: u32::read(buf)?,
            timestamp_ms: u64::read(buf)?,
        })
    }
}

impl FixedSize for Witness {
    const SIZE: usize = 32 + 32 + 2 + 2 + 4 + 8;
}
