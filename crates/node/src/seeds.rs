//! Consensus observations the application needs: VRF seeds by view, and fault evidence.
//!
//! A proposer puts the seed of its parent's round into its block; execution derives the block's
//! randomness from it. Seeds arrive with notarizations and finalizations, which simplex reports
//! through the [`Reporter`] chain; [`ObservingReporter`] records them and forwards everything
//! to marshal unchanged. Conflicting votes are counted and their encoded activity queued for
//! [`crate::evidence`] to file on chain.

use crate::{
    evidence::{EvidenceQueue, Queued},
    types::{BlsSignature, Digest, Scheme},
};
use commonware_actor::Feedback;
use commonware_codec::Encode as _;
use commonware_consensus::{
    Epochable as _, Reporter, Viewable,
    simplex::{
        scheme::bls12381_threshold::vrf::Seedable,
        types::{Activity, Attributable},
    },
    types::View,
};
use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

/// How many recent views' seeds are kept.
const SEEDS_KEPT: usize = 4096;

/// Seeds and fault counts seen by one validator.
#[derive(Clone, Default)]
pub struct Observations {
    seeds: Arc<Mutex<BTreeMap<View, BlsSignature>>>,
    faults: Arc<AtomicU64>,
    /// The latest view each participant (by index) was seen voting in.
    votes: Arc<Mutex<BTreeMap<u32, View>>>,
    /// The latest view any certificate was seen for.
    latest_view: Arc<AtomicU64>,
    /// Conflicting votes waiting to be filed as evidence.
    evidence: Arc<Mutex<EvidenceQueue>>,
}

impl Observations {
    /// A fresh store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The recovered seed signature for `view`, if seen.
    pub fn seed(&self, view: View) -> Option<BlsSignature> {
        self.seeds.lock().expect("seed lock").get(&view).copied()
    }

    fn record_seed(&self, view: View, signature: BlsSignature) {
        let mut seeds = self.seeds.lock().expect("seed lock");
        seeds.insert(view, signature);
        while seeds.len() > SEEDS_KEPT {
            seeds.pop_first();
        }
    }

    /// Number of conflicting-vote evidences reported by consensus (equivocation).
    pub fn faults(&self) -> u64 {
        self.faults.load(Ordering::Relaxed)
    }

    /// Queues a conflicting-vote activity as evidence (once per signer and round).
    fn record_evidence(&self, activity: &Activity<Scheme, Digest>, signer: u32) {
        let key = (signer, activity.epoch().get(), activity.view().get());
        self.evidence
            .lock()
            .expect("evidence lock")
            .push(key, activity.encode().to_vec());
    }

    /// The oldest conflicting-vote evidence not yet taken.
    pub fn next_evidence(&self) -> Option<Queued> {
        self.evidence.lock().expect("evidence lock").pop()
    }

    /// Puts back evidence that could not be filed, first in line.
    pub fn retry_evidence(&self, q: Queued) {
        self.evidence.lock().expect("evidence lock").retry(q);
    }

    /// Conflicting-vote evidence waiting to be filed.
    pub fn pending_evidence(&self) -> usize {
        self.evidence.lock().expect("evidence lock").len()
    }

    fn record_vote(&self, signer: u32, view: View) {
        let mut votes = self.votes.lock().expect("votes lock");
        let entry = votes.entry(signer).or_insert(view);
        if *entry < view {
            *entry = view;
        }
    }

    /// Participants (indices) seen voting within the last `window` views, and the latest view.
    pub fn active_voters(&self, window: u64) -> (Vec<u32>, View) {
        let latest = View::new(self.latest_view.load(Ordering::Relaxed));
        let floor = latest.get().saturating_sub(window);
        let voters = self
            .votes
            .lock()
            .expect("votes lock")
            .iter()
            .filter(|(_, v)| v.get() >= floor)
            .map(|(i, _)| *i)
            .collect();
        (voters, latest)
    }
}

/// Records seeds and faults, then forwards every activity to `inner` (marshal).
#[derive(Clone)]
pub struct ObservingReporter<R> {
    inner: R,
    observations: Observations,
}

impl<R> ObservingReporter<R> {
    /// Wraps `inner`.
    pub fn new(inner: R, observations: Observations) -> Self {
        Self {
            inner,
            observations,
        }
    }
}

impl<R> Reporter for ObservingReporter<R>
where
    R: Reporter<Activity = Activity<Scheme, Digest>>,
{
    type Activity = Activity<Scheme, Digest>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        match &activity {
            Activity::Notarization(n) | Activity::Certification(n) => {
                self.observations.record_seed(n.view(), n.seed().signature);
                self.observations
                    .latest_view
                    .fetch_max(n.view().get(), Ordering::Relaxed);
            }
            Activity::Finalization(f) => {
                self.observations.record_seed(f.view(), f.seed().signature);
                self.observations
                    .latest_view
                    .fetch_max(f.view().get(), Ordering::Relaxed);
            }
            Activity::Notarize(v) => {
                self.observations.record_vote(v.signer().get(), v.view());
            }
            Activity::Finalize(v) => {
                self.observations.record_vote(v.signer().get(), v.view());
            }
            Activity::Nullify(v) => {
                self.observations.record_vote(v.signer().get(), v.view());
            }
            Activity::ConflictingNotarize(c) => {
                self.observations.faults.fetch_add(1, Ordering::Relaxed);
                self.observations
                    .record_evidence(&activity, c.signer().get());
            }
            Activity::ConflictingFinalize(c) => {
                self.observations.faults.fetch_add(1, Ordering::Relaxed);
                self.observations
                    .record_evidence(&activity, c.signer().get());
            }
            Activity::NullifyFinalize(c) => {
                self.observations.faults.fetch_add(1, Ordering::Relaxed);
                self.observations
                    .record_evidence(&activity, c.signer().get());
            }
            _ => {}
        }
        self.inner.report(activity)
    }
}
