//! Chain identity and the signing namespaces derived from it.
//!
//! Every signature in Terrane is over `varint(len(namespace)) || namespace || message` (the
//! commonware `union_unique` framing), where the namespace names both the chain and the kind
//! of message. A transaction signed for one chain, or a device report signed for one purpose,
//! therefore never verifies as anything else.

use core::fmt;

/// Why a chain id was refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("chain id must be 1-32 characters of a-z, 0-9 and '-', got {0:?}")]
pub struct ChainIdError(pub String);

/// A chain's name, e.g. `terrane-devnet`: 1-32 characters of `[a-z0-9-]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChainId(String);

impl ChainId {
    /// Longest accepted chain id, in bytes.
    pub const MAX_LEN: usize = 32;

    /// Validates and wraps a chain id.
    pub fn new(id: &str) -> Result<Self, ChainIdError> {
        let ok = !id.is_empty()
            && id.len() <= Self::MAX_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(id.to_owned()))
        } else {
            Err(ChainIdError(id.to_owned()))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The signing namespace for `kind` on this chain: `terrane/<chain-id>/<kind>`.
    pub fn namespace(&self, kind: Namespace) -> Vec<u8> {
        format!("terrane/{}/{}", self.0, kind.as_str()).into_bytes()
    }
}

impl fmt::Display for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kinds of signed message. Each gets its own namespace so a signature for one kind can
/// never be replayed as another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    /// Account-signed transactions.
    Transaction,
    /// Consensus messages between validators (votes, certificates, p2p handshakes).
    Consensus,
    /// A device key approving its own registration.
    DeviceRegistration,
    /// A maker key attesting that it built a device.
    MakerAttestation,
    /// A device (or its session key) signing a proof-of-work report.
    DeviceReport,
    /// A device key authorizing a session key.
    SessionKey,
    /// A consumer signing a cumulative usage receipt for a paid data session.
    UsageReceipt,
}

impl Namespace {
    /// The namespace suffix.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Transaction => "tx",
            Self::Consensus => "consensus",
            Self::DeviceRegistration => "device-registration",
            Self::MakerAttestation => "maker-attestation",
            Self::DeviceReport => "device-report",
            Self::SessionKey => "session-key",
            Self::UsageReceipt => "usage-receipt",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_id_accepts_lowercase_names_and_rejects_others() {
        assert!(ChainId::new("terrane-devnet").is_ok());
        assert!(ChainId::new("").is_err());
        assert!(ChainId::new("Terrane").is_err());
        assert!(ChainId::new(&"a".repeat(33)).is_err());
    }

    #[test]
    fn namespaces_separate_chain_and_kind() {
        let a = ChainId::new("a").unwrap();
        let b = ChainId::new("b").unwrap();
        assert_eq!(a.namespace(Namespace::Transaction), b"terrane/a/tx");
        assert_ne!(
            a.namespace(Namespace::Transaction),
            b.namespace(Namespace::Transaction)
        );
        assert_ne!(
            a.namespace(Namespace::Transaction),
            a.namespace(Namespace::DeviceReport)
        );
    }
}
