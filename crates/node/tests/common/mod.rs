//! Deterministic simulation of a Terrane validator set, on glue's simulation harness.
//!
//! Every validator runs the real engine ([`terrane_node::engine::build`]) over the simulated
//! network and storage; a workload task per validator submits transfers to its mempool; the
//! checks read each validator's marshal and QMDB state.
#![allow(dead_code)]

use commonware_consensus::{
    simplex::{elector::RoundRobin, mocks::equivocator},
    types::{Epoch, Height as CHeight},
};
use commonware_cryptography::{Digestible, Sha256};
use commonware_glue::simulate::{
    engine::{EngineDefinition, InitContext},
    processed::ProcessedHeight,
    property::{FinalizationProperty, Property},
    reporter::MonitorReporter,
    tracker::ProgressTracker,
};
use commonware_p2p::simulated::Link;
use commonware_runtime::{Clock, Handle, Quota, Spawner, Supervisor as _, deterministic};
use commonware_utils::{probability, test_rng};
use std::{
    collections::BTreeMap,
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex},
    time::Duration,
};
use terrane_accounts::handler as accounts;
use terrane_app::{
    Executor, Genesis,
    genesis::{Allocation, ConsensusGenesis, Validator as GenesisValidator},
    params::ChainParams,
    testkit::{address_of, named_key, transfer},
};
use terrane_mempool::Config as PoolConfig;
use terrane_node::{
    application::ForgedMint,
    db::DbReader,
    engine::{self, Channels, EngineConfig, Marshal, StatefulMailbox, Timing},
    mempool::Mempool,
    seeds::Observations,
    setup::{Dealt, certificate_verifier, deal_validators, signer_scheme},
    types::{Digest, PublicKey},
};
use terrane_primitives::{Address, Amount, Nonce};
use terrane_state::Overlay;

pub mod devices;

pub const VALIDATORS: u32 = 4;
pub const CHAIN: &str = "terrane-sim";

/// What a validator does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Follows the protocol.
    Honest,
    /// Proposes blocks that mint it money (see [`ForgedMint`]).
    ForgedMint,
    /// Sends conflicting notarize votes (commonware's equivocator double).
    Equivocator,
}

/// The account validator `i`'s workload spends from.
pub fn user(i: usize) -> String {
    format!("user{i}")
}

/// The account validator `i`'s workload pays.
pub fn sink(i: usize) -> Address {
    address_of(&named_key(&format!("sink{i}")))
}

/// The account a forging proposer credits.
pub fn forger() -> Address {
    address_of(&named_key("forger"))
}

/// Where reward dust goes.
pub fn treasury() -> Address {
    address_of(&named_key("treasury"))
}

/// The accounts of the coverage workload ([`devices`]): three hotspot owners and the relay
/// that submits report bundles. Separate from the transfer workloads' so their nonces never race.
pub fn device_accounts() -> [String; 4] {
    ["owner0", "owner1", "owner2", "relay"].map(String::from)
}

/// Every address that can ever hold a balance in the simulation.
pub fn holders() -> Vec<Address> {
    let mut all: Vec<Address> = (0..VALIDATORS as usize)
        .flat_map(|i| [address_of(&named_key(&user(i))), sink(i)])
        .collect();
    all.extend(device_accounts().iter().map(|n| address_of(&named_key(n))));
    all.push(forger());
    all.push(treasury());
    all
}

/// Short epochs with one duty window (20 work blocks, 10 of grace), so simulations close
/// several epochs.
pub const SIM_EPOCH_BLOCKS: u64 = 30;

fn genesis(dealt: &Dealt) -> Genesis {
    let mut params = ChainParams::default();
    params.pow.epoch_length_blocks = SIM_EPOCH_BLOCKS;
    params.pow.windows_per_epoch = 1;
    params.pow.window_grace_blocks = 10;
    params.rewards.vetting_valid_reports = 1;
    Genesis {
        chain_id: CHAIN.into(),
        genesis_time_ms: 0,
        params,
        allocations: (0..VALIDATORS as usize)
            .map(user)
            .chain(device_accounts())
            .map(|name| Allocation {
                address: address_of(&named_key(&name)).to_string(),
                amount: Amount::from_tokens(1_000_000).unwrap().get(),
                label: Some(name),
            })
            .collect(),
        makers: vec![
            terrane_devices::testkit::address_of(&terrane_devices::testkit::key("maker"))
                .to_string(),
        ],
        treasury: treasury().to_string(),
        consensus: ConsensusGenesis {
            validators: dealt
                .participants
                .iter()
                .map(|pk| GenesisValidator {
                    public_key: pk.to_string(),
                    p2p_address: "127.0.0.1:0".into(),
                })
                .collect(),
            polynomial: String::new(),
        },
    }
}

/// One validator's inspectable handles.
#[derive(Clone)]
pub struct SimState {
    pub index: usize,
    pub role: Role,
    pub public_key: PublicKey,
    pub marshal: Marshal,
    pub stateful: StatefulMailbox<deterministic::Context>,
    pub observations: Observations,
}

impl ProcessedHeight for SimState {
    async fn processed_height(&self) -> u64 {
        self.marshal
            .get_processed()
            .await
            .map_or(0, |p| p.height().get())
    }
}

impl SimState {
    /// The finalized block digest at `height`.
    pub async fn digest_at(&self, height: u64) -> Option<Digest> {
        self.marshal
            .get_block(CHeight::new(height))
            .await
            .map(|b| b.digest())
    }

    /// The finalized block at `height`.
    pub async fn block_at(&self, height: u64) -> Option<terrane_node::block::Block> {
        self.marshal
            .get_block(CHeight::new(height))
            .await
            .map(|d| d.inner().clone())
    }

    /// The balance of `address` in the applied state.
    pub async fn balance(&self, address: &Address) -> u64 {
        let db = self.stateful.subscribe_databases().await;
        let guard = db.read().await;
        let overlay = Overlay::new(DbReader::<deterministic::Context>(&guard));
        accounts::account(&overlay, address)
            .await
            .unwrap()
            .balance
            .get()
    }

    /// Checks every module invariant (supply, work ledger, coverage slots, reward summary)
    /// on the applied state.
    pub async fn check_invariants(&self) -> Result<(), String> {
        let db = self.stateful.subscribe_databases().await;
        let guard = db.read().await;
        let overlay = Overlay::new(DbReader::<deterministic::Context>(&guard));
        terrane_app::invariants::check_all(&overlay, holders())
            .await
            .map_err(|e| e.to_string())?
            .map_err(|v| format!("validator {}: {v}", self.index))
    }
}

/// The simulated validator set.
#[derive(Clone)]
pub struct SimEngine {
    dealt: Arc<Dealt>,
    genesis: Genesis,
    roles: BTreeMap<usize, Role>,
    workload: bool,
    devices: bool,
}

impl SimEngine {
    /// Four honest validators with a transfer workload.
    pub fn new() -> Self {
        let dealt = deal_validators(test_rng(), VALIDATORS);
        let genesis = genesis(&dealt);
        Self {
            dealt: Arc::new(dealt),
            genesis,
            roles: BTreeMap::new(),
            workload: true,
            devices: false,
        }
    }

    /// Validator 0 also runs coverage hotspots: registrations, witnesses, beacon reveals.
    pub fn with_devices(mut self) -> Self {
        self.devices = true;
        self
    }

    /// Gives validator `index` a role.
    pub fn with_role(mut self, index: usize, role: Role) -> Self {
        self.roles.insert(index, role);
        self
    }

    /// The validators' public keys, in index order.
    pub fn keys(&self) -> Vec<PublicKey> {
        self.dealt.participants.iter().cloned().collect()
    }
}

impl EngineDefinition for SimEngine {
    type PublicKey = PublicKey;
    type Engine = Handle<()>;
    type State = SimState;

    fn participants(&self) -> Vec<PublicKey> {
        self.keys()
    }

    fn channels(&self) -> Vec<(u64, Quota)> {
        engine::channel::ALL
            .iter()
            .map(|c| (*c, engine::channel_quota()))
            .collect()
    }

    fn max_message_size(&self) -> u32 {
        engine::max_message_bytes(VALIDATORS, &self.genesis.params.block)
    }

    async fn init(&self, ctx: InitContext<'_, PublicKey>) -> (Handle<()>, SimState) {
        let InitContext {
            context,
            index,
            public_key,
            oracle,
            channels,
            monitor,
            ..
        } = ctx;
        let role = self.roles.get(&index).copied().unwrap_or(Role::Honest);
        let chain = self.genesis.chain_id();
        let executor = Executor::new(self.genesis.clone());
        let mempool = Mempool::new(
            PoolConfig::default(),
            executor.tx_namespace(),
            self.genesis.params.accounts,
        );
        let observations = Observations::new();
        let scheme = signer_scheme(
            &chain,
            self.dealt.participants.clone(),
            self.dealt.polynomial.clone(),
            self.dealt.validators[index].share.clone(),
        );
        let cfg = EngineConfig {
            partition_prefix: format!("validator-{index}"),
            public_key: public_key.clone(),
            scheme,
            seed_verifier: certificate_verifier(&chain, &self.dealt.polynomial),
            executor,
            mempool: mempool.clone(),
            observer: Arc::new(mempool.clone()),
            observations: observations.clone(),
            timing: Timing::default(),
            forged_mint: (role == Role::ForgedMint).then(|| ForgedMint {
                to: forger(),
                amount: Amount::new(1_000_000),
            }),
            // 32 MiB each: a simulation's state is small and many validators share the machine.
            page_cache_pages: commonware_utils::NZUsize!(8192),
            // Simulations are shorter than any retention a validator runs with; a node that
            // crashes or is partitioned catches up from its peers' full history.
            retention: engine::Retention {
                blocks: commonware_utils::NZUsize!(100_000),
                prune_every_blocks: commonware_utils::NZUsize!(1024),
                archive_section_blocks: commonware_utils::NZU64!(4096),
            },
        };
        let pk = public_key.clone();
        let validator = engine::build(
            context,
            cfg,
            Channels::from_ordered(channels),
            oracle.manager(),
            oracle.control(public_key.clone()),
            move |m| MonitorReporter::new(pk, monitor, m),
        )
        .await;
        let state = SimState {
            index,
            role,
            public_key: public_key.clone(),
            marshal: validator.marshal.clone(),
            stateful: validator.stateful.clone(),
            observations,
        };
        if self.devices && index == 0 {
            devices::spawn(
                validator.context.child("devices"),
                state.clone(),
                mempool.clone(),
                self.genesis.clone(),
            );
        }
        if self.workload && role == Role::Honest {
            spawn_workload(
                validator.context.child("workload"),
                state.clone(),
                mempool,
                self.genesis.clone(),
            );
        }
        let handle = match role {
            Role::Equivocator => {
                let scheme = validator.scheme.clone();
                equivocator::Equivocator::<_, _, _, Sha256>::new(
                    validator.context,
                    equivocator::Config {
                        scheme,
                        elector: RoundRobin::<Sha256>::default(),
                        epoch: Epoch::zero(),
                        relay: Arc::new(commonware_consensus::simplex::mocks::relay::Relay::new()),
                    },
                )
                .start(validator.votes, validator.certificates)
            }
            _ => validator.start(),
        };
        (handle, state)
    }

    fn start(engine: Handle<()>) -> Handle<()> {
        engine
    }
}

/// Every 100 ms, validator `i`'s workload submits the next few transfers from `user{i}` to
/// `sink{i}` (1 base unit each) to its own mempool, which gossips them.
fn spawn_workload(
    context: deterministic::Context,
    state: SimState,
    mempool: Mempool,
    genesis: Genesis,
) {
    let chain = genesis.chain_id();
    let params = genesis.params.accounts;
    let key = named_key(&user(state.index));
    let from = address_of(&key);
    let to = sink(state.index);
    context.spawn(move |context| async move {
        let db = state.stateful.subscribe_databases().await;
        loop {
            context.sleep(Duration::from_millis(100)).await;
            let next = {
                let guard = db.read().await;
                let overlay = Overlay::new(DbReader::<deterministic::Context>(&guard));
                accounts::account(&overlay, &from)
                    .await
                    .unwrap()
                    .nonce
                    .get()
            };
            for n in next..next + 4 {
                let tx = transfer(&chain, &params, &key, Nonce::new(n), to, Amount::new(1));
                let _ = mempool
                    .submit(&db, terrane_app::tx::encode_signed(&tx), true)
                    .await;
            }
        }
    });
}

/// Links with 10 ± 5 ms latency and no loss.
pub fn good_link() -> Link {
    Link {
        latency: Duration::from_millis(10),
        jitter: Duration::from_millis(5),
        success_rate: probability!(1.0),
    }
}

/// A link that drops everything.
pub fn dead_link() -> Link {
    Link {
        latency: Duration::from_millis(10),
        jitter: Duration::ZERO,
        success_rate: probability!(0.0),
    }
}

pub type Check<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// After every finalization: each active validator's state satisfies the supply invariant.
#[derive(Clone)]
pub struct SupplyHolds;

impl FinalizationProperty<SimState> for SupplyHolds {
    fn name(&self) -> &str {
        "supply_invariant"
    }

    fn check<'a>(&'a self, states: &'a [&'a SimState]) -> Check<'a> {
        Box::pin(async move {
            for s in states {
                s.check_invariants().await?;
            }
            Ok(())
        })
    }
}

/// At the end: every honest validator holds identical finalized blocks (hence identical state
/// roots) up to the lowest processed height, and that height reached `min_height`.
#[derive(Clone)]
pub struct HonestAgree {
    pub min_height: u64,
    /// Where to record the agreed header state roots, by height (for determinism checks).
    pub roots: Arc<Mutex<Vec<Digest>>>,
}

impl Property<PublicKey, SimState> for HonestAgree {
    fn name(&self) -> &str {
        "honest_agreement"
    }

    fn check<'a>(
        &'a self,
        _tracker: &'a ProgressTracker<PublicKey>,
        states: &'a [&'a SimState],
    ) -> Check<'a> {
        Box::pin(async move {
            let honest: Vec<&&SimState> =
                states.iter().filter(|s| s.role == Role::Honest).collect();
            let mut low = u64::MAX;
            for s in &honest {
                low = low.min(s.processed_height().await);
            }
            if low < self.min_height {
                return Err(format!("honest validators only reached height {low}"));
            }
            let mut roots = Vec::new();
            for h in 1..=low {
                let first = honest[0]
                    .block_at(h)
                    .await
                    .ok_or(format!("missing block {h}"))?;
                for s in &honest[1..] {
                    let d = s.digest_at(h).await.ok_or(format!("missing block {h}"))?;
                    if d != first.digest() {
                        return Err(format!("validators disagree at height {h}"));
                    }
                }
                roots.push(first.header().state_root);
            }
            for s in &honest {
                s.check_invariants().await?;
            }
            *self.roots.lock().unwrap() = roots;
            Ok(())
        })
    }
}

/// Sum of what the workloads moved, as seen by validator 0.
pub async fn moved(state: &SimState) -> u64 {
    let mut total = 0;
    for i in 0..VALIDATORS as usize {
        total += state.balance(&sink(i)).await;
    }
    total
}

/// At the end: the workload's transfers executed (validator 0 sees a non-zero total in the
/// sinks), recorded in `moved`.
#[derive(Clone)]
pub struct WorkloadExecuted {
    pub moved: Arc<Mutex<u64>>,
}

impl Property<PublicKey, SimState> for WorkloadExecuted {
    fn name(&self) -> &str {
        "workload_executed"
    }

    fn check<'a>(
        &'a self,
        _tracker: &'a ProgressTracker<PublicKey>,
        states: &'a [&'a SimState],
    ) -> Check<'a> {
        Box::pin(async move {
            let m = moved(states[0]).await;
            *self.moved.lock().unwrap() = m;
            if m == 0 {
                Err("no transfer executed".into())
            } else {
                Ok(())
            }
        })
    }
}

/// Exit once every honest validator has processed `height`.
#[derive(Clone)]
pub struct HonestReached(pub u64);

impl commonware_glue::simulate::exit::ExitCondition<PublicKey, SimState> for HonestReached {
    fn name(&self) -> &str {
        "honest_reached"
    }

    fn requires_polling(&self) -> bool {
        true
    }

    fn reached<'a>(
        &'a self,
        _tracker: &'a ProgressTracker<PublicKey>,
        states: &'a [&'a SimState],
        _target: usize,
    ) -> Pin<Box<dyn Future<Output = Result<bool, String>> + Send + 'a>> {
        Box::pin(async move {
            let honest: Vec<_> = states.iter().filter(|s| s.role == Role::Honest).collect();
            if honest.len() < 3 {
                return Ok(false);
            }
            for s in honest {
                if s.processed_height().await < self.0 {
                    return Ok(false);
                }
            }
            Ok(true)
        })
    }
}

/// At the end: no finalized block up to the agreed height was proposed by `adversary`, and the
/// forged credit never reached state.
#[derive(Clone)]
pub struct AdversaryNeverFinalized {
    pub adversary: PublicKey,
}

impl Property<PublicKey, SimState> for AdversaryNeverFinalized {
    fn name(&self) -> &str {
        "adversary_never_finalized"
    }

    fn check<'a>(
        &'a self,
        _tracker: &'a ProgressTracker<PublicKey>,
        states: &'a [&'a SimState],
    ) -> Check<'a> {
        Box::pin(async move {
            let honest = states
                .iter()
                .find(|s| s.role == Role::Honest)
                .ok_or("no honest validator")?;
            let top = honest.processed_height().await;
            for h in 1..=top {
                let b = honest
                    .block_at(h)
                    .await
                    .ok_or(format!("missing block {h}"))?;
                if b.proposer() == &self.adversary {
                    return Err(format!("adversary's block finalized at height {h}"));
                }
            }
            if honest.balance(&forger()).await != 0 {
                return Err("forged mint reached state".into());
            }
            Ok(())
        })
    }
}
