//! Slashing validators on conflicting consensus votes, through the executor with the node's
//! verifier (`terrane-votes`) attached: real threshold votes of four dealt validators (the
//! node's scheme, under the chain's consensus namespace) whose polynomial is in the genesis; a pending slash that no appeal answers, then the
//! validator's book (operator, delegator, unbonding entry) cut by `validator_equivocation_bps`
//! and the bounty paid; and every refusal a recorded code that moves nothing but the fee.
//! `TestChain` checks every module's invariants (TRN conservation included) after every block.

mod common;

use common::TestChain;
use commonware_codec::Encode;
use commonware_consensus::{
    simplex::{
        scheme::bls12381_threshold::vrf,
        types::{
            Activity, ConflictingFinalize, ConflictingNotarize, Finalize, Notarize, Nullify,
            NullifyFinalize, Proposal,
        },
    },
    types::{Epoch as ConsensusEpoch, Round, View},
};
use commonware_cryptography::{Hasher as _, Sha256, certificate::Attestation, ed25519};
use futures::executor::block_on;
use rand::{SeedableRng as _, rngs::StdRng};
use std::sync::Arc;
use terrane_accounts::handler as accounts;
use terrane_app::{
    Executor, Genesis, Outcome, Payload,
    genesis::Validator,
    testkit::{address_of, named_key},
};
use terrane_primitives::{Address, Amount, Epoch, hex};
use terrane_slashing::{
    handler as slashing,
    msg::{AppealSlash, Evidence, SubmitEvidence},
    outcome::{SlashReason, SlashingRejection},
    types::SlashStatus,
};
use terrane_staking::{
    handler as staking,
    msg::{Stake, Unstake},
    types::Target,
};
use terrane_types::Digest;
use terrane_votes::{VoteScheme, VoteVerifier};

const EPOCH: u64 = 10;
const PEOPLE: [&str; 2] = ["dan", "relay"];

type Vote = Notarize<VoteScheme, Digest>;

fn trn(tokens: u64) -> Amount {
    Amount::from_tokens(tokens).unwrap()
}

fn rejected(r: SlashingRejection) -> Outcome {
    r.into()
}

/// Four validators dealt a threshold key for `chain`'s consensus namespace (seeded, so the
/// same every run).
fn dealt(chain: &str) -> commonware_cryptography::certificate::mocks::Fixture<VoteScheme> {
    let chain = terrane_primitives::ChainId::new(chain).unwrap();
    let namespace = terrane_types::certificate::consensus_namespace(&chain);
    vrf::fixture::<terrane_types::Bls, _>(&mut StdRng::seed_from_u64(7), &namespace, 4)
}

fn round(view: u64) -> Round {
    Round::new(ConsensusEpoch::zero(), View::new(view))
}

fn proposal(view: u64, block: &[u8]) -> Proposal<Digest> {
    Proposal::new(round(view), View::new(view - 1), Sha256::hash(&[block]))
}

test_chain!(Chain);

impl Chain {
    /// The four dealt validators in the genesis (keys and polynomial), each funded with
    /// 20,000 TRN, dan and relay with 6,000; `bps` the validator fraction.
    fn new(bps: u16) -> (Self, Vec<VoteScheme>, Vec<ed25519::PrivateKey>) {
        let name = "validator-slashing";
        let fixture = dealt(name);
        let mut funded: Vec<(Address, Amount)> = fixture
            .private_keys
            .iter()
            .map(|k| (address_of(k), trn(20_000)))
            .chain(
                PEOPLE
                    .iter()
                    .map(|n| (address_of(&named_key(n)), trn(6_000))),
            )
            .collect();
        funded.sort();
        let mut g = Genesis::for_tests(name, &funded);
        g.params.pow.epoch_length_blocks = EPOCH;
        g.params.pow.window_grace_blocks = 2;
        g.params.slashing.validator_equivocation_bps = bps;
        g.consensus.validators = fixture
            .participants
            .iter()
            .map(|pk| Validator {
                public_key: Address::from_slice(pk.as_ref()).unwrap().to_string(),
                p2p_address: "127.0.0.1:0".into(),
            })
            .collect();
        g.consensus.polynomial = hex::encode(&fixture.verifier.polynomial().encode());
        let verifier = VoteVerifier::from_genesis(&g.chain_id(), &g.consensus)
            .expect("the dealt set is a working validator set");
        let holders = funded.iter().map(|(a, _)| *a).collect();
        let mut c = Self(TestChain::new(g, holders));
        c.exec = c.exec.clone().with_vote_evidence(Arc::new(verifier));
        c.outcomes(vec![]);
        (c, fixture.schemes, fixture.private_keys)
    }

    /// Runs empty blocks until the next block is the first of `epoch`.
    fn run_to(&mut self, epoch: u64) {
        while self.height < epoch * EPOCH {
            self.outcomes(vec![]);
        }
    }

    /// `votes` as evidence against `validator`, submitted by relay.
    fn evidence(&mut self, validator: &ed25519::PrivateKey, votes: Vec<u8>) -> Outcome {
        let evidence = Evidence::ValidatorEquivocation {
            validator: address_of(validator),
            votes,
        };
        self.one(
            "relay",
            Payload::SubmitEvidence(SubmitEvidence { evidence }),
        )
    }

    fn stake(&mut self, key: &ed25519::PrivateKey, target: Target, amount: Amount) -> Outcome {
        let tx = self.tx(key, Payload::Stake(Stake { target, amount }));
        self.outcomes(vec![tx])[0]
    }

    fn balance(&self, who: &Address) -> Amount {
        block_on(accounts::account(&self.state(), who))
            .unwrap()
            .balance
    }

    /// What `who`'s bonded position on `t` is worth now.
    fn staked(&self, who: &Address, t: Target) -> Amount {
        let state = self.state();
        let pos = block_on(staking::position(&state, who, &t)).unwrap();
        block_on(staking::pool(&state, &t))
            .unwrap()
            .map_or(Amount::ZERO, |p| p.bonded.value(pos.shares))
    }

    fn slash_count(&self) -> u64 {
        block_on(slashing::ledger(&self.state())).unwrap().count
    }
}

/// Validator `s` notarizing block `block` in `view`.
fn notarize(s: &VoteScheme, view: u64, block: &[u8]) -> Vote {
    Notarize::sign(s, proposal(view, block)).unwrap()
}

/// Two notarizes of `s` for different blocks in `view`, as simplex reports them.
fn conflicting_notarizes(s: &VoteScheme, view: u64) -> Vec<u8> {
    let (a, b) = (notarize(s, view, b"a"), notarize(s, view, b"b"));
    Activity::ConflictingNotarize(ConflictingNotarize::new(a, b))
        .encode()
        .to_vec()
}

/// The activity tag and two votes, written as a reporter could write any pair.
fn pair(tag: u8, a: &impl Encode, b: &impl Encode) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend_from_slice(&a.encode());
    out.extend_from_slice(&b.encode());
    out
}

#[test]
fn conflicting_notarizes_slash_the_validators_book_after_the_window_and_pay_the_bounty() {
    let (mut c, schemes, keys) = Chain::new(500);
    let (v0, dan) = (keys[0].clone(), named_key("dan"));
    let book = Target::Validator(address_of(&v0));
    // v0 bonds 10,000 TRN; dan delegates 5,000 and starts unbonding 1,000 of it.
    assert_eq!(c.stake(&v0, book, trn(10_000)), Outcome::OK);
    assert_eq!(
        c.one(
            "dan",
            Payload::Stake(Stake {
                target: book,
                amount: trn(5_000)
            })
        ),
        Outcome::OK
    );
    assert_eq!(
        c.one(
            "dan",
            Payload::Unstake(Unstake {
                target: book,
                amount: trn(1_000)
            })
        ),
        Outcome::OK
    );
    c.run_to(1);

    let votes = conflicting_notarizes(&schemes[0], 5);
    assert_eq!(c.evidence(&v0, votes.clone()), Outcome::OK);
    let s = c.slash(1);
    assert_eq!(
        (s.status, s.offence, s.target, s.fraction.get(), s.due),
        (
            SlashStatus::Pending,
            SlashReason::ValidatorEquivocation.code(),
            book,
            500,
            Epoch::new(3)
        )
    );
    assert_eq!(
        s.evidence,
        Evidence::ValidatorEquivocation {
            validator: address_of(&v0),
            votes
        },
        "the votes are kept with the slash"
    );
    // Two signatures are conclusive: the validator has no counter-proof to offer.
    let counter = c.coverage_report(&v0, Epoch::new(1), 0, vec![]);
    let appeal = c.tx(&v0, Payload::AppealSlash(AppealSlash { slash: 1, counter }));
    assert_eq!(
        c.outcomes(vec![appeal]),
        vec![rejected(SlashingRejection::NoCounterProof)]
    );

    c.run_to(4);
    assert_eq!(
        c.slash(1).status,
        SlashStatus::Pending,
        "due at epoch 3's close"
    );
    let relay = address_of(&named_key("relay"));
    let before = c.balance(&relay);
    c.outcomes(vec![]); // the first block of epoch 4 closes epoch 3
    let s = c.slash(1);
    assert_eq!(s.status, SlashStatus::Executed);
    // 5 % of 14,000 TRN bonded and of 1,000 TRN unbonding; 10 % of it to relay.
    assert_eq!(s.slashed, trn(750));
    assert_eq!(s.bounty, trn(75));
    assert_eq!(c.balance(&relay), before.checked_add(trn(75)).unwrap());
    assert_eq!(c.staked(&address_of(&v0), book), trn(9_500));
    assert_eq!(c.staked(&address_of(&dan), book), trn(3_800));
    let queue = block_on(staking::unbonding(&c.state(), &address_of(&dan))).unwrap();
    let entry = block_on(staking::unbonding_value(&c.state(), &queue.0[0])).unwrap();
    assert_eq!(entry, trn(950), "unbonding stake is slashed too");
    let l = block_on(slashing::ledger(&c.state())).unwrap();
    assert_eq!(
        (l.slashed, l.bounties, l.burned),
        (trn(750), trn(75), trn(675))
    );
}

#[test]
fn a_vote_whose_signature_is_another_validators_is_refused_and_moves_nothing_but_the_fee() {
    let (mut c, schemes, keys) = Chain::new(500);
    assert_eq!(
        c.stake(
            &keys[0],
            Target::Validator(address_of(&keys[0])),
            trn(10_000)
        ),
        Outcome::OK
    );
    let real = notarize(&schemes[0], 5, b"a");
    // v0's index on v1's (valid) signature of another block.
    let theirs = notarize(&schemes[1], 5, b"b");
    let forged: Vote = Notarize {
        proposal: theirs.proposal.clone(),
        attestation: Attestation {
            signer: real.attestation.signer,
            signature: theirs.attestation.signature.clone(),
        },
    };
    let votes = Activity::ConflictingNotarize(ConflictingNotarize::new(real, forged))
        .encode()
        .to_vec();
    let relay = address_of(&named_key("relay"));
    let before = c.balance(&relay);
    assert_eq!(
        c.evidence(&keys[0], votes),
        rejected(SlashingRejection::BadVoteSignature)
    );
    assert_eq!(c.slash_count(), 0);
    assert!(
        c.balance(&relay) < before,
        "the refused evidence paid its fee"
    );
    assert_eq!(
        c.staked(
            &address_of(&keys[0]),
            Target::Validator(address_of(&keys[0]))
        ),
        trn(10_000)
    );
}

#[test]
fn votes_that_simplex_allows_together_are_not_conflicting() {
    let (mut c, schemes, keys) = Chain::new(500);
    let s = &schemes[0];
    assert_eq!(
        c.stake(
            &keys[0],
            Target::Validator(address_of(&keys[0])),
            trn(10_000)
        ),
        Outcome::OK
    );
    let same = notarize(s, 5, b"a");
    let later = notarize(s, 6, b"b");
    let finalize = |view, block: &[u8]| Finalize::sign(s, proposal(view, block)).unwrap();
    let nullify = |view| Nullify::<VoteScheme>::sign::<Digest>(s, round(view)).unwrap();
    let other = notarize(&schemes[1], 5, b"b");
    for votes in [
        pair(7, &same, &same),                           // one notarize twice
        pair(7, &same, &later),                          // two views
        pair(7, &same, &other),                          // two signers
        pair(8, &finalize(5, b"a"), &finalize(5, b"a")), // one finalize twice
        pair(9, &nullify(5), &finalize(6, b"a")),        // nullify and finalize of two views
    ] {
        assert_eq!(
            c.evidence(&keys[0], votes),
            rejected(SlashingRejection::VotesNotConflicting)
        );
    }
    assert_eq!(c.slash_count(), 0);
}

#[test]
fn votes_that_do_not_decode_exactly_as_a_conflict_are_malformed() {
    let (mut c, schemes, keys) = Chain::new(500);
    let single = Activity::Notarize(notarize(&schemes[0], 5, b"a"))
        .encode()
        .to_vec();
    let mut trailing = conflicting_notarizes(&schemes[0], 5);
    trailing.push(0);
    let mut cut = conflicting_notarizes(&schemes[0], 5);
    cut.pop();
    for votes in [vec![], vec![7, 1, 2, 3], single, trailing, cut] {
        assert_eq!(
            c.evidence(&keys[0], votes),
            rejected(SlashingRejection::ValidatorEvidenceMalformed)
        );
    }
}

#[test]
fn votes_by_someone_other_than_the_accused_genesis_validator_are_refused() {
    let (mut c, schemes, keys) = Chain::new(500);
    // v0's votes, but the evidence accuses v1.
    assert_eq!(
        c.evidence(&keys[1], conflicting_notarizes(&schemes[0], 5)),
        rejected(SlashingRejection::NotAValidator)
    );
    // A signer index outside the four.
    let mut a = notarize(&schemes[0], 5, b"a");
    let mut b = notarize(&schemes[0], 5, b"b");
    a.attestation.signer = commonware_utils::Participant::new(4);
    b.attestation.signer = a.attestation.signer;
    assert_eq!(
        c.evidence(&keys[0], pair(7, &a, &b)),
        rejected(SlashingRejection::NotAValidator)
    );
}

#[test]
fn the_same_round_is_slashed_once_whichever_conflict_shows_it_and_a_nullify_finalize_counts() {
    let (mut c, schemes, keys) = Chain::new(500);
    let s = &schemes[0];
    assert_eq!(
        c.stake(
            &keys[0],
            Target::Validator(address_of(&keys[0])),
            trn(10_000)
        ),
        Outcome::OK
    );
    let nullify_finalize = |view| {
        let n = Nullify::<VoteScheme>::sign::<Digest>(s, round(view)).unwrap();
        let f = Finalize::sign(s, proposal(view, b"a")).unwrap();
        Activity::NullifyFinalize(NullifyFinalize::new(n, f))
            .encode()
            .to_vec()
    };
    assert_eq!(
        c.evidence(&keys[0], conflicting_notarizes(s, 5)),
        Outcome::OK
    );
    assert_eq!(
        c.evidence(&keys[0], conflicting_notarizes(s, 5)),
        rejected(SlashingRejection::ValidatorAlreadySlashed)
    );
    assert_eq!(
        c.evidence(&keys[0], nullify_finalize(5)),
        rejected(SlashingRejection::ValidatorAlreadySlashed),
        "another conflict in the same round"
    );
    assert_eq!(c.evidence(&keys[0], nullify_finalize(6)), Outcome::OK);
    let finalizes = Activity::ConflictingFinalize(ConflictingFinalize::new(
        Finalize::sign(s, proposal(7, b"a")).unwrap(),
        Finalize::sign(s, proposal(7, b"b")).unwrap(),
    ))
    .encode()
    .to_vec();
    assert_eq!(c.evidence(&keys[0], finalizes), Outcome::OK);
    assert_eq!(c.slash_count(), 3);
    assert_eq!(
        c.slash(2).offence,
        SlashReason::ValidatorEquivocation.code()
    );
}

#[test]
fn a_validator_with_nothing_staked_cannot_be_reported() {
    let (mut c, schemes, keys) = Chain::new(500);
    assert_eq!(
        c.evidence(&keys[2], conflicting_notarizes(&schemes[2], 5)),
        rejected(SlashingRejection::ValidatorNothingStaked)
    );
    assert_eq!(c.slash_count(), 0);
}

/// Validator 0's partial signature, computed from validators 1-3's on the same messages:
/// shares sit at x = index + 1, and the Lagrange weights of x = 2, 3, 4 at x = 1 are 3, -3, 1.
fn interpolated_for_validator_0(quorum: [&Vote; 3]) -> Vote {
    use commonware_cryptography::bls12381::primitives::group::Scalar;
    let sig = |v: &Vote| {
        v.attestation
            .signature
            .get()
            .expect("a valid point")
            .clone()
    };
    let (three, one) = (Scalar::from_u64(3), Scalar::from_u64(1));
    let weights = [three.clone(), -three, one];
    let combine = |part: fn(&vrf::Signature<terrane_types::Bls>) -> terrane_types::BlsSignature| {
        quorum
            .iter()
            .zip(&weights)
            .map(|(v, w)| part(&sig(v)) * w)
            .reduce(|a, b| a + &b)
            .expect("three votes")
    };
    let signature = vrf::Signature {
        vote_signature: combine(|s| s.vote_signature),
        seed_signature: combine(|s| s.seed_signature),
    };
    Notarize {
        proposal: quorum[0].proposal.clone(),
        attestation: Attestation {
            signer: commonware_utils::Participant::new(0),
            signature: signature.into(),
        },
    }
}

/// Why the chain ships with `validator_equivocation_bps = 0`: threshold votes are not
/// attributable. A byzantine leader sends block b to validators 1-3 and block a to validator
/// 0, which notarizes only a; from the quorum's three notarizes of b anyone computes validator
/// 0's own notarize of b, and the pair verifies as its equivocation.
#[test]
fn a_quorums_votes_yield_an_honest_validators_vote_so_the_evidence_cannot_tell_it_apart() {
    let (mut c, schemes, keys) = Chain::new(500);
    assert_eq!(
        c.stake(
            &keys[0],
            Target::Validator(address_of(&keys[0])),
            trn(10_000)
        ),
        Outcome::OK
    );
    let honest = notarize(&schemes[0], 5, b"a");
    let quorum: Vec<Vote> = schemes[1..].iter().map(|s| notarize(s, 5, b"b")).collect();
    let computed = interpolated_for_validator_0([&quorum[0], &quorum[1], &quorum[2]]);
    assert_eq!(
        computed,
        notarize(&schemes[0], 5, b"b"),
        "exactly the vote validator 0 never cast"
    );
    let framed = Activity::ConflictingNotarize(ConflictingNotarize::new(honest, computed))
        .encode()
        .to_vec();
    assert_eq!(
        c.evidence(&keys[0], framed),
        Outcome::OK,
        "accepted: framed"
    );
}

#[test]
fn by_default_the_chain_refuses_vote_evidence_against_validators() {
    let (mut c, schemes, keys) = Chain::new(0);
    assert_eq!(
        c.stake(
            &keys[0],
            Target::Validator(address_of(&keys[0])),
            trn(10_000)
        ),
        Outcome::OK
    );
    assert_eq!(
        c.evidence(&keys[0], conflicting_notarizes(&schemes[0], 5)),
        rejected(SlashingRejection::ValidatorEvidenceDisabled)
    );
    assert_eq!(c.slash_count(), 0);
}

#[test]
fn an_executor_without_a_vote_checker_refuses_every_validator_evidence() {
    let (mut c, schemes, keys) = Chain::new(500);
    c.exec = Executor::new(c.exec.genesis().clone());
    assert_eq!(
        c.stake(
            &keys[0],
            Target::Validator(address_of(&keys[0])),
            trn(10_000)
        ),
        Outcome::OK
    );
    assert_eq!(
        c.evidence(&keys[0], conflicting_notarizes(&schemes[0], 5)),
        rejected(SlashingRejection::NotAValidator)
    );
    assert_eq!(c.slash_count(), 0);
}

impl Chain {
    fn slash(&self, id: u64) -> terrane_slashing::types::Slash {
        block_on(slashing::slash(&self.state(), id))
            .unwrap()
            .expect("recorded")
    }
}
