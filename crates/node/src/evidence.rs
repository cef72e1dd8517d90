//! Conflicting votes this validator saw, filed on chain as slashing evidence.
//!
//! ```text
//! simplex ─▶ ObservingReporter: ConflictingNotarize | ConflictingFinalize | NullifyFinalize
//!   ─▶ EvidenceQueue::push (encoded once, one entry per signer and round, at most MAX_QUEUED)
//!   ─▶ submit_pending (every SUBMIT_INTERVAL): checked with the chain's own VoteVerifier
//!      (terrane-votes, the one the executor checks evidence with),
//!      signed by the validator's account key with its next nonce ─▶ Mempool::submit + gossip
//! ```
//! Only when the chain slashes on vote evidence (`slashing.validator_equivocation_bps > 0`):
//! otherwise [`spawn`] starts nothing and the queue just stays full. Each conflict is handed to
//! the mempool once: a refusal (the account cannot pay, a nonce taken by an operator's own
//! transaction) drops it with a warning rather than spending fees on retries; only a node fault
//! (the state could not be read) puts it back. Whether it executes is the chain's business:
//! the evidence's outcome is in the block's receipts like any transaction's.
//!
//! The validator's ed25519 identity is also its account (an address is the key), so the node
//! already holds the key that signs; its operator funds the account for the fees.

use crate::{
    application::TxSource as _,
    db::{Databases, DbReader},
    mempool::{Mempool, SubmitError},
};
use commonware_codec::Encode as _;
use commonware_cryptography::{Signer as _, ed25519};
use commonware_runtime::{Clock, Spawner};
use std::{
    collections::{BTreeSet, VecDeque},
    sync::Arc,
    time::Duration,
};
use terrane_app::{Executor, Payload, Transaction, modules::slashing::VoteEvidence as _};
use terrane_primitives::{Address, Amount, Hash32, Nonce};
use terrane_slashing::msg::{Evidence, MAX_VOTE_EVIDENCE_BYTES, SubmitEvidence};
use terrane_state::Overlay;
use terrane_votes::VoteVerifier;
use tracing::{info, warn};

/// Conflicts waiting to be filed; more are dropped until the submitter catches up.
pub const MAX_QUEUED: usize = 64;
/// Rounds remembered as already queued, so a conflict simplex reports again is not filed
/// twice (the oldest are forgotten first).
pub const MAX_REMEMBERED: usize = 4096;
/// How often the submitter files what is queued.
pub const SUBMIT_INTERVAL: Duration = Duration::from_secs(1);

/// One validator's votes in one round: `(signer index, consensus epoch, view)`.
pub type RoundKey = (u32, u64, u64);

/// A conflict to file: who signed the votes, and the encoded simplex activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// The signer's participant index.
    pub signer: u32,
    /// The activity, codec-encoded, at most [`MAX_VOTE_EVIDENCE_BYTES`].
    pub votes: Vec<u8>,
}

/// Bounded queue of conflicts, each signer and round at most once.
#[derive(Debug, Default)]
pub struct EvidenceQueue {
    pending: VecDeque<Queued>,
    seen: BTreeSet<RoundKey>,
    seen_order: VecDeque<RoundKey>,
}

impl EvidenceQueue {
    /// Queues `votes` for `key` unless that round was queued before, the queue is full, or
    /// the votes are larger than evidence may be. Whether it was queued.
    pub fn push(&mut self, key: RoundKey, votes: Vec<u8>) -> bool {
        if votes.len() > MAX_VOTE_EVIDENCE_BYTES
            || self.pending.len() >= MAX_QUEUED
            || self.seen.contains(&key)
        {
            return false;
        }
        self.seen.insert(key);
        self.seen_order.push_back(key);
        while self.seen_order.len() > MAX_REMEMBERED {
            let old = self.seen_order.pop_front().expect("non-empty");
            self.seen.remove(&old);
        }
        self.pending.push_back(Queued {
            signer: key.0,
            votes,
        });
        true
    }

    /// The oldest conflict not yet filed.
    pub fn pop(&mut self) -> Option<Queued> {
        self.pending.pop_front()
    }

    /// Puts back a conflict that could not be handed over (a node fault), first in line.
    pub fn retry(&mut self, q: Queued) {
        self.pending.push_front(q);
    }

    /// Conflicts waiting.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// The `submit_evidence` transaction filing `q` against `validator`, signed by `key` with
/// `nonce` and the minimum fee.
pub fn evidence_tx(
    executor: &Executor,
    key: &ed25519::PrivateKey,
    nonce: Nonce,
    validator: Address,
    q: &Queued,
) -> bytes::Bytes {
    let evidence = Evidence::ValidatorEquivocation {
        validator,
        votes: q.votes.clone(),
    };
    let mut tx = Transaction {
        signer: Address::from_slice(key.public_key().as_ref()).expect("ed25519 keys are 32 bytes"),
        nonce,
        fee: Amount::ZERO,
        payload: Payload::SubmitEvidence(SubmitEvidence { evidence }),
    };
    tx.fee = tx.min_fee(&executor.genesis().params.accounts);
    tx.sign(key, executor.chain_id()).encode()
}

/// What the submitter needs.
pub struct Submitter<E: Spawner + commonware_storage::Context> {
    /// The chain.
    pub executor: Executor,
    /// The genesis validator set's verifier (the one attached to `executor`).
    pub verifier: Arc<VoteVerifier>,
    /// This validator's key, which is its account.
    pub key: ed25519::PrivateKey,
    /// Where transactions go.
    pub mempool: Mempool,
    /// Finalized state (the account's nonce).
    pub db: Databases<E>,
}

impl<E: Spawner + commonware_storage::Context> Submitter<E> {
    /// The account's next nonce: after the finalized one and after whatever it already has
    /// pending in the mempool.
    async fn next_nonce(&self, me: &Address) -> Result<Nonce, SubmitError> {
        let finalized = {
            let guard = self.db.read().await;
            let overlay = Overlay::new(DbReader::<E>(&guard));
            terrane_accounts::handler::account(&overlay, me)
                .await
                .map_err(|e| SubmitError::Fault(format!("reading the validator's account: {e}")))?
                .nonce
        };
        let pending = self
            .mempool
            .snapshot()
            .into_iter()
            .find(|(a, _)| a == me)
            .and_then(|(_, q)| q.iter().map(|p| p.nonce).max());
        Ok(match pending {
            Some(n) if n >= finalized => Nonce::new(n.get().saturating_add(1)),
            _ => finalized,
        })
    }

    /// Files one conflict; `Ok(None)` when it is not evidence the chain would accept (its
    /// votes do not verify, or it accuses no validator) and was dropped.
    pub async fn submit(&self, q: &Queued) -> Result<Option<Hash32>, SubmitError> {
        let Some(validator) = self.verifier.validator(q.signer) else {
            return Ok(None);
        };
        // Any randomness does to decide validity; execution draws its own.
        if self
            .verifier
            .check(&validator, &q.votes, &Hash32::default())
            .is_err()
        {
            return Ok(None);
        }
        let me =
            Address::from_slice(self.key.public_key().as_ref()).expect("ed25519 keys are 32 bytes");
        let nonce = self.next_nonce(&me).await?;
        let raw = evidence_tx(&self.executor, &self.key, nonce, validator, q);
        self.mempool.submit(&self.db, raw, true).await.map(Some)
    }
}

/// Starts the submitter on `context` if the chain slashes on vote evidence and its genesis
/// describes a validator set; it drains `observations`' evidence every [`SUBMIT_INTERVAL`].
pub fn spawn<E>(context: E, observations: crate::seeds::Observations, submitter: Submitter<E>)
where
    E: Spawner + Clock + commonware_storage::Context,
{
    if submitter
        .executor
        .genesis()
        .params
        .slashing
        .validator_equivocation_bps
        == 0
    {
        return;
    }
    context.spawn(move |context| async move {
        loop {
            context.sleep(SUBMIT_INTERVAL).await;
            while let Some(q) = observations.next_evidence() {
                match submitter.submit(&q).await {
                    Ok(Some(id)) => info!(%id, signer = q.signer, "filed equivocation evidence"),
                    Ok(None) => warn!(
                        signer = q.signer,
                        "dropped conflicting votes that do not verify"
                    ),
                    Err(SubmitError::Refused(o)) => {
                        warn!(
                            signer = q.signer,
                            code = o.0,
                            "the mempool refused equivocation evidence"
                        )
                    }
                    Err(SubmitError::Fault(e)) => {
                        warn!(error = %e, "filing equivocation evidence: will retry");
                        observations.retry_evidence(q);
                        break;
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        config::set_consensus,
        seeds::{Observations, ObservingReporter},
        setup::{deal_validators, signer_scheme},
        types::{Digest, Scheme},
    };
    use commonware_actor::Feedback;
    use commonware_consensus::{
        Reporter,
        simplex::types::{Activity, ConflictingNotarize, Notarize, Proposal},
        types::{Epoch, Round, View},
    };
    use commonware_cryptography::{Hasher as _, Sha256};
    use rand::{SeedableRng as _, rngs::StdRng};
    use terrane_app::{Genesis, SignedTransaction};
    use terrane_primitives::ChainId;

    /// Marshal's place in the reporter chain.
    #[derive(Clone)]
    struct Sink;

    impl Reporter for Sink {
        type Activity = Activity<Scheme, Digest>;
        fn report(&mut self, _: Self::Activity) -> Feedback {
            Feedback::Ok
        }
    }

    #[test]
    fn conflicting_votes_the_engine_reports_are_queued_once_and_verify_as_the_chain_checks_them() {
        let chain = ChainId::new("evidence-test").unwrap();
        let dealt = deal_validators(StdRng::seed_from_u64(3), 4);
        let scheme = signer_scheme(
            &chain,
            dealt.participants.clone(),
            dealt.polynomial.clone(),
            dealt.validators[2].share.clone(),
        );
        let vote = |block: &[u8]| {
            let round = Round::new(Epoch::zero(), View::new(9));
            Notarize::sign(
                &scheme,
                Proposal::new(round, View::new(8), Sha256::hash(&[block])),
            )
            .unwrap()
        };
        let activity =
            Activity::ConflictingNotarize(ConflictingNotarize::new(vote(b"a"), vote(b"b")));
        let observations = Observations::new();
        let mut reporter = ObservingReporter::new(Sink, observations.clone());
        reporter.report(activity.clone());
        reporter.report(activity.clone());
        assert_eq!(
            (observations.faults(), observations.pending_evidence()),
            (2, 1)
        );
        let q = observations.next_evidence().unwrap();
        assert_eq!(
            (q.signer, q.votes.as_slice()),
            (2, activity.encode().as_ref())
        );

        // The genesis the node writes, and the verifier the node attaches to its executor.
        let mut genesis = Genesis::for_tests(chain.as_str(), &[]);
        let addresses = vec!["127.0.0.1:0".parse().unwrap(); 4];
        set_consensus(&mut genesis, &dealt, &addresses);
        let verifier = VoteVerifier::from_genesis(&chain, &genesis.consensus).unwrap();
        let accused = verifier.validator(2).unwrap();
        assert_eq!(
            accused.as_bytes(),
            dealt.validators[2].signer.public_key().as_ref()
        );
        let c = verifier
            .check(&accused, &q.votes, &Hash32::default())
            .unwrap();
        assert_eq!((c.index, c.epoch, c.view), (2, 0, 9));

        let executor = Executor::new(genesis);
        let raw = evidence_tx(
            &executor,
            &dealt.validators[0].signer,
            Nonce::new(4),
            accused,
            &q,
        );
        let tx = SignedTransaction::decode_bounded(&raw).unwrap();
        assert!(tx.verify(executor.tx_namespace()));
        assert_eq!(tx.tx.nonce, Nonce::new(4));
        match tx.tx.payload {
            Payload::SubmitEvidence(SubmitEvidence {
                evidence: Evidence::ValidatorEquivocation { validator, votes },
            }) => assert_eq!((validator, votes), (accused, q.votes)),
            other => panic!("not evidence: {other:?}"),
        }
    }

    #[test]
    fn a_round_is_queued_once_and_the_queue_is_bounded() {
        let mut q = EvidenceQueue::default();
        assert!(q.push((1, 0, 5), vec![7]));
        assert!(
            !q.push((1, 0, 5), vec![8]),
            "the same signer and round again"
        );
        assert!(q.push((2, 0, 5), vec![9]));
        assert_eq!(
            q.pop(),
            Some(Queued {
                signer: 1,
                votes: vec![7]
            })
        );
        assert!(!q.push((1, 0, 5), vec![7]), "still remembered after filing");
        assert!(!q.push((3, 0, 5), vec![0; MAX_VOTE_EVIDENCE_BYTES + 1]));
        for view in 0..2 * MAX_QUEUED as u64 {
            q.push((4, 0, view), vec![1]);
        }
        assert_eq!(q.len(), MAX_QUEUED);
    }
}
