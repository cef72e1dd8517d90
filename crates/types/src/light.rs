//! Client-side checks: what a wallet, device or CLI verifies instead of trusting a node.
//!
//! ```text
//! network identity (from genesis) ─▶ finality certificate ─▶ block digest = SHA-256(header)
//!     ─▶ header.state_root ─▶ QMDB key-value (or exclusion) proof ─▶ the record
//! ```
//! Every hex input is lower- or upper-case hex without a `0x` prefix
//! ([`terrane_primitives::hex`]).

use crate::{Bls, Digest, Identity, certificate::Finalization, header::Header};
use commonware_codec::{Decode, DecodeExt, Encode};
use commonware_cryptography::bls12381::primitives::sharing::{ModeVersion, Sharing};
use terrane_primitives::{ChainId, hex};

/// Why a check failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LightError {
    /// Bytes that should be hex are not.
    #[error("{0} is not valid hex")]
    Hex(&'static str),
    /// Bytes do not decode as the expected structure.
    #[error("{0} does not decode: {1}")]
    Decode(&'static str, String),
    /// The certificate is for another block.
    #[error("the finality certificate is for block {certified}, not {header}")]
    WrongBlock {
        /// Digest the certificate signs.
        certified: String,
        /// Digest of the header given.
        header: String,
    },
    /// The certificate's signature does not verify against the network identity.
    #[error("the finality certificate does not verify against the network identity")]
    BadCertificate,
    /// The header's state root differs from the proof's root.
    #[error("the proof is against state root {proof}, but the certified header has {header}")]
    RootMismatch {
        /// Root the proof claims.
        proof: String,
        /// Root in the header.
        header: String,
    },
    /// The state proof does not verify.
    #[error("the state proof does not verify for this key and value")]
    BadProof,
}

fn unhex(what: &'static str, text: &str) -> Result<bytes::Bytes, LightError> {
    hex::decode(text)
        .map(bytes::Bytes::from)
        .ok_or(LightError::Hex(what))
}

/// Parses the hex threshold polynomial from a genesis file (`consensus.polynomial`, the
/// commonware `Sharing` encoding for `validators` participants) and returns the network
/// identity, its constant term.
pub fn identity_from_polynomial(
    hex_polynomial: &str,
    validators: u32,
) -> Result<Identity, LightError> {
    let participants = std::num::NonZeroU32::new(validators.max(1)).expect("non-zero");
    let sharing = Sharing::<Bls>::decode_cfg(
        unhex("polynomial", hex_polynomial)?,
        &(participants, ModeVersion::v0()),
    )
    .map_err(|e| LightError::Decode("polynomial", e.to_string()))?;
    Ok(*sharing.public())
}

/// Checks that `finalization_hex` finalizes the block whose encoded header is `header_hex`,
/// under `identity`. Returns the decoded header.
pub fn verify_finalized_header(
    chain: &ChainId,
    identity: &Identity,
    header_hex: &str,
    finalization_hex: &str,
) -> Result<Header, LightError> {
    let header = Header::decode(unhex("header", header_hex)?)
        .map_err(|e| LightError::Decode("header", e.to_string()))?;
    let finalization = Finalization::decode(unhex("finalization", finalization_hex)?)
        .map_err(|e| LightError::Decode("finalization", e.to_string()))?;
    let digest = header.digest();
    if finalization.proposal.payload != digest {
        return Err(LightError::WrongBlock {
            certified: finalization.proposal.payload.to_string(),
            header: digest.to_string(),
        });
    }
    if !finalization.verify(chain, identity) {
        return Err(LightError::BadCertificate);
    }
    Ok(header)
}

/// Parses a hex digest.
pub fn parse_digest(text: &str) -> Result<Digest, LightError> {
    Digest::decode(unhex("digest", text)?).map_err(|e| LightError::Decode("digest", e.to_string()))
}

/// The hex encoding of a header, as the API serves it.
pub fn header_hex(header: &Header) -> String {
    hex::encode(&header.encode())
}

#[cfg(feature = "state-proofs")]
pub use state::{MAX_PROOF_DIGESTS, StateValue, verify_state};

#[cfg(feature = "state-proofs")]
mod state {
    use super::{LightError, unhex};
    use crate::Digest;
    use commonware_codec::{Decode, EncodeSize, Read, Write};
    use commonware_cryptography::Sha256;
    use commonware_storage::{
        mmr,
        qmdb::{
            any::value::VariableEncoding,
            current::ordered::proof::constant::{ExclusionProof, KeyValueProof},
        },
    };
    use terrane_state::StateKey;

    /// Most digests a state proof may carry (bounds decoding of untrusted proofs).
    pub const MAX_PROOF_DIGESTS: usize = 256;
    /// Bitmap chunk size of the node's QMDB `current` database.
    const CHUNK_BYTES: usize = 32;
    /// Largest stored value the proof verifier decodes.
    const MAX_VALUE_BYTES: usize = terrane_state::MAX_VALUE_BYTES;

    /// A stored value as QMDB hashes it: `varint(len) || bytes`, at most
    /// [`terrane_state::MAX_VALUE_BYTES`].
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct StateValue(pub Vec<u8>);

    impl Write for StateValue {
        fn write(&self, buf: &mut impl bytes::BufMut) {
            self.0.write(buf);
        }
    }

    impl EncodeSize for StateValue {
        fn encode_size(&self) -> usize {
            self.0.encode_size()
        }
    }

    impl Read for StateValue {
        type Cfg = ();
        fn read_cfg(
            buf: &mut impl commonware_codec::Buf,
            _: &(),
        ) -> Result<Self, commonware_codec::Error> {
            Ok(Self(Vec::<u8>::read_cfg(
                buf,
                &(commonware_codec::RangeCfg::from(0..=MAX_VALUE_BYTES), ()),
            )?))
        }
    }

    /// Checks a state proof: `value_hex` (`None` for absent) is the current value of `key`
    /// under `root`.
    pub fn verify_state(
        key: &StateKey,
        value_hex: Option<&str>,
        proof_hex: &str,
        root: &Digest,
    ) -> Result<(), LightError> {
        let proof = unhex("proof", proof_hex)?;
        let qkey = commonware_cryptography::sha256::Digest(*key.0.as_bytes());
        let ok = match value_hex {
            Some(v) => {
                let value = StateValue(unhex("value", v)?.to_vec());
                let proof = KeyValueProof::<mmr::Family, Digest, Digest, CHUNK_BYTES>::decode_cfg(
                    proof,
                    &(MAX_PROOF_DIGESTS, ()),
                )
                .map_err(|e| LightError::Decode("proof", e.to_string()))?;
                proof.verify::<Sha256, VariableEncoding<StateValue>>(qkey, value, root)
            }
            None => {
                let proof = ExclusionProof::<
                    mmr::Family,
                    Digest,
                    VariableEncoding<StateValue>,
                    Digest,
                    CHUNK_BYTES,
                >::decode_cfg(proof, &(MAX_PROOF_DIGESTS, ((), ()), ()))
                .map_err(|e| LightError::Decode("proof", e.to_string()))?;
                proof.verify::<Sha256>(&qkey, root)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(LightError::BadProof)
        }
    }
}
