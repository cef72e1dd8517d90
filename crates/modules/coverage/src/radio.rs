//! What a coverage device is: its radio (antenna gain, conducted power, band), the coverage
//! class's encoding of a device's capabilities bytes, and the rule on their range.
//!
//! ```text
//! capabilities bytes (5): antenna_gain_dbi_x10 i16 BE · tx_power_dbm_x10 i16 BE · band u8
//! ```

use crate::{CLASS, params::CoverageParams};
use terrane_devices::{handler::ClassCheck, types::Capabilities};

/// A radio band a coverage device transmits in. The tag is stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Band {
    /// EU 863-870 MHz.
    Eu868 = 0,
    /// US 902-928 MHz.
    Us915 = 1,
    /// AS 920-923 MHz.
    As923 = 2,
    /// 2.4 GHz ISM, 2400-2483.5 MHz.
    Ism2400 = 3,
}

impl Band {
    /// Every band, in tag order.
    pub const ALL: [Self; 4] = [Self::Eu868, Self::Us915, Self::As923, Self::Ism2400];

    /// The band's frequency range in kHz, inclusive.
    pub const fn range_khz(self) -> (u32, u32) {
        match self {
            Self::Eu868 => (863_000, 870_000),
            Self::Us915 => (902_000, 928_000),
            Self::As923 => (920_000, 923_000),
            Self::Ism2400 => (2_400_000, 2_483_500),
        }
    }

    /// Whether `freq_khz` is inside the band.
    pub const fn contains(self, freq_khz: u32) -> bool {
        let (lo, hi) = self.range_khz();
        freq_khz >= lo && freq_khz <= hi
    }

    /// The stable name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Eu868 => "eu868",
            Self::Us915 => "us915",
            Self::As923 => "as923",
            Self::Ism2400 => "ism2400",
        }
    }

    /// The band named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The band with `tag`.
    pub fn from_tag(tag: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|b| *b as u8 == tag)
    }
}

/// A coverage device's radio, as its maker attested it (fixed-point, unit last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Radio {
    /// Antenna gain in tenths of dBi.
    pub antenna_gain_dbi_x10: i16,
    /// Transmit power (conducted) in tenths of dBm.
    pub tx_power_dbm_x10: i16,
    /// Band it transmits in.
    pub band: Band,
}

/// Encoded length of a [`Radio`].
pub const RADIO_BYTES: usize = 5;

/// Lowest conducted transmit power a radio may claim, tenths of dBm (-20 dBm: below that no
/// witness hears it, so a lower claim is an encoding error, not a weak radio).
pub const MIN_TX_POWER_DBM_X10: i16 = -200;

impl Radio {
    /// The device capabilities carrying this radio.
    pub fn capabilities(&self) -> Capabilities {
        let mut b = [0u8; RADIO_BYTES];
        b[..2].copy_from_slice(&self.antenna_gain_dbi_x10.to_be_bytes());
        b[2..4].copy_from_slice(&self.tx_power_dbm_x10.to_be_bytes());
        b[4] = self.band as u8;
        Capabilities::new(CLASS, &b).expect("five bytes fit")
    }

    /// The radio in `caps`, if they are coverage capabilities in this encoding.
    pub fn decode(caps: &Capabilities) -> Option<Self> {
        if caps.class() != CLASS {
            return None;
        }
        let b: [u8; RADIO_BYTES] = caps.bytes().try_into().ok()?;
        Some(Self {
            antenna_gain_dbi_x10: i16::from_be_bytes([b[0], b[1]]),
            tx_power_dbm_x10: i16::from_be_bytes([b[2], b[3]]),
            band: Band::from_tag(b[4])?,
        })
    }

    /// The class's verdict on registering a device with `caps`: well-formed, gain within
    /// `0..=max_antenna_gain_dbi_x10`, power within
    /// `MIN_TX_POWER_DBM_X10..=max_tx_power_dbm_x10`.
    pub fn check(caps: &Capabilities, p: &CoverageParams) -> ClassCheck {
        let Some(r) = Self::decode(caps) else {
            return ClassCheck::Malformed;
        };
        if (0..=p.max_antenna_gain_dbi_x10).contains(&r.antenna_gain_dbi_x10)
            && (MIN_TX_POWER_DBM_X10..=p.max_tx_power_dbm_x10).contains(&r.tx_power_dbm_x10)
        {
            ClassCheck::Accepted
        } else {
            ClassCheck::OutOfRange
        }
    }
}

/// Coverage capabilities for tests and simulations: gain and power in tenths.
pub fn capabilities(antenna_gain_dbi_x10: i16, tx_power_dbm_x10: i16, band: Band) -> Capabilities {
    Radio {
        antenna_gain_dbi_x10,
        tx_power_dbm_x10,
        band,
    }
    .capabilities()
}
