//! Counters and clocks of the chain: heights, epochs, nonces, timestamps, basis points.

use bytes::BufMut;
use commonware_codec::Buf;
use commonware_codec::{Error, FixedSize, Read, ReadExt, Write};
use core::fmt;

macro_rules! counter {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            /// The zero value.
            pub const ZERO: Self = Self(0);

            /// Wraps a raw value.
            pub const fn new(value: u64) -> Self {
                Self(value)
            }

            /// The raw value.
            pub const fn get(self) -> u64 {
                self.0
            }

            /// The next value, or `None` at `u64::MAX`.
            pub const fn checked_next(self) -> Option<Self> {
                match self.0.checked_add(1) {
                    Some(v) => Some(Self(v)),
                    None => None,
                }
            }

            /// `self + delta`, or `None` on overflow.
            pub const fn checked_add(self, delta: u64) -> Option<Self> {
                match self.0.checked_add(delta) {
                    Some(v) => Some(Self(v)),
                    None => None,
                }
            }

            /// `self - earlier`, or `None` if `earlier > self`.
            pub const fn checked_since(self, earlier: Self) -> Option<u64> {
                self.0.checked_sub(earlier.0)
            }

            /// `self - delta`, clamped at zero.
            pub const fn saturating_sub(self, delta: u64) -> Self {
                Self(self.0.saturating_sub(delta))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl Write for $name {
            fn write(&self, buf: &mut impl BufMut) {
                self.0.write(buf);
            }
        }

        impl Read for $name {
            type Cfg = ();
            fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
                Ok(Self(u64::read(buf)?))
            }
        }

        impl FixedSize for $name {
            const SIZE: usize = u64::SIZE;
        }
    };
}

counter!(
    /// A block height. Genesis is height 0; the first block with transactions is height 1.
    Height
);
counter!(
    /// A reward epoch: `epoch = (height - 1) / epoch_length_blocks`.
    Epoch
);
counter!(
    /// An account's transaction sequence number: the next transaction must carry exactly it.
    Nonce
);
counter!(
    /// Milliseconds since the Unix epoch, as proposed in a block header. State code reads time
    /// only from here.
    TimestampMs
);

/// A fraction in units of 1/10_000 (0..=10_000), for rates set by genesis or governance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BasisPoints(u16);

impl BasisPoints {
    /// 100 %.
    pub const ONE: Self = Self(10_000);
    /// 0 %.
    pub const ZERO: Self = Self(0);

    /// `bps` basis points, or `None` above 10_000.
    pub const fn new(bps: u16) -> Option<Self> {
        if bps > 10_000 { None } else { Some(Self(bps)) }
    }

    /// The raw basis points.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// `value * self / 10_000`, rounded down (the remainder stays with the caller, who must
    /// account for it).
    pub fn apply_floor(self, value: u64) -> u64 {
        // u64 * 10_000 fits in u128; the quotient is <= value so it fits back in u64.
        let scaled = u128::from(value) * u128::from(self.0) / 10_000;
        u64::try_from(scaled).expect("quotient is at most value")
    }
}

impl Write for BasisPoints {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl Read for BasisPoints {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Self::new(u16::read(buf)?).ok_or(Error::Invalid("BasisPoints", "above 10000"))
    }
}

impl FixedSize for BasisPoints {
    const SIZE: usize = u16::SIZE;
}

/// A resource class's id: its tag in device records, reports, reward pools and epoch
/// summaries. Which ids exist is the app's class list (`terrane_app::modules`), not this type:
/// any byte decodes, and a class the chain does not run is refused by the rule that meets it
/// (registration, report, pool).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(u8);

impl ClassId {
    /// Wraps a raw id.
    pub const fn new(id: u8) -> Self {
        Self(id)
    }

    /// The raw id.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for ClassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Write for ClassId {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl Read for ClassId {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self(u8::read(buf)?))
    }
}

impl FixedSize for ClassId {
    const SIZE: usize = 1;
}

#[cfg(feature = "schema")]
impl utoipa::PartialSchema for ClassId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        u8::schema()
    }
}

#[cfg(feature = "schema")]
impl utoipa::ToSchema for ClassId {}

impl serde::Serialize for ClassId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ClassId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        u8::deserialize(d).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::{DecodeExt, Encode};

    #[test]
    fn counters_encode_as_eight_big_endian_bytes() {
        let h = Height::new(0x0102);
        assert_eq!(h.encode().as_ref(), &[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(Height::decode(h.encode()).unwrap(), h);
    }

    #[test]
    fn counters_report_overflow() {
        assert_eq!(Nonce::new(u64::MAX).checked_next(), None);
        assert_eq!(Height::new(3).checked_since(Height::new(5)), None);
    }

    #[test]
    fn basis_points_reject_more_than_one_hundred_percent() {
        assert!(BasisPoints::new(10_001).is_none());
        assert!(BasisPoints::decode(10_001u16.encode()).is_err());
        assert_eq!(BasisPoints::new(2_500).unwrap().apply_floor(101), 25);
    }
}
