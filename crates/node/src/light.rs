//! Client-side checks: what a wallet, device or CLI verifies instead of trusting a node.
//!
//! ```text
//! network identity (from genesis) ─▶ finality certificate ─▶ block digest = SHA-256(header)
//!     ─▶ header.state_root ─▶ QMDB key-value (or exclusion) proof ─▶ the record
//! ```

use crate::{
    block::Header,
    db::{CHUNK_BYTES, StateValue},
    setup,
    types::{Bls, Digest, Finalization},
};
use commonware_codec::{Decode, DecodeExt, Encode};
use commonware_cryptography::{
    Sha256,
    bls12381::primitives::{sharing::Sharing, variant::Variant},
};
use commonware_parallel::Sequential;
use commonware_storage::{
    mmr,
    qmdb::{
        any::value::VariableEncoding,
        current::ordered::proof::constant::{ExclusionProof, KeyValueProof},
    },
};
use terrane_primitives::{ChainId, hex};
use terrane_state::StateKey;

/// Most digests a state proof may carry (bounds decoding of untrusted proofs).
const MAX_PROOF_DIGESTS: usize = 256;

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

/// Parses the hex threshold polynomial from a genesis file and returns the network identity.
pub fn identity_from_polynomial(
    hex_polynomial: &str,
    validators: u32,
) -> Result<<Bls as Variant>::Public, LightError> {
    let bytes = hex::decode(hex_polynomial).ok_or(LightError::Hex("polynomial"))?;
    let sharing = Sharing::<Bls>::decode_cfg(
        bytes::Bytes::from(bytes),
        &(
            std::num::NonZeroU32::new(validators.max(1)).expect("non-zero"),
            commonware_cryptography::bls12381::primitives::sharing::ModeVersion::v0(),
        ),
    )
    .map_err(|e| LightError::Decode("polynomial", e.to_string()))?;
    Ok(*sharing.public())
}

/// Checks that `finalization_hex` finalizes the block whose encoded header is `header_hex`,
/// under `identity`. Returns the decoded header.
pub fn verify_finalized_header(
    chain: &ChainId,
    identity: &<Bls as Variant>::Public,
    header_hex: &str,
    finalization_hex: &str,
) -> Result<Header, LightError> {
    let header_bytes = hex::decode(header_hex).ok_or(LightError::Hex("header"))?;
    let header = Header::decode(bytes::Bytes::from(header_bytes))
        .map_err(|e| LightError::Decode("header", e.to_string()))?;
    let cert_bytes = hex::decode(finalization_hex).ok_or(LightError::Hex("finalization"))?;
    let finalization = Finalization::decode_cfg(bytes::Bytes::from(cert_bytes), &())
        .map_err(|e| LightError::Decode("finalization", e.to_string()))?;
    let digest = header.digest();
    if finalization.proposal.payload != digest {
        return Err(LightError::WrongBlock {
            certified: finalization.proposal.payload.to_string(),
            header: digest.to_string(),
        });
    }
    let verifier =
        crate::types::Scheme::certificate_verifier(&setup::consensus_namespace(chain), *identity);
    let mut rng = rand::rng();
    if !finalization.verify(&mut rng, &verifier, &Sequential) {
        return Err(LightError::BadCertificate);
    }
    Ok(header)
}

/// Checks a state proof: `value_hex` (`None` for absent) is the current value of `key` under
/// `root`.
pub fn verify_state(
    key: &StateKey,
    value_hex: Option<&str>,
    proof_hex: &str,
    root: &Digest,
) -> Result<(), LightError> {
    let proof = hex::decode(proof_hex).ok_or(LightError::Hex("proof"))?;
    let qkey = crate::db::qmdb_key(key);
    let ok = match value_hex {
        Some(v) => {
            let value = StateValue(hex::decode(v).ok_or(LightError::Hex("value"))?);
            let proof = KeyValueProof::<mmr::Family, Digest, Digest, CHUNK_BYTES>::decode_cfg(
                bytes::Bytes::from(proof),
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
            >::decode_cfg(
                bytes::Bytes::from(proof),
                &(MAX_PROOF_DIGESTS, ((), ()), ()),
            )
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

/// Parses a hex digest.
pub fn parse_digest(text: &str) -> Result<Digest, LightError> {
    let bytes = hex::decode(text).ok_or(LightError::Hex("digest"))?;
    Digest::decode(bytes::Bytes::from(bytes))
        .map_err(|e| LightError::Decode("digest", e.to_string()))
}

/// The hex encoding of a header, as the API serves it.
pub fn header_hex(header: &Header) -> String {
    hex::encode(&header.encode())
}
