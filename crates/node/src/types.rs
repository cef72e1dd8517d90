//! The consensus types Terrane instantiates, and their conversions to the `terrane-types`
//! forms clients use. Only this crate and `terrane-votes` (which decodes the conflicting votes
//! of slashing's validator evidence with this [`Scheme`], as `terrane_votes::VoteScheme`) name
//! consensus types; the app, the client and the modules never do.

use commonware_consensus::{
    simplex::{self, scheme::bls12381_threshold::vrf},
    types::{Epoch, Round, View},
};

pub use terrane_types::{Bls, BlsSignature, Digest, Identity, PublicKey};

/// The threshold signing scheme: every notarization and finalization is one recovered BLS
/// signature checkable against the network identity, and carries a VRF seed for its round.
pub type Scheme = vrf::Scheme<PublicKey, Bls>;
/// A finality certificate.
pub type Finalization = simplex::types::Finalization<Scheme, Digest>;
/// A notarization certificate.
pub type Notarization = simplex::types::Notarization<Scheme, Digest>;
/// The consensus context a block is proposed in (round, leader, parent).
pub type Context = simplex::types::Context<Digest, PublicKey>;
/// The VRF seed of a round.
pub type Seed = vrf::Seed<Bls>;

/// The header form of a consensus context (same encoding).
pub fn header_context(context: &Context) -> terrane_types::header::Context {
    terrane_types::header::Context {
        round: header_round(context.round),
        leader: context.leader.clone(),
        parent_view: context.parent.0.get(),
        parent: context.parent.1,
    }
}

/// The consensus form of a header's context.
pub fn consensus_context(context: &terrane_types::header::Context) -> Context {
    Context {
        round: consensus_round(context.round),
        leader: context.leader.clone(),
        parent: (View::new(context.parent_view), context.parent),
    }
}

/// The header form of a consensus round.
pub fn header_round(round: Round) -> terrane_types::header::Round {
    terrane_types::header::Round {
        epoch: round.epoch().get(),
        view: round.view().get(),
    }
}

/// The consensus form of a header round.
pub fn consensus_round(round: terrane_types::header::Round) -> Round {
    Round::new(Epoch::new(round.epoch), View::new(round.view))
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::{Encode, MaxEncodeSize};
    use commonware_cryptography::{Hasher, Sha256, Signer as _, ed25519};

    #[test]
    fn engine_made_finalization_verifies_with_the_client_certificate_check() {
        use commonware_codec::DecodeExt;
        use commonware_parallel::Sequential;
        use commonware_utils::non_empty;
        use simplex::types::{Finalize, Proposal};
        use terrane_primitives::ChainId;

        let chain = ChainId::new("cert-test").expect("chain id");
        let dealt = crate::setup::deal_validators(rand::rng(), 4);
        let schemes: Vec<Scheme> = dealt
            .validators
            .iter()
            .map(|v| {
                crate::setup::signer_scheme(
                    &chain,
                    dealt.participants.clone(),
                    dealt.polynomial.clone(),
                    v.share.clone(),
                )
            })
            .collect();
        let proposal = Proposal::new(
            Round::new(Epoch::new(0), View::new(7)),
            View::new(6),
            Sha256::hash(&[b"block"]),
        );
        let votes: Vec<Finalize<Scheme, Digest>> = schemes
            .iter()
            .take(3)
            .map(|s| Finalize::sign(s, proposal.clone()).expect("signer"))
            .collect();
        let finalization =
            Finalization::from_finalizes(&schemes[0], non_empty![@votes.iter()], &Sequential)
                .expect("a quorum");
        let identity = *dealt.polynomial.public();

        let ours = terrane_types::certificate::Finalization::decode(finalization.encode())
            .expect("the client decodes engine certificates");
        assert_eq!(ours.proposal.payload, proposal.payload);
        assert_eq!(ours.encode(), finalization.encode());
        assert!(ours.verify(&chain, &identity));
        assert!(!ours.verify(&ChainId::new("other").expect("chain id"), &identity));
    }

    #[test]
    fn header_context_encodes_exactly_as_the_consensus_context() {
        let context = Context {
            round: Round::new(Epoch::new(3), View::new(1_000_000)),
            leader: ed25519::PrivateKey::from_seed(1).public_key(),
            parent: (View::new(999_999), Sha256::hash(&[b"p"])),
        };
        let ours = header_context(&context);
        assert_eq!(ours.encode(), context.encode());
        assert_eq!(consensus_context(&ours), context);
        assert_eq!(
            terrane_types::header::Context::MAX_ENCODE_SIZE,
            Context::MAX_ENCODE_SIZE
        );
    }
}
