//! The consensus types Terrane instantiates. Only this crate names them.

use commonware_consensus::simplex::{self, scheme::bls12381_threshold::vrf};
use commonware_cryptography::{
    bls12381::primitives::variant::{MinSig, Variant},
    ed25519, sha256,
};

/// Block digests, state roots and every consensus hash.
pub type Digest = sha256::Digest;
/// Validator identities (p2p and consensus participants).
pub type PublicKey = ed25519::PublicKey;
/// BLS12-381 with signatures in G1 (48 bytes) and public keys in G2: certificates, which are
/// what light clients download most, stay small.
pub type Bls = MinSig;
/// The threshold signing scheme: every notarization and finalization is one recovered BLS
/// signature checkable against the network identity, and carries a VRF seed for its round.
pub type Scheme = vrf::Scheme<PublicKey, Bls>;
/// A finality certificate.
pub type Finalization = simplex::types::Finalization<Scheme, Digest>;
/// A notarization certificate.
pub type Notarization = simplex::types::Notarization<Scheme, Digest>;
/// The consensus context a block is proposed in (round, leader, parent).
pub type Context = simplex::types::Context<Digest, PublicKey>;
/// The network identity: the constant term of the threshold public polynomial.
pub type Identity = <Bls as Variant>::Public;
/// A recovered BLS signature (certificate part or VRF seed).
pub type BlsSignature = <Bls as Variant>::Signature;
/// The VRF seed of a round.
pub type Seed = vrf::Seed<Bls>;

/// Converts a sha256 digest to the primitives hash type.
pub fn to_hash(d: &Digest) -> terrane_primitives::Hash32 {
    terrane_primitives::Hash32::new(d.0)
}

/// Converts a primitives hash to a sha256 digest.
pub fn to_digest(h: &terrane_primitives::Hash32) -> Digest {
    sha256::Digest(*h.as_bytes())
}
