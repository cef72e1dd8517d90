//! Lower-case hex without a `0x` prefix: the one encoding the API uses for bytes, on
//! `const-hex`.
//!
//! Encoding always emits lower case; decoding accepts either case and refuses a `0x` prefix,
//! the rule for every hex input of the chain (`terrane_primitives::hex`). Nothing here
//! panics.

use thiserror::Error;

/// Why a string is not the hex this API expects.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum HexError {
    /// Hex is written without a `0x` prefix.
    #[error("hex is written without a 0x prefix")]
    Prefixed,
    /// Hex needs two digits per byte.
    #[error("hex string has odd length {0}")]
    OddLength(usize),
    /// A character outside `0-9a-fA-F`, at this byte offset.
    #[error("invalid hex character at offset {0}")]
    InvalidChar(usize),
    /// The string decodes, but not to the fixed number of bytes required.
    #[error("expected {expected} bytes ({} hex characters), got {actual} characters", .expected * 2)]
    WrongLength {
        /// Bytes required.
        expected: usize,
        /// Characters received.
        actual: usize,
    },
}

/// Encodes bytes as lower-case hex.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    const_hex::encode(bytes)
}

/// Decodes hex of any even length.
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    if text.starts_with("0x") || text.starts_with("0X") {
        return Err(HexError::Prefixed);
    }
    const_hex::decode(text).map_err(|e| match e {
        const_hex::FromHexError::OddLength => HexError::OddLength(text.len()),
        const_hex::FromHexError::InvalidHexCharacter { index, .. } => HexError::InvalidChar(index),
        const_hex::FromHexError::InvalidStringLength => HexError::OddLength(text.len()),
    })
}

/// Decodes hex that must be exactly `N` bytes, such as a hash or an address.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    if text.starts_with("0x") || text.starts_with("0X") {
        return Err(HexError::Prefixed);
    }
    // Length first, so an over-long input is rejected before any work is done on it.
    if text.len() != N * 2 {
        return Err(HexError::WrongLength {
            expected: N,
            actual: text.len(),
        });
    }
    let bytes = decode(text)?;
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_is_lower_case_and_round_trips() {
        let bytes = [0x00, 0x0f, 0xab, 0xff];
        assert_eq!(encode(bytes), "000fabff");
        assert_eq!(decode("000FABff").unwrap(), bytes);
    }

    #[test]
    fn decode_rejects_odd_length_and_foreign_characters() {
        assert_eq!(decode("abc"), Err(HexError::OddLength(3)));
        assert_eq!(decode("0g"), Err(HexError::InvalidChar(1)));
        assert_eq!(decode("0x00"), Err(HexError::Prefixed));
        assert_eq!(decode_array::<1>("0x"), Err(HexError::Prefixed));
        assert_eq!(decode("00x0"), Err(HexError::InvalidChar(2)));
        // A multi-byte UTF-8 character is never a hex digit.
        assert_eq!(decode("é"), Err(HexError::InvalidChar(0)));
    }

    #[test]
    fn decode_array_requires_exact_length() {
        assert_eq!(decode_array::<2>("0102").unwrap(), [1, 2]);
        assert_eq!(
            decode_array::<2>("010203"),
            Err(HexError::WrongLength {
                expected: 2,
                actual: 6
            })
        );
    }
}
