//! Lower-case hex without a `0x` prefix: the one encoding the API uses for bytes.
//!
//! Encoding always emits lower case; decoding accepts either case and an optional `0x`
//! prefix (as the chain's own parser does), so a hash pasted from another tool still
//! resolves. Nothing here panics.

use thiserror::Error;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Why a string is not the hex this API expects.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum HexError {
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
    let bytes = bytes.as_ref();
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Decodes hex of any even length.
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    let raw = text.strip_prefix("0x").unwrap_or(text).as_bytes();
    if !raw.len().is_multiple_of(2) {
        return Err(HexError::OddLength(raw.len()));
    }
    raw.chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| {
            let high = nibble(pair[0]).ok_or(HexError::InvalidChar(i * 2))?;
            let low = nibble(pair[1]).ok_or(HexError::InvalidChar(i * 2 + 1))?;
            Ok((high << 4) | low)
        })
        .collect()
}

/// Decodes hex that must be exactly `N` bytes, such as a hash or an address.
pub fn decode_array<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    let text = text.strip_prefix("0x").unwrap_or(text);
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

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
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
        assert_eq!(
            decode("0x00"),
            Ok(vec![0]),
            "an 0x prefix is accepted, like the chain's parser"
        );
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
