//! Identifiers: 32-byte hashes and account addresses.

use crate::hex;
use bytes::BufMut;
use commonware_codec::Buf;
use commonware_codec::{Error, FixedSize, Read, Write};
use commonware_cryptography::{Hasher, Sha256};
use core::{fmt, str::FromStr};

/// Why a text identifier did not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdParseError {
    /// Not hexadecimal.
    #[error("not hex")]
    NotHex,
    /// Wrong number of bytes.
    #[error("expected {expected} bytes, got {got}")]
    Length {
        /// Bytes required.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
}

macro_rules! id32 {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name([u8; 32]);

        impl $name {
            /// Wraps raw bytes.
            pub const fn new(bytes: [u8; 32]) -> Self {
                Self(bytes)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            /// Parses from a slice of exactly 32 bytes.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, IdParseError> {
                <[u8; 32]>::try_from(bytes).map(Self).map_err(|_| IdParseError::Length {
                    expected: 32,
                    got: bytes.len(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hex::encode(&self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), hex::encode(&self.0[..6]))
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_slice(&hex::decode(s).ok_or(IdParseError::NotHex)?)
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
                Ok(Self(<[u8; 32]>::read_cfg(buf, &())?))
            }
        }

        impl FixedSize for $name {
            const SIZE: usize = 32;
        }

        impl AsRef<[u8]> for $name {
            fn as_ref(&self) -> &[u8] {
                &self.0
            }
        }
    };
}

id32!(
    /// A SHA-256 digest: transaction hashes, state roots, block digests, Merkle roots.
    Hash32
);
id32!(
    /// An account address: the account's 32-byte ed25519 public key, as-is. Using the key
    /// itself (not a hash of it) lets a verifier check a signature without a lookup.
    Address
);
id32!(
    /// A device: its 32-byte ed25519 public key, as-is. The device signs its registration and
    /// its reports (or authorizes a session key to) with the matching private key.
    DeviceId
);

/// SHA-256 over the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> Hash32 {
    let digest = Sha256::hash(parts);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    Hash32(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::{DecodeExt, Encode};

    #[test]
    fn address_round_trips_through_hex_and_codec() {
        let a = Address::new([7u8; 32]);
        assert_eq!(a.to_string().parse::<Address>().unwrap(), a);
        assert_eq!(Address::decode(a.encode()).unwrap(), a);
    }

    #[test]
    fn address_rejects_short_hex_and_trailing_bytes() {
        assert_eq!(
            "abcd".parse::<Address>(),
            Err(IdParseError::Length {
                expected: 32,
                got: 2
            })
        );
        let mut long = Address::new([1u8; 32]).encode().to_vec();
        long.push(0);
        assert!(Address::decode(bytes::Bytes::from(long)).is_err());
    }

    #[test]
    fn sha256_matches_known_vector() {
        assert_eq!(
            sha256(&[b"abc"]).to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
