//! The checker of slashing's validator evidence: two consensus votes one validator signed that
//! simplex forbids together, checked against the genesis validator set with the very scheme,
//! types and namespace the node votes with ([`VoteVerifier`], the app's
//! [`VoteEvidence`](terrane_app::modules::slashing::VoteEvidence)).
//!
//! ```text
//! evidence votes ─▶ tag 7|8|9 ─▶ two votes decoded one by one, nothing left over (malformed)
//!   ─▶ signer index in the genesis set, and the accused key (not a validator)
//!   ─▶ same signer and round, different proposals (not conflicting)
//!   ─▶ Activity::{ConflictingNotarize, ConflictingFinalize, NullifyFinalize}::verify
//!      (bad signature) ─▶ Conflict {validator, epoch, view}
//! ```
//! # Which room
//! State-machine code that needs consensus types: it runs inside block execution (every
//! validator, the same verdict), yet decodes `commonware-consensus` votes. It is its own crate
//! so that `terrane-app` stays free of consensus: the client, device agents and tooling link
//! the app, and must not pull consensus, p2p or the runtime with it
//! (`crates/client/tests/dependencies.rs`). The node builds a [`VoteVerifier`] from the genesis
//! and attaches it to its executor (`Executor::with_vote_evidence`). Its scheme is
//! `vrf::Scheme<terrane_types::PublicKey, terrane_types::Bls>` over `terrane_types::Digest`
//! (the [`VoteScheme`] here, the same type as `terrane_node::types::Scheme`), under
//! [`terrane_types::certificate::consensus_namespace`], which both use.
//!
//! # Attributability
//! Threshold partial signatures are not attributable: from any quorum of partials on one
//! message anyone can compute every other validator's partial on it. Votes that verify here
//! therefore prove only that the validator signed both messages **or** that a quorum signed
//! one of them. A byzantine leader can make the second happen to an honest validator (send a
//! second block to a quorum that excludes it; or collect the nullifies of a view that the
//! honest validator finalized). That is why the chain refuses this evidence unless its
//! genesis sets `slashing.validator_equivocation_bps` (`docs/spec/staking.md`).
//!
//! # Determinism
//! Each vote carries two partial signatures (the vote and the round's seed) that the scheme
//! checks as one random linear combination. The coefficients come from an RNG seeded with
//! the block randomness and the hash of the evidence bytes, so every validator draws the same
//! ones and reaches the same verdict. It is safe because the evidence hash covers every
//! signature being checked (Fiat-Shamir): a submitter who changes a signature to aim at the
//! coefficients changes the coefficients, so they cannot pick two wrong partials whose errors
//! cancel. (The block randomness alone would not do: the proposer knows it before building.)

#![deny(clippy::float_arithmetic)]

use bytes::{Buf as _, Bytes};
use commonware_codec::{Buf, Decode as _, DecodeExt as _, ReadExt as _};
use commonware_consensus::{
    Viewable as _,
    simplex::{
        scheme::bls12381_threshold::vrf,
        types::{
            Activity, Attributable as _, ConflictingFinalize, ConflictingNotarize, Finalize,
            Notarize, Nullify, NullifyFinalize,
        },
    },
    types::Round,
};
use commonware_cryptography::bls12381::primitives::sharing::{ModeVersion, Sharing};
use commonware_parallel::Sequential;
use commonware_utils::{
    N3f1, TryCollect as _,
    ordered::{Quorum as _, Set},
};
use rand::{SeedableRng as _, rngs::StdRng};
use std::num::NonZeroU32;
use terrane_app::{
    genesis::ConsensusGenesis,
    modules::slashing::{Conflict, VoteEvidence},
};
use terrane_primitives::{Address, ChainId, Hash32, hex, sha256};
use terrane_slashing::outcome::SlashingRejection;
use terrane_types::{Bls, Digest, PublicKey};

/// The node's consensus signing scheme (`terrane_node::types::Scheme` is this type).
pub type VoteScheme = vrf::Scheme<PublicKey, Bls>;

/// The activity tags simplex writes for its three kinds of conflicting votes.
const CONFLICTING_NOTARIZE: u8 = 7;
const CONFLICTING_FINALIZE: u8 = 8;
const NULLIFY_FINALIZE: u8 = 9;

/// Checks conflicting votes against the genesis validator set. Built once per chain, from its
/// genesis; the node's executor and its evidence submitter share it.
#[derive(Clone, Debug)]
pub struct VoteVerifier {
    scheme: VoteScheme,
    /// Account keys in participant-index order.
    validators: Vec<Address>,
}

impl VoteVerifier {
    /// The verifier of `chain`'s genesis validator set and threshold polynomial; `None` when
    /// the consensus section does not describe one (test geneses without a polynomial), in
    /// which case no vote evidence can verify. A node refuses to start on such a genesis, so
    /// every validator of a live chain builds the same verifier.
    pub fn from_genesis(chain: &ChainId, consensus: &ConsensusGenesis) -> Option<Self> {
        let mut keys: Vec<PublicKey> = consensus
            .validators
            .iter()
            .map(|v| PublicKey::decode(Bytes::from(hex::decode(&v.public_key)?)).ok())
            .collect::<Option<_>>()?;
        keys.sort();
        let participants: Set<PublicKey> = keys.into_iter().try_collect().ok()?;
        let n = NonZeroU32::new(u32::try_from(participants.len()).ok()?)?;
        let polynomial = Sharing::<Bls>::decode_cfg(
            Bytes::from(hex::decode(&consensus.polynomial)?),
            &(n, ModeVersion::v0()),
        )
        .ok()?;
        // `verifier` asserts both; a genesis that breaks them has no working validator set.
        if polynomial.total() != n || polynomial.required() != participants.quorum::<N3f1>() {
            return None;
        }
        let validators = participants
            .iter()
            .map(|pk| Address::from_slice(pk.as_ref()).expect("ed25519 keys are 32 bytes"))
            .collect();
        let namespace = terrane_types::certificate::consensus_namespace(chain);
        Some(Self {
            scheme: VoteScheme::verifier(&namespace, participants, polynomial),
            validators,
        })
    }

    /// The validator at participant `index`, if any.
    pub fn validator(&self, index: u32) -> Option<Address> {
        self.validators.get(usize::try_from(index).ok()?).copied()
    }
}

impl VoteEvidence for VoteVerifier {
    /// Verified with randomness drawn from `randomness` (the block's) and the votes themselves.
    fn check(
        &self,
        accused: &Address,
        votes: &[u8],
        randomness: &Hash32,
    ) -> Result<Conflict, SlashingRejection> {
        let (activity, signer, round) =
            decode(votes).ok_or(SlashingRejection::ValidatorEvidenceMalformed)?;
        if self.validator(signer) != Some(*accused) {
            return Err(SlashingRejection::NotAValidator);
        }
        let activity = activity.ok_or(SlashingRejection::VotesNotConflicting)?;
        let seed = sha256(&[
            b"terrane/validator-evidence/v1",
            randomness.as_ref(),
            sha256(&[votes]).as_ref(),
        ]);
        let mut rng = StdRng::from_seed(*seed.as_bytes());
        if !activity.verify(&mut rng, &self.scheme, &Sequential) {
            return Err(SlashingRejection::BadVoteSignature);
        }
        Ok(Conflict {
            validator: *accused,
            index: signer,
            epoch: round.epoch().get(),
            view: activity.view().get(),
        })
    }
}

/// A pair of votes as decoded: the activity when the pair conflicts (same signer and round,
/// different proposals where there are two), the first vote's signer, and its round.
type Decoded = (Option<Activity<VoteScheme, Digest>>, u32, Round);

/// Decodes `votes` vote by vote, so that a pair simplex would not call conflicting still
/// decodes (and is refused as such, not as malformed). `None` if the bytes are not one of the
/// three conflicting activities, exactly.
fn decode(votes: &[u8]) -> Option<Decoded> {
    let buf = &mut Bytes::copy_from_slice(votes);
    let tag = u8::read(buf).ok()?;
    let decoded = match tag {
        CONFLICTING_NOTARIZE => {
            let (a, b) = (read::<Notarize<_, _>>(buf)?, read::<Notarize<_, _>>(buf)?);
            let (signer, round) = (a.signer().get(), a.round());
            let conflicting =
                a.signer() == b.signer() && round == b.round() && a.proposal != b.proposal;
            let activity =
                conflicting.then(|| Activity::ConflictingNotarize(ConflictingNotarize::new(a, b)));
            (activity, signer, round)
        }
        CONFLICTING_FINALIZE => {
            let (a, b) = (read::<Finalize<_, _>>(buf)?, read::<Finalize<_, _>>(buf)?);
            let (signer, round) = (a.signer().get(), a.round());
            let conflicting =
                a.signer() == b.signer() && round == b.round() && a.proposal != b.proposal;
            let activity =
                conflicting.then(|| Activity::ConflictingFinalize(ConflictingFinalize::new(a, b)));
            (activity, signer, round)
        }
        NULLIFY_FINALIZE => {
            let (a, b) = (read::<Nullify<_>>(buf)?, read::<Finalize<_, _>>(buf)?);
            let (signer, round) = (a.signer().get(), a.round);
            let conflicting = a.signer() == b.signer() && round == b.round();
            let activity =
                conflicting.then(|| Activity::NullifyFinalize(NullifyFinalize::new(a, b)));
            (activity, signer, round)
        }
        _ => return None,
    };
    (!buf.has_remaining()).then_some(decoded)
}

/// One vote, with the default codec config (votes carry no length-prefixed fields).
fn read<T: commonware_codec::Read<Cfg = ()>>(buf: &mut impl Buf) -> Option<T> {
    T::read(buf).ok()
}
