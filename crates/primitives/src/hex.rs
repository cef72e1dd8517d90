//! Hex, the text form of every identifier in the API and CLI, on `const-hex`.
//!
//! One rule for every hex input: digits of either case and **no `0x` prefix** (a prefixed
//! string is refused, so each value has one spelling). Output is always lower case.

/// Encodes bytes as lower-case hex without a prefix.
pub fn encode(bytes: &[u8]) -> String {
    const_hex::encode(bytes)
}

/// Whether `text` starts with a `0x`/`0X` prefix, which no hex input accepts.
fn has_prefix(text: &str) -> bool {
    text.starts_with("0x") || text.starts_with("0X")
}

/// Decodes hex (either case, no `0x` prefix). Returns `None` on a prefix, odd length or a
/// non-hex character.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if has_prefix(text) {
        return None;
    }
    const_hex::decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(encode(&bytes), "0001abff");
        assert_eq!(decode("0001abff").unwrap(), bytes);
        assert_eq!(decode("0001ABFF").unwrap(), bytes);
        assert!(decode("0x0001abff").is_none(), "a 0x prefix is refused");
        assert!(decode("0X0001abff").is_none(), "a 0X prefix is refused");
        assert!(decode("abc").is_none());
        assert!(decode("zz").is_none());
    }
}
