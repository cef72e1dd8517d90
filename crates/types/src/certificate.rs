//! Finality certificates, checked with `commonware-cryptography` alone.
//!
//! A finalization is what the consensus engine emits when 2f+1 validators finalize a proposal:
//! one recovered BLS12-381 threshold signature over the proposal and one over its round's seed,
//! both checkable against the network identity (`docs/spec/blocks.md#finality`):
//!
//! ```text
//! Finalization = Proposal || vote signature (48) || seed signature (48)
//! Proposal     = Round || parent view varint || payload (the block digest, 32)
//! vote: verify(identity, varint(len(ns_f)) || ns_f || encode(Proposal)),  ns_f = ns || "_FINALIZE"
//! seed: verify(identity, varint(len(ns_s)) || ns_s || encode(Round)),     ns_s = ns || "_SEED"
//! ns   = "terrane/<chain-id>/consensus"
//! ```
//! The layout and the namespaces are those of commonware-consensus' simplex threshold-VRF
//! scheme; `terrane-node` pins the equivalence with a test that checks engine-made
//! certificates here.

use crate::{BlsSignature, Digest, Identity, header::Round};
use bytes::BufMut;
use commonware_codec::{
    Buf, Encode, EncodeSize, Error, FixedSize, Read, ReadExt, Write, varint::UInt,
};
use commonware_cryptography::bls12381::primitives::ops;
use terrane_primitives::{ChainId, Namespace};

const FINALIZE_SUFFIX: &[u8] = b"_FINALIZE";
const SEED_SUFFIX: &[u8] = b"_SEED";

/// The consensus namespace of a chain; finalize votes and seeds sign under suffixes of it.
pub fn consensus_namespace(chain: &ChainId) -> Vec<u8> {
    chain.namespace(Namespace::Consensus)
}

/// The namespace finalization signatures are made under: `terrane/<chain>/consensus_FINALIZE`.
pub fn finalize_namespace(chain: &ChainId) -> Vec<u8> {
    [consensus_namespace(chain).as_slice(), FINALIZE_SUFFIX].concat()
}

/// The namespace seed signatures are made under: `terrane/<chain>/consensus_SEED`.
pub fn seed_namespace(chain: &ChainId) -> Vec<u8> {
    [consensus_namespace(chain).as_slice(), SEED_SUFFIX].concat()
}

/// What validators vote on: a block digest in a round, built on a parent view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The round.
    pub round: Round,
    /// The parent's view.
    pub parent_view: u64,
    /// The block digest.
    pub payload: Digest,
}

impl Write for Proposal {
    fn write(&self, buf: &mut impl BufMut) {
        self.round.write(buf);
        UInt(self.parent_view).write(buf);
        self.payload.write(buf);
    }
}

impl EncodeSize for Proposal {
    fn encode_size(&self) -> usize {
        self.round.encode_size() + UInt(self.parent_view).encode_size() + Digest::SIZE
    }
}

impl Read for Proposal {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            round: Round::read(buf)?,
            parent_view: UInt::<u64>::read(buf)?.into(),
            payload: Digest::read(buf)?,
        })
    }
}

/// A finality certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finalization {
    /// The finalized proposal.
    pub proposal: Proposal,
    /// Threshold signature over the proposal.
    pub vote_signature: BlsSignature,
    /// Threshold signature over the round (the round's VRF seed).
    pub seed_signature: BlsSignature,
}

impl Write for Finalization {
    fn write(&self, buf: &mut impl BufMut) {
        self.proposal.write(buf);
        self.vote_signature.write(buf);
        self.seed_signature.write(buf);
    }
}

impl EncodeSize for Finalization {
    fn encode_size(&self) -> usize {
        self.proposal.encode_size() + 2 * BlsSignature::SIZE
    }
}

impl Read for Finalization {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            proposal: Proposal::read(buf)?,
            vote_signature: BlsSignature::read(buf)?,
            seed_signature: BlsSignature::read(buf)?,
        })
    }
}

impl Finalization {
    /// Whether both signatures verify under `identity` for `chain`.
    pub fn verify(&self, chain: &ChainId, identity: &Identity) -> bool {
        let vote = ops::verify_message::<crate::Bls>(
            identity,
            &finalize_namespace(chain),
            &self.proposal.encode(),
            &self.vote_signature,
        );
        let seed = ops::verify_message::<crate::Bls>(
            identity,
            &seed_namespace(chain),
            &self.proposal.round.encode(),
            &self.seed_signature,
        );
        vote.is_ok() && seed.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::DecodeExt;
    use commonware_cryptography::{Hasher, Sha256};

    fn signed(chain: &ChainId) -> (Identity, Finalization) {
        let mut rng = rand::rng();
        let (secret, identity) = ops::keypair::<_, crate::Bls>(&mut rng);
        let proposal = Proposal {
            round: Round { epoch: 0, view: 12 },
            parent_view: 11,
            payload: Sha256::hash(&[b"block"]),
        };
        let vote_signature = ops::sign_message::<crate::Bls>(
            &secret,
            &finalize_namespace(chain),
            &proposal.encode(),
        );
        let seed_signature = ops::sign_message::<crate::Bls>(
            &secret,
            &seed_namespace(chain),
            &proposal.round.encode(),
        );
        (
            identity,
            Finalization {
                proposal,
                vote_signature,
                seed_signature,
            },
        )
    }

    #[test]
    fn finalization_signed_under_the_chain_namespaces_verifies_and_round_trips() {
        let chain = ChainId::new("t").expect("chain id");
        let (identity, f) = signed(&chain);
        assert!(f.verify(&chain, &identity));
        let decoded = Finalization::decode(f.encode()).expect("decodes");
        assert_eq!(decoded, f);
    }

    #[test]
    fn finalization_for_another_chain_or_payload_does_not_verify() {
        let chain = ChainId::new("t").expect("chain id");
        let (identity, f) = signed(&chain);
        assert!(!f.verify(&ChainId::new("u").expect("chain id"), &identity));
        let mut moved = f.clone();
        moved.proposal.payload = Sha256::hash(&[b"other"]);
        assert!(!moved.verify(&chain, &identity));
        let mut swapped = f;
        std::mem::swap(&mut swapped.vote_signature, &mut swapped.seed_signature);
        assert!(!swapped.verify(&chain, &identity));
    }
}
