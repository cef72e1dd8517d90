//! What the API knows beyond state and marshal: the finalized tip, where each recent
//! transaction landed, and the live event stream.
//!
//! Fed by the finalization hook. Everything here is derivable from finalized blocks (whose
//! bodies carry their outcome codes), so it lives in memory: after a restart the tip comes back
//! from marshal and older transactions are found through their state receipts.

use crate::{application::FinalizedObserver, block::Block, types::Digest};
use commonware_cryptography::Digestible;
use prometheus_client::metrics::{counter::Counter, gauge::Gauge};
use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
};
use terrane_api::ChainEvent;
use terrane_app::{BlockOutput, events::EventKind, outcome};
use terrane_pow::events::PowEvent;
use terrane_primitives::{Address, Hash32, Height, Nonce, TimestampMs};
use terrane_rewards::events::RewardsEvent;
use tokio::sync::broadcast;

/// Transactions remembered for `GET /v1/tx/{hash}` lookups.
const TXS_KEPT: usize = 500_000;
/// Events buffered per subscriber before it lags.
const EVENT_BUFFER: usize = 16_384;

/// The latest finalized block this node has applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tip {
    /// Height.
    pub height: Height,
    /// Block digest.
    pub digest: Digest,
    /// State root after the block.
    pub state_root: Digest,
    /// Block timestamp.
    pub timestamp: TimestampMs,
}

impl Tip {
    /// The tip a block represents.
    pub fn of(block: &Block) -> Self {
        Self {
            height: block.header().height,
            digest: block.digest(),
            state_root: block.header().state_root,
            timestamp: block.header().timestamp,
        }
    }
}

/// Where a transaction was executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxLocation {
    /// Block height.
    pub height: Height,
    /// Position in the block.
    pub index: u32,
    /// Outcome code.
    pub code: u16,
    /// Whether it was charged (see [`terrane_app::TxResult::charged`]).
    pub charged: bool,
}

/// Node-level counters exported at `/metrics`.
#[derive(Clone, Default)]
pub struct NodeMetrics {
    /// Latest finalized height.
    pub finalized_height: Gauge,
    /// Transactions in finalized blocks that executed (code 0).
    pub txs_ok: Counter,
    /// Transactions in finalized blocks that were rejected (code != 0).
    pub txs_rejected: Counter,
}

#[derive(Default)]
struct State {
    tip: Option<Tip>,
    txs: BTreeMap<Hash32, TxLocation>,
    order: VecDeque<Hash32>,
}

/// The in-memory index. Cheap to clone.
#[derive(Clone)]
pub struct Indexer {
    state: Arc<Mutex<State>>,
    events: broadcast::Sender<ChainEvent>,
    metrics: NodeMetrics,
}

impl Default for Indexer {
    fn default() -> Self {
        Self::new()
    }
}

impl Indexer {
    /// An empty index.
    pub fn new() -> Self {
        Self {
            state: Arc::new(Mutex::new(State::default())),
            events: broadcast::channel(EVENT_BUFFER).0,
            metrics: NodeMetrics::default(),
        }
    }

    /// The counters, for registration with the runtime's metrics registry.
    pub fn metrics(&self) -> NodeMetrics {
        self.metrics.clone()
    }

    /// The latest finalized block applied, if any.
    pub fn tip(&self) -> Option<Tip> {
        self.state.lock().expect("index lock").tip
    }

    /// Sets the tip at startup (from marshal) unless a newer one is known.
    pub fn seed_tip(&self, tip: Tip) {
        let mut state = self.state.lock().expect("index lock");
        if state.tip.is_none_or(|t| t.height < tip.height) {
            state.tip = Some(tip);
            self.metrics
                .finalized_height
                .set(i64::try_from(tip.height.get()).unwrap_or(i64::MAX));
        }
    }

    /// Where transaction `id` was executed, if this node saw it finalize.
    pub fn tx(&self, id: &Hash32) -> Option<TxLocation> {
        self.state.lock().expect("index lock").txs.get(id).copied()
    }

    /// A live stream of finalized blocks and transaction outcomes.
    pub fn subscribe(&self) -> broadcast::Receiver<ChainEvent> {
        self.events.subscribe()
    }
}

impl FinalizedObserver for Indexer {
    fn finalized(&self, block: &Block, output: &BlockOutput, _nonces: &[(Address, Nonce)]) {
        let tip = Tip::of(block);
        {
            let mut state = self.state.lock().expect("index lock");
            if state.tip.is_some_and(|t| t.height >= tip.height) {
                // A replay after a crash: already indexed and announced.
                return;
            }
            state.tip = Some(tip);
            for t in &output.txs {
                let location = TxLocation {
                    height: tip.height,
                    index: t.index,
                    code: t.outcome.0,
                    charged: t.charged,
                };
                // A charged outcome is the transaction's fate and is never overwritten (a later
                // replay is an uncharged duplicate); an uncharged one is only the latest news.
                match state.txs.get(&t.id) {
                    Some(old) if old.charged => {}
                    Some(_) => {
                        state.txs.insert(t.id, location);
                    }
                    None => {
                        state.txs.insert(t.id, location);
                        state.order.push_back(t.id);
                    }
                }
            }
            while state.order.len() > TXS_KEPT {
                if let Some(old) = state.order.pop_front() {
                    state.txs.remove(&old);
                }
            }
        }
        let ok = output.txs.iter().filter(|t| t.outcome.is_ok()).count() as u64;
        self.metrics.txs_ok.inc_by(ok);
        self.metrics
            .txs_rejected
            .inc_by(output.txs.len() as u64 - ok);
        self.metrics
            .finalized_height
            .set(i64::try_from(tip.height.get()).unwrap_or(i64::MAX));
        // Nobody listening is fine.
        let _ = self.events.send(ChainEvent::Block {
            height: tip.height.get(),
            digest: tip.digest.to_string(),
            tx_count: block.header().tx_count,
            state_root: tip.state_root.to_string(),
            timestamp_ms: tip.timestamp.get(),
        });
        for e in &output.events {
            let event = match &e.kind {
                EventKind::Rewards(RewardsEvent::EpochClosed { epoch, summary }) => {
                    ChainEvent::EpochClosed {
                        epoch: epoch.get(),
                        height: tip.height.get(),
                        emission: summary.emission,
                        distributed: summary.distributed_total(),
                        reward_root: summary.reward_root.to_string(),
                    }
                }
                EventKind::Pow(PowEvent::ReportJudged {
                    report_id,
                    device,
                    code,
                    units,
                }) => ChainEvent::ReportOutcome {
                    report_id: report_id.to_string(),
                    device: device.map(|d| d.to_string()),
                    height: tip.height.get(),
                    code: *code,
                    name: outcome::lookup(*code)
                        .map_or("unregistered", |i| i.name)
                        .to_owned(),
                    units: *units,
                },
                _ => continue,
            };
            let _ = self.events.send(event);
        }
        for t in &output.txs {
            let _ = self.events.send(ChainEvent::TxOutcome {
                hash: t.id.to_string(),
                height: tip.height.get(),
                index: t.index,
                code: t.outcome.0,
                name: outcome::lookup(t.outcome.0)
                    .map_or("unknown", |i| i.name)
                    .to_owned(),
                charged: t.charged,
            });
        }
    }
}

/// Tells several observers, in order.
pub struct Observers(pub Vec<Arc<dyn FinalizedObserver>>);

impl FinalizedObserver for Observers {
    fn finalized(&self, block: &Block, output: &BlockOutput, nonces: &[(Address, Nonce)]) {
        for o in &self.0 {
            o.finalized(block, output, nonces);
        }
    }
}
