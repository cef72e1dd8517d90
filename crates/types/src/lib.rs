//! Terrane's block header, finality certificates and light-client checks, without the validator.
//!
//! ```text
//! network identity (genesis polynomial) ─▶ Finalization (one BLS threshold signature)
//!     ─▶ block digest = SHA-256(encode(Header)) ─▶ header roots ─▶ a transaction, an outcome,
//!     or (feature `state-proofs`) a state value
//! ```
//! Clients, device agents and explorers depend on this crate instead of `terrane-node`: it
//! needs `commonware-cryptography` and `commonware-codec` only. The encodings are byte-for-byte
//! those the consensus engine produces (`docs/spec/blocks.md`); `terrane-node` converts its
//! consensus types to and from these and pins them with fixtures.
//!
//! QMDB state proofs are behind the `state-proofs` feature: their format and verifier live in
//! `commonware-storage`, which only builds with its `std` feature (and `commonware-runtime`).

pub mod certificate;
pub mod header;
pub mod light;

use commonware_cryptography::{
    bls12381::primitives::variant::{MinSig, Variant},
    ed25519, sha256,
};

/// Block digests, state roots and every consensus hash.
pub type Digest = sha256::Digest;
/// Validator identities (block proposers).
pub type PublicKey = ed25519::PublicKey;
/// BLS12-381 with signatures in G1 (48 bytes) and public keys in G2: certificates, which are
/// what light clients download most, stay small.
pub type Bls = MinSig;
/// The network identity: the constant term of the threshold public polynomial.
pub type Identity = <Bls as Variant>::Public;
/// A recovered BLS signature (certificate part or VRF seed).
pub type BlsSignature = <Bls as Variant>::Signature;
