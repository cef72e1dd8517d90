//! Consensus observations the application needs: VRF seeds by view, and fault evidence.
//!
//! A proposer puts the seed of its parent's round into its block; execution derives the block's
//! randomness from it. Seeds arrive with notarizations and finalizations, which simplex reports
//! through the [`Reporter`] chain; [`ObservingReporter`] records them and forwards everything
//! to marshal unchanged.

use crate::types::{BlsSignature, Digest, Scheme};
use commonware_actor::Feedback;
use commonware_consensus::{
    Reporter, Viewable,
    simplex::{scheme::bls12381_threshold::vrf::Seedable, types::Activity},
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
            }
            Activity::Finalization(f) => {
                self.observations.record_seed(f.view(), f.seed().signature);
            }
            Activity::ConflictingNotarize(_)
            | Activity::ConflictingFinalize(_)
            | Activity::NullifyFinalize(_) => {
                self.observations.faults.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        self.inner.report(activity)
    }
}
