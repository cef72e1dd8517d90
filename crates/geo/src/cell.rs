//! `H3Cell`: a location as an H3 cell index, carried raw and validated on demand.
//!
//! Decoding never validates: a transaction whose cell is garbage still decodes, and its handler
//! calls [`H3Cell::validate`] and turns the [`GeoError`] into the module's own reason code. Nothing
//! here panics; every function is integer-only (see the crate docs for the h3o calls).

use bytes::BufMut;
use commonware_codec::Buf;
use commonware_codec::{Error, FixedSize, Read, ReadExt, Write};
use core::fmt;
use core::str::FromStr;
use h3o::{CellIndex, Resolution};

/// The resolution every device location is asserted at: resolution 12, hexagons with an average
/// edge of about 10.8 m (about 307 m² each).
pub const DEVICE_RESOLUTION: u8 = 12;

/// Why an `H3Cell` is not an acceptable location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GeoError {
    /// The 64 bits are not an H3 cell index (bad mode or reserved bits, invalid base cell,
    /// malformed digits, a deleted pentagon subsequence, or a directed-edge/vertex index).
    #[error("not an H3 cell index")]
    NotACell,
    /// A valid cell, at another resolution than the one required.
    #[error("H3 cell has resolution {got}, expected {expected}")]
    WrongResolution {
        /// The resolution required.
        expected: u8,
        /// The cell's resolution.
        got: u8,
    },
}

/// Why text is not an `H3Cell`'s hexadecimal form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected 1 to 16 hexadecimal digits (optional 0x prefix), like 8c1fb46622dffff")]
pub struct ParseH3CellError;

/// A location: the 64-bit H3 index of a cell, unvalidated.
///
/// Wire form: the raw index as a big-endian `u64`, 8 bytes, any value accepted. Text form: the H3
/// convention, lower-case hexadecimal without prefix, 15 digits for every valid cell (shorter
/// raw values are zero-padded to 15; values at or above 2^60, never valid cells, print 16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct H3Cell(u64);

impl H3Cell {
    /// See [`DEVICE_RESOLUTION`].
    pub const DEVICE_RESOLUTION: u8 = DEVICE_RESOLUTION;

    /// Wraps a raw 64-bit index without checking it.
    pub const fn from_raw(raw: u64) -> Self {
        Self(raw)
    }

    /// The raw 64-bit index.
    pub const fn raw(self) -> u64 {
        self.0
    }

    /// `Ok` if this is a valid H3 cell index at exactly `expected_res`.
    pub fn validate(self, expected_res: u8) -> Result<(), GeoError> {
        let got = self.resolution().ok_or(GeoError::NotACell)?;
        if got == expected_res {
            Ok(())
        } else {
            Err(GeoError::WrongResolution {
                expected: expected_res,
                got,
            })
        }
    }

    /// The cell's resolution (0..=15), or `None` if this is not a valid cell index.
    pub fn resolution(self) -> Option<u8> {
        self.index().map(|cell| u8::from(cell.resolution()))
    }

    /// The cell containing this one at the coarser-or-equal resolution `res`, or `None` if this
    /// is not a valid cell, `res > 15`, or `res` is finer than the cell's own resolution.
    pub fn parent(self, res: u8) -> Option<Self> {
        let res = Resolution::try_from(res).ok()?;
        let parent = self.index()?.parent(res)?;
        Some(Self(u64::from(parent)))
    }

    /// The h3o view of this cell, if valid. `CellIndex::try_from(u64)` is pure bit checks.
    pub(crate) fn index(self) -> Option<CellIndex> {
        CellIndex::try_from(self.0).ok()
    }
}

impl fmt::Display for H3Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015x}", self.0)
    }
}

impl FromStr for H3Cell {
    type Err = ParseH3CellError;

    /// Parses 1 to 16 hex digits of either case, without a `0x` prefix (the rule for every
    /// hex input). Like decoding, parsing does not validate the cell: call
    /// [`H3Cell::validate`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits = text;
        if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(ParseH3CellError);
        }
        u64::from_str_radix(digits, 16)
            .map(Self)
            .map_err(|_| ParseH3CellError)
    }
}

impl Write for H3Cell {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl Read for H3Cell {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self(u64::read(buf)?))
    }
}

impl FixedSize for H3Cell {
    const SIZE: usize = u64::SIZE;
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::{DecodeExt, Encode};
    use proptest::prelude::*;

    /// A resolution-12 cell in San Francisco.
    const SF_RES12: u64 = 0x8c2830828052dff;

    #[test]
    fn display_is_fifteen_lower_case_hex_digits() {
        let cell = H3Cell::from_raw(SF_RES12);
        assert_eq!(cell.to_string(), "8c2830828052dff");
        assert_eq!(H3Cell::from_raw(0xab).to_string(), "0000000000000ab");
    }

    #[test]
    fn from_str_accepts_either_case_and_refuses_a_prefix_and_junk() {
        let cell = H3Cell::from_raw(SF_RES12);
        assert_eq!("8c2830828052dff".parse::<H3Cell>(), Ok(cell));
        assert_eq!("8C2830828052DFF".parse::<H3Cell>(), Ok(cell));
        assert!("0x8c2830828052dff".parse::<H3Cell>().is_err());
        for junk in [
            "",
            "0x",
            "+8c2830828052dff",
            "8c28308280 52dff",
            "1ffffffffffffffff",
            "xyz",
        ] {
            assert_eq!(junk.parse::<H3Cell>(), Err(ParseH3CellError), "{junk:?}");
        }
    }

    #[test]
    fn encodes_as_eight_big_endian_bytes() {
        let bytes = H3Cell::from_raw(SF_RES12).encode();
        assert_eq!(bytes.as_ref(), SF_RES12.to_be_bytes());
    }

    #[test]
    fn decoding_does_not_validate() {
        let garbage = u64::MAX;
        let decoded =
            H3Cell::decode(bytes::Bytes::copy_from_slice(&garbage.to_be_bytes())).unwrap();
        assert_eq!(decoded.raw(), garbage);
        assert_eq!(decoded.validate(DEVICE_RESOLUTION), Err(GeoError::NotACell));
    }

    #[test]
    fn parent_walks_up_and_refuses_finer_or_invalid() {
        let cell = H3Cell::from_raw(SF_RES12);
        let parent = cell.parent(9).unwrap();
        assert_eq!(parent.resolution(), Some(9));
        assert_eq!(parent.parent(5), cell.parent(5));
        assert_eq!(cell.parent(12), Some(cell));
        assert_eq!(cell.parent(13), None);
        assert_eq!(cell.parent(16), None);
        assert_eq!(H3Cell::from_raw(0).parent(3), None);
    }

    proptest! {
        #[test]
        fn text_and_wire_forms_round_trip_any_raw_value(raw in any::<u64>()) {
            let cell = H3Cell::from_raw(raw);
            prop_assert_eq!(cell.to_string().parse::<H3Cell>(), Ok(cell));
            prop_assert_eq!(H3Cell::decode(cell.encode()).unwrap(), cell);
        }
    }
}
