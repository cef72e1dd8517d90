//! An in-process, deterministic chain for the fleet: the real [`Executor`] on a [`MemStore`].
//!
//! ```text
//! genesis (fleet funding + maker + treasury, short epochs) ─▶ Executor
//! per block h:  view of head h−1 ─▶ fleet.step ─▶ execute(h, timestamp, randomness) ─▶ apply
//!               ─▶ supply invariant over every known account ─▶ digest of the writes
//!               ─▶ judged reports and transaction outcomes recorded
//!               ─▶ at an epoch's first block: the previous epoch's reward lines collected
//! timestamp(h) = genesis_time + h × block_time      randomness(h) = SHA-256(seed ‖ h)
//! ```
//! Same seed, same fleet: same blocks, same writes, same digest.

use crate::{
    fleet::{ChainView, Fleet},
    market::Market,
    report::EpochShares,
};
use commonware_codec::DecodeExt;
use futures::executor::block_on;
use std::collections::BTreeMap;
use terrane_app::{
    Executor, Genesis, Outcome, SignedTransaction, events::EventKind, params::ChainParams,
    tx::Payload,
};
use terrane_coverage::msg::Witness;
use terrane_pow::{events::PowEvent, params::PowParams, schedule};
use terrane_primitives::{
    Address, Amount, ChainId, DeviceId, Epoch, Hash32, Height, TimestampMs, sha256,
};
use terrane_rewards::types::EpochSummary;
use terrane_state::{MemStore, Overlay};

/// The simulated chain's settings.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Chain id.
    pub chain_id: String,
    /// Seed of the block randomness.
    pub seed: u64,
    /// Genesis time, ms.
    pub genesis_time_ms: u64,
    /// Time between blocks, ms.
    pub block_time_ms: u64,
    /// Chain parameters (the accounts fees must be those the fleet was built with).
    pub params: ChainParams,
    /// Check every module invariant ([`terrane_app::invariants::check_all`]) after every block.
    pub check_invariants: bool,
}

impl SimConfig {
    /// Short epochs (100 blocks, 4 windows of 22 blocks and 10 of grace), 250 ms blocks, every
    /// other parameter at its default.
    pub fn new(seed: u64) -> Self {
        Self {
            chain_id: "terrane-fleet-sim".into(),
            seed,
            genesis_time_ms: 1_767_225_600_000,
            block_time_ms: 250,
            params: ChainParams {
                pow: PowParams {
                    epoch_length_blocks: 100,
                    windows_per_epoch: 4,
                    window_grace_blocks: 10,
                    ..PowParams::default()
                },
                ..ChainParams::default()
            },
            check_invariants: true,
        }
    }

    /// The chain id.
    ///
    /// # Panics
    /// If `chain_id` is not a valid chain id.
    pub fn chain(&self) -> ChainId {
        ChainId::new(&self.chain_id).expect("a valid chain id")
    }
}

/// One report's judgement, as seen in a block's events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgedReport {
    /// Block height.
    pub height: Height,
    /// The account that submitted the bundle.
    pub submitter: Address,
    /// The device the report names.
    pub device: DeviceId,
    /// Its report kind.
    pub kind: u8,
    /// Its epoch.
    pub epoch: Epoch,
    /// Its id.
    pub report_id: Hash32,
    /// For a coverage witness, the beaconer it names.
    pub beaconer: Option<DeviceId>,
    /// The device charged with the outcome (`None`: reported as an event only).
    pub charged: Option<DeviceId>,
    /// 0 for valid or pending, else the reason code.
    pub code: u16,
}

/// One transaction's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxRecord {
    /// Block height.
    pub height: Height,
    /// Transaction id.
    pub id: Hash32,
    /// Signer, if it decoded.
    pub signer: Option<Address>,
    /// Payload kind, if it decoded.
    pub kind: Option<&'static str>,
    /// Outcome.
    pub outcome: Outcome,
}

/// A closed epoch's rewards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochRewards {
    /// The epoch.
    pub epoch: Epoch,
    /// Every fleet device with a reward line, in fleet order, with what it pays (subsidy and
    /// usage).
    pub rewards: Vec<(DeviceId, Amount)>,
    /// Of that, each device's paid usage: credits, face value, TRN paid (devices with usage
    /// only).
    pub usage: Vec<(DeviceId, terrane_rewards::economy::UsageLine)>,
    /// The chain's summary of the epoch.
    pub summary: EpochSummary,
}

/// The simulated chain.
pub struct Sim {
    cfg: SimConfig,
    exec: Executor,
    store: MemStore,
    height: Height,
    holders: Vec<Address>,
    devices: Vec<DeviceId>,
    digest: Hash32,
    /// Every report judged, in block order.
    pub judged: Vec<JudgedReport>,
    /// Every transaction's outcome, in block order.
    pub txs: Vec<TxRecord>,
    /// Every closed epoch's rewards.
    pub epochs: Vec<EpochRewards>,
    /// The last block's events.
    pub events: Vec<terrane_app::events::AppEvent>,
}

/// The treasury of a simulation seeded `seed` (a key nobody uses).
pub fn treasury(seed: u64) -> Address {
    use commonware_cryptography::Signer as _;
    let key = commonware_cryptography::ed25519::PrivateKey::from_seed(crate::rng::stream(
        seed, "treasury", 0,
    ));
    Address::from_slice(key.public_key().as_ref()).expect("32 bytes")
}

impl Sim {
    /// The genesis of a simulation of `fleet`: its funding, its maker, a treasury.
    pub fn genesis(cfg: &SimConfig, fleet: &Fleet) -> Genesis {
        Self::genesis_of(cfg, fleet, None)
    }

    /// A chain at height 0 for `fleet`.
    pub fn new(cfg: SimConfig, fleet: &Fleet) -> Self {
        let genesis = Self::genesis_of(&cfg, fleet, None);
        Self::from_genesis(cfg, fleet, genesis)
    }

    /// A chain at height 0 for `fleet` and its `market`: the market's accounts are funded and
    /// its oracle is the chain's.
    pub fn with_market(cfg: SimConfig, fleet: &Fleet, market: &Market) -> Self {
        let genesis = Self::genesis_of(&cfg, fleet, Some(market));
        Self::from_genesis(cfg, fleet, genesis)
    }

    fn genesis_of(cfg: &SimConfig, fleet: &Fleet, market: Option<&Market>) -> Genesis {
        let mut funding = fleet.funding();
        if let Some(m) = market {
            funding.extend(m.funding());
        }
        let mut g = Genesis::for_tests(&cfg.chain_id, &funding);
        g.genesis_time_ms = cfg.genesis_time_ms;
        g.params = cfg.params.clone();
        if let Some(m) = market {
            g.params.oracle.oracles = vec![m.oracle().to_string()];
        }
        g.makers = vec![fleet.maker().to_string()];
        g.treasury = treasury(cfg.seed).to_string();
        g
    }

    fn from_genesis(cfg: SimConfig, fleet: &Fleet, genesis: Genesis) -> Self {
        let mut holders: Vec<Address> = genesis
            .allocations
            .iter()
            .map(|a| a.address.parse().expect("genesis addresses are valid"))
            .collect();
        holders.push(genesis.treasury().expect("valid treasury"));
        // Accounts the fleet creates by transfer after genesis hold tokens too.
        for a in fleet.accounts() {
            if !holders.contains(&a) {
                holders.push(a);
            }
        }
        Self {
            exec: Executor::new(genesis),
            store: MemStore::new(),
            height: Height::new(0),
            holders,
            devices: fleet.devices().into_iter().map(|(d, _)| d).collect(),
            digest: Hash32::default(),
            judged: Vec::new(),
            txs: Vec::new(),
            epochs: Vec::new(),
            events: Vec::new(),
            cfg,
        }
    }

    /// The head height.
    pub fn height(&self) -> Height {
        self.height
    }

    /// A read view of the committed state.
    pub fn state(&self) -> Overlay<&MemStore> {
        Overlay::new(&self.store)
    }

    /// SHA-256 chained over every write of every block: equal digests, equal histories.
    pub fn digest(&self) -> Hash32 {
        self.digest
    }

    /// Keys in the store.
    pub fn state_keys(&self) -> usize {
        self.store.len()
    }

    /// The framework parameters.
    pub fn pow(&self) -> PowParams {
        self.cfg.params.pow
    }

    fn timestamp(&self, height: u64) -> u64 {
        self.cfg.genesis_time_ms + height * self.cfg.block_time_ms
    }

    /// What the fleet sees at the head.
    pub fn view(&self) -> ChainView {
        let pow = self.cfg.params.pow;
        let h = self.height;
        let (epoch, epoch_start, epoch_randomness) = if h.get() == 0 {
            (Epoch::new(0), Height::new(1), Hash32::default())
        } else {
            let epoch = schedule::epoch_of(h, pow.epoch_length_blocks);
            let info = block_on(terrane_pow::query::epoch_info(&self.state(), epoch))
                .expect("memory store reads do not fail")
                .expect("the head's epoch is open");
            (epoch, info.start_height, info.randomness)
        };
        ChainView {
            height: h,
            timestamp_ms: self.timestamp(h.get()),
            epoch,
            epoch_start,
            epoch_randomness,
            epoch_start_timestamp_ms: self.timestamp(epoch_start.get()),
            window_opened_ms: ChainView::window_open_heights(epoch_start, &pow)
                .into_iter()
                .filter(|o| *o <= h)
                .map(|o| (o, self.timestamp(o.get())))
                .collect(),
            pow,
            chain: self.cfg.chain(),
        }
    }

    /// Executes the next block with `txs`, applies it, checks the supply invariant and records
    /// outcomes, judged reports and (at an epoch's first block) the closed epoch's rewards.
    ///
    /// # Panics
    /// If the supply invariant breaks, or the state fails to read (it is in memory).
    pub fn execute(&mut self, txs: &[Vec<u8>]) {
        let h = Height::new(self.height.get() + 1);
        let randomness = sha256(&[&self.cfg.seed.to_be_bytes(), &h.get().to_be_bytes()]);
        let env = self
            .exec
            .block_env(h, TimestampMs::new(self.timestamp(h.get())), randomness);
        let mut overlay = Overlay::new(&self.store);
        let out = block_on(self.exec.execute(&mut overlay, &env, txs)).expect("memory store");
        let (_, writes) = overlay.into_parts();
        let mut parts: Vec<&[u8]> = Vec::with_capacity(1 + 3 * writes.len());
        let digest = self.digest;
        parts.push(digest.as_ref());
        for (key, value) in &writes {
            parts.push(key.0.as_ref());
            match value {
                Some(v) => {
                    parts.push(b"\x01");
                    parts.push(v);
                }
                None => parts.push(b"\x00"),
            }
        }
        self.digest = sha256(&parts);
        self.store.apply(writes);
        self.height = h;

        if self.cfg.check_invariants {
            let state = self.state();
            if let Err(v) = block_on(terrane_app::invariants::check_all(
                &state,
                self.holders.iter().copied(),
            ))
            .expect("memory store")
            {
                panic!("block {h}: {v}", h = h.get());
            }
        }

        let mut bundles: BTreeMap<Hash32, (Address, Vec<terrane_pow::types::SignedReport>)> =
            BTreeMap::new();
        for (raw, result) in txs.iter().zip(&out.txs) {
            self.txs.push(TxRecord {
                height: h,
                id: result.id,
                signer: result.signer,
                kind: result.kind,
                outcome: result.outcome,
            });
            if let Ok(tx) = SignedTransaction::decode(bytes::Bytes::copy_from_slice(raw))
                && let Payload::SubmitReports(m) = tx.tx.payload
            {
                bundles.insert(result.id, (tx.tx.signer, m.reports));
            }
        }
        let mut cursor: BTreeMap<Hash32, usize> = BTreeMap::new();
        for event in &out.events {
            let (
                Some(tx),
                EventKind::Pow(PowEvent::ReportJudged {
                    report_id,
                    device,
                    code,
                    ..
                }),
            ) = (event.tx, &event.kind)
            else {
                continue;
            };
            let Some((submitter, reports)) = bundles.get(&tx) else {
                continue;
            };
            let i = cursor.entry(tx).or_insert(0);
            let r = &reports[*i].report;
            *i += 1;
            debug_assert_eq!(r.id(), *report_id, "events follow the bundle's order");
            let beaconer = (r.kind == terrane_coverage::KIND_WITNESS)
                .then(|| Witness::decode(bytes::Bytes::copy_from_slice(&r.payload)).ok())
                .flatten()
                .map(|w| w.beaconer);
            self.judged.push(JudgedReport {
                height: h,
                submitter: *submitter,
                device: r.device,
                kind: r.kind,
                epoch: r.epoch,
                report_id: *report_id,
                beaconer,
                charged: *device,
                code: *code,
            });
        }

        let pow = self.cfg.params.pow;
        if h.get() > 1 && schedule::is_epoch_start(h, pow.epoch_length_blocks) {
            let closed = Epoch::new(schedule::epoch_of(h, pow.epoch_length_blocks).get() - 1);
            self.collect(closed);
        }
        self.events = out.events;
    }

    fn collect(&mut self, epoch: Epoch) {
        let state = self.state();
        let summary = block_on(terrane_rewards::query::summary(&state, epoch))
            .expect("memory store")
            .expect("a closed epoch has a summary");
        let mut rewards = Vec::new();
        let mut usage = Vec::new();
        for d in &self.devices {
            if let Some(line) =
                block_on(terrane_rewards::query::line(&state, epoch, d)).expect("memory store")
            {
                rewards.push((*d, Amount::new(line.total())));
                if line.usage.credits > 0 {
                    usage.push((*d, line.usage));
                }
            }
        }
        let paid: u64 = rewards.iter().map(|(_, a)| a.get()).sum();
        assert_eq!(
            paid,
            summary.distributed_total(),
            "epoch {}: every reward went to a fleet device",
            epoch.get()
        );
        self.epochs.push(EpochRewards {
            epoch,
            rewards,
            usage,
            summary,
        });
    }

    /// One block driven by `fleet`: the fleet sees the head, its transactions fill the block.
    pub fn step(&mut self, fleet: &mut Fleet) {
        let txs = fleet.step(&self.view());
        self.execute(&txs);
    }

    /// One block driven by `fleet` and `market`; the market then reads the block's events.
    pub fn step_with(&mut self, fleet: &mut Fleet, market: &mut Market) {
        let view = self.view();
        let mut txs = fleet.step(&view);
        txs.extend(market.step(&view));
        self.execute(&txs);
        market.observe(&self.events);
    }

    /// Runs blocks with `market` until `closed` epochs have closed.
    pub fn run_epochs_with(&mut self, fleet: &mut Fleet, market: &mut Market, closed: u64) {
        let last =
            schedule::epoch_start(Epoch::new(closed), self.cfg.params.pow.epoch_length_blocks);
        while self.height < last {
            self.step_with(fleet, market);
        }
    }

    /// Runs blocks until `closed` epochs have closed (the block opening epoch `closed`).
    pub fn run_epochs(&mut self, fleet: &mut Fleet, closed: u64) {
        let last =
            schedule::epoch_start(Epoch::new(closed), self.cfg.params.pow.epoch_length_blocks);
        while self.height < last {
            self.step(fleet);
        }
    }

    /// Each closed epoch's rewards by behaviour.
    pub fn shares(&self, fleet: &Fleet) -> Vec<EpochShares> {
        self.epochs
            .iter()
            .map(|e| EpochShares::new(e.epoch, &e.rewards, |d| fleet.behavior_of(d)))
            .collect()
    }
}
