//! Wiring one validator's actors, the same way in simulation and in production.
//!
//! ```text
//!            ┌──────── simplex (votes, certificates, resolver) ────────┐
//!            │ automaton/relay/reporter = Deferred(marshal, Stateful)  │
//! p2p ──────▶│ ObservingReporter (seeds, faults) ─▶ Deferred           │
//!  channels  │ marshal (backfill, buffered broadcast, archives)        │
//!            │ Stateful(ChainApp) ◀─▶ QMDB state, state-sync resolver  │
//!            └ probe, tx gossip ───────────────────────────────────────┘
//! ```
//! [`build`] constructs and starts everything except the consensus engine, and returns a
//! [`Validator`] whose [`Validator::start`] runs honest simplex. Simulations may instead hand
//! the vote and certificate channels to a byzantine double.

use crate::{
    application::{ChainApp, FinalizedObserver, ForgedMint, genesis_block},
    block::Block,
    db::{self, Databases},
    mempool::Mempool,
    seeds::{Observations, ObservingReporter},
    types::{Digest, PublicKey, Scheme},
};
use commonware_broadcast::buffered;
use commonware_consensus::{
    marshal::{
        self,
        core::{Actor as MarshalActor, CommitmentFallback, Mailbox as MarshalMailbox},
        resolver::p2p as marshal_resolver,
        standard::{Deferred, Standard},
    },
    simplex::{
        self,
        config::{ForwardPolicy, SkipPolicy},
        elector::RoundRobin,
    },
    types::{Epoch, FixedEpocher, ViewDelta},
};
use commonware_cryptography::{Digestible, Sha256, certificate::ConstantProvider};
use commonware_glue::stateful::{
    self, Config as StatefulConfig, PruneConfig, Stateful, SyncPlan,
    db::SyncEngineConfig,
    probe::{self, Config as ProbeConfig, Probe},
};
use commonware_p2p::{Blocker, Provider, Receiver, Sender, max_message_size};
use commonware_parallel::Sequential;
use commonware_runtime::{
    Clock, Handle, Metrics, Quota, Spawner, Storage, buffer::paged::CacheRef,
};
use commonware_storage::{archive::prunable, translator::TwoCap};
use commonware_utils::{NZDuration, NZU16, NZU32, NZU64, NZUsize};
use rand::{CryptoRng, Rng};
use std::{
    num::{NonZeroU64, NonZeroUsize},
    sync::Arc,
    time::Duration,
};
use terrane_app::{Executor, params::BlockLimits};

/// p2p channel ids. Stable: validators of one chain must agree on them.
pub mod channel {
    /// Consensus votes.
    pub const VOTES: u64 = 0;
    /// Consensus certificates.
    pub const CERTIFICATES: u64 = 1;
    /// Simplex's certificate resolver.
    pub const RESOLVER: u64 = 2;
    /// Marshal backfill of blocks and finalizations.
    pub const BACKFILL: u64 = 3;
    /// Block broadcast.
    pub const BROADCAST: u64 = 4;
    /// QMDB state sync.
    pub const STATE_SYNC: u64 = 5;
    /// Finalization probe for state sync.
    pub const PROBE: u64 = 6;
    /// Transaction gossip.
    pub const TXS: u64 = 7;
    /// All channels, in registration order.
    pub const ALL: [u64; 8] = [
        VOTES,
        CERTIFICATES,
        RESOLVER,
        BACKFILL,
        BROADCAST,
        STATE_SYNC,
        PROBE,
        TXS,
    ];
}

/// A static validator set never changes epoch.
const EPOCH_LENGTH: NonZeroU64 = NZU64!(u64::MAX);
/// Operations served per state-sync request.
const SYNC_BATCH_OPS: NonZeroU64 = NZU64!(256);
/// I/O buffer for journals and archives.
const IO_BUFFER: NonZeroUsize = NZUsize!(1 << 16);

/// Views of votes and certificates simplex keeps (one journal file per view) and marshal keeps
/// in its view-indexed caches. A node that falls further behind catches up from finalized
/// blocks, which are kept for [`Retention::blocks`].
pub const VIEW_RETENTION: u64 = 256;

/// Views per file section of marshal's view-indexed caches (notarized, verified and certified
/// blocks, notarizations, finalizations).
pub const VIEW_SECTION: u64 = 128;

/// How much finalized history a validator keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Finalized blocks (and their certificates) kept behind the tip. Peers that fall further
    /// behind than this, and new validators, cannot catch up from this node (no state sync yet).
    pub blocks: NonZeroUsize,
    /// Finalized blocks between pruning passes of the state database and the archives.
    pub prune_every_blocks: NonZeroUsize,
    /// Finalized heights per file section of the block and certificate archives, which are
    /// pruned a whole section at a time. Each section is a key and a value file (plus a
    /// direct-I/O descriptor per file once read), so the archives hold about
    /// `8 × (retain_blocks / archive_section_blocks + 1)` handles (docs/operations.md). Fixed
    /// for the life of a data directory.
    pub archive_section_blocks: NonZeroU64,
}

impl Retention {
    /// The retention a validator runs with unless `node.toml` says otherwise: 500,000 blocks,
    /// about 35 hours at four blocks a second.
    pub const DEFAULT: Self = Self {
        blocks: NZUsize!(500_000),
        prune_every_blocks: NZUsize!(1024),
        archive_section_blocks: NZU64!(16_384),
    };

    fn prune_config(self) -> PruneConfig {
        let config = PruneConfig {
            maintenance_interval: self.prune_every_blocks,
            retained_marshal_blocks: self.blocks.get(),
            // State below the inactivity floor only serves state sync, which Terrane does not.
            retained_qmdb_blocks: 0,
        };
        config.assert_valid();
        config
    }
}

/// Consensus timing.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// How long a view waits for its leader's proposal.
    pub leader_timeout: Duration,
    /// How long a view waits for certification after notarization.
    pub certification_timeout: Duration,
    /// Retry interval after a timeout.
    pub timeout_retry: Duration,
    /// How long to wait for a fetched block or certificate.
    pub fetch_timeout: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            leader_timeout: Duration::from_secs(1),
            certification_timeout: Duration::from_secs(2),
            timeout_retry: Duration::from_millis(500),
            fetch_timeout: Duration::from_secs(2),
        }
    }
}

/// Per-channel rate limit: generous, since validators are few and trusted to be honest-ish;
/// it bounds a misbehaving peer, not normal traffic.
pub fn channel_quota() -> Quota {
    Quota::per_second(NZU32!(10_000))
}

/// What one validator needs besides its runtime and network.
pub struct EngineConfig {
    /// Storage partition prefix (unique per validator sharing a storage root).
    pub partition_prefix: String,
    /// This validator's p2p/consensus identity.
    pub public_key: PublicKey,
    /// Its threshold signing scheme (holds its share).
    pub scheme: Scheme,
    /// A certificate-only verifier of the network identity (for VRF seeds).
    pub seed_verifier: Scheme,
    /// The state machine.
    pub executor: Executor,
    /// The mempool the proposer draws from.
    pub mempool: Mempool,
    /// Observer of finalized blocks.
    pub observer: Arc<dyn FinalizedObserver>,
    /// Seed and fault observations shared with the application.
    pub observations: Observations,
    /// Consensus timing.
    pub timing: Timing,
    /// Adversarial proposer for simulations; `None` in production.
    pub forged_mint: Option<ForgedMint>,
    /// Pages of 4 KiB in the storage page cache shared by state, blocks and certificates.
    pub page_cache_pages: NonZeroUsize,
    /// How much finalized history to keep; everything older is pruned.
    pub retention: Retention,
}

/// One p2p channel's sender and receiver.
pub type Channel<S, R> = (S, R);

/// The validator's channels, in [`channel::ALL`] order.
pub struct Channels<S, R> {
    /// Votes.
    pub votes: Channel<S, R>,
    /// Certificates.
    pub certificates: Channel<S, R>,
    /// Simplex resolver.
    pub resolver: Channel<S, R>,
    /// Marshal backfill.
    pub backfill: Channel<S, R>,
    /// Block broadcast.
    pub broadcast: Channel<S, R>,
    /// QMDB state sync.
    pub state_sync: Channel<S, R>,
    /// Probe.
    pub probe: Channel<S, R>,
    /// Transaction gossip.
    pub txs: Channel<S, R>,
}

impl<S, R> Channels<S, R> {
    /// Builds from channel pairs in [`channel::ALL`] order.
    ///
    /// # Panics
    /// If fewer than eight pairs are given.
    pub fn from_ordered(pairs: Vec<Channel<S, R>>) -> Self {
        let mut it = pairs.into_iter();
        let mut next = || it.next().expect("eight channels");
        Self {
            votes: next(),
            certificates: next(),
            resolver: next(),
            backfill: next(),
            broadcast: next(),
            state_sync: next(),
            probe: next(),
            txs: next(),
        }
    }
}

/// The largest p2p message any of our channels carries, for `participants` validators.
pub fn max_message_bytes(participants: u32, limits: &BlockLimits) -> u32 {
    max_message_size(&[
        simplex::max_payload_size::<Scheme, Digest>(participants),
        marshal::max_payload_size::<Standard<Block>, Scheme>(participants, limits),
        probe::max_payload_size::<Standard<Block>, Scheme>(participants),
        terrane_app::MAX_TX_BYTES + 64,
    ])
}

/// The marshal mailbox type.
pub type Marshal = MarshalMailbox<Scheme, Standard<Block>>;

/// Stateful's mailbox: the consensus application and marshal's reporter.
pub type StatefulMailbox<E> = stateful::Mailbox<E, ChainApp<Mempool>>;

/// The marshal adapter simplex drives.
type Adapter<E> = Deferred<E, Scheme, stateful::Mailbox<E, ChainApp<Mempool>>, Block, FixedEpocher>;

/// A validator whose services run and whose consensus engine is ready to start.
pub struct Validator<E, S, R, B>
where
    E: Spawner + Clock + Storage + Metrics + commonware_storage::Context,
{
    /// Marshal: finalized blocks and certificates.
    pub marshal: Marshal,
    /// Stateful: the state databases.
    pub stateful: stateful::Mailbox<E, ChainApp<Mempool>>,
    /// The mempool.
    pub mempool: Mempool,
    /// Seeds and faults.
    pub observations: Observations,
    /// The genesis block digest.
    pub genesis_digest: Digest,
    /// Vote channel, for the consensus engine.
    pub votes: Channel<S, R>,
    /// Certificate channel, for the consensus engine.
    pub certificates: Channel<S, R>,
    /// Resolver channel, for the consensus engine.
    pub resolver: Channel<S, R>,
    /// This validator's signing scheme.
    pub scheme: Scheme,
    /// The validator's root context. Every service above was spawned from a child of it, so
    /// the task that consumes it (the consensus engine) supervises them all: when it stops or
    /// is aborted, the whole validator stops, and a restart finds its storage closed.
    pub context: E,
    partition_prefix: String,
    blocker: B,
    reporter: ObservingReporter<Adapter<E>>,
    deferred: Adapter<E>,
    timing: Timing,
    page_cache: CacheRef,
}

fn archive_config<C>(
    prefix: &str,
    name: &str,
    page_cache: CacheRef,
    codec: C,
    section_blocks: NonZeroU64,
) -> prunable::Config<TwoCap, C> {
    prunable::Config {
        translator: TwoCap,
        metadata_partition: format!("{prefix}-{name}-metadata"),
        key_partition: format!("{prefix}-{name}-key"),
        key_page_cache: page_cache,
        value_partition: format!("{prefix}-{name}-value"),
        compression: None,
        codec_config: codec,
        items_per_section: section_blocks,
        key_write_buffer: IO_BUFFER,
        value_write_buffer: IO_BUFFER,
        replay_buffer: IO_BUFFER,
    }
}

/// Builds and starts a validator's services (everything but consensus).
///
/// `wrap_reporter` wraps the reporter marshal delivers finalized blocks to (Stateful's mailbox);
/// production passes it through, simulations add a monitor.
pub async fn build<E, S, R, M, B, W, MR>(
    context: E,
    cfg: EngineConfig,
    channels: Channels<S, R>,
    peers: M,
    blocker: B,
    wrap_reporter: W,
) -> Validator<E, S, R, B>
where
    W: FnOnce(StatefulMailbox<E>) -> MR,
    MR: commonware_consensus::Reporter<Activity = marshal::Update<Block>>,
    E: Spawner + Clock + Storage + Metrics + Rng + CryptoRng + commonware_storage::Context,
    S: Sender<PublicKey = PublicKey> + Sync,
    R: Receiver<PublicKey = PublicKey>,
    M: Provider<PublicKey = PublicKey>,
    B: Blocker<PublicKey = PublicKey>,
{
    let EngineConfig {
        partition_prefix,
        public_key,
        scheme,
        seed_verifier,
        executor,
        mempool,
        observer,
        observations,
        timing,
        forged_mint,
        page_cache_pages,
        retention,
    } = cfg;
    let limits = executor.genesis().params.block;
    let page_cache = CacheRef::new(NZU16!(4096), page_cache_pages);

    let resolver = marshal_resolver::init(
        context.child("marshal_resolver"),
        marshal_resolver::Config {
            public_key: public_key.clone(),
            peer_provider: peers.clone(),
            blocker: blocker.clone(),
            mailbox_size: NZUsize!(1024),
            fetch_timeout: NZDuration!(timing.fetch_timeout),
            fetch_retry_delay: Duration::from_millis(100),
            priority_requests: false,
            priority_responses: false,
        },
        channels.backfill,
    );

    let (broadcast_engine, buffer) = buffered::Engine::new(
        context.child("broadcast"),
        buffered::Config {
            public_key: public_key.clone(),
            mailbox_size: NZUsize!(1024),
            deque_size: 16,
            priority: false,
            codec_config: limits,
            peer_provider: peers.clone(),
            strategy: Sequential,
        },
    );
    broadcast_engine.start(channels.broadcast);

    // Threshold certificates are fixed-size: their codec needs no participant bound.
    let finalizations = prunable::Archive::init(
        context.child("finalizations_by_height"),
        archive_config(
            &partition_prefix,
            "finalizations",
            page_cache.clone(),
            (),
            retention.archive_section_blocks,
        ),
    )
    .await
    .expect("finalizations archive opens");
    let blocks = prunable::Archive::init(
        context.child("finalized_blocks"),
        archive_config(
            &partition_prefix,
            "blocks",
            page_cache.clone(),
            limits,
            retention.archive_section_blocks,
        ),
    )
    .await
    .expect("blocks archive opens");

    let genesis = genesis_block::<E>(&executor);
    let genesis_digest = genesis.digest();
    let plan = SyncPlan::init(context.child("stateful_plan"), partition_prefix.clone()).await;

    let provider = ConstantProvider::new(scheme.clone());
    let (probe, probe_mailbox) = Probe::new(ProbeConfig {
        context: context.child("probe"),
        provider: provider.clone(),
        strategy: Sequential,
        mailbox_size: NZUsize!(128),
        blocker: blocker.clone(),
        minimum_epoch: Epoch::zero(),
        retry_timeout: NZDuration!(Duration::from_millis(500)),
    });
    probe.start(channels.probe);

    let (marshal_actor, marshal_mailbox, floor) =
        MarshalActor::<_, Standard<Block>, _, _, _, _, _>::init(
            context.child("marshal"),
            finalizations,
            blocks,
            marshal::Config {
                provider,
                epocher: FixedEpocher::new(EPOCH_LENGTH),
                start: plan.marshal_start(commonware_cryptography::Digested::precomputed(
                    genesis.clone(),
                    genesis_digest,
                )),
                partition_prefix: partition_prefix.clone(),
                mailbox_size: NZUsize!(1024),
                view_retention: ViewDelta::new(VIEW_RETENTION),
                // Sections of the view-indexed caches: they are pruned a section at a time, so
                // they hold up to VIEW_RETENTION + one section of views.
                prunable_items_per_section: NZU64!(VIEW_SECTION),
                page_cache: page_cache.clone(),
                replay_buffer: IO_BUFFER,
                key_write_buffer: IO_BUFFER,
                value_write_buffer: IO_BUFFER,
                block_codec_config: limits,
                max_repair: NZUsize!(64),
                max_pending_acks: NZUsize!(1),
                strategy: Sequential,
            },
        )
        .await;

    // The state-sync channel stays registered (validators agree on channel ids) but idle; see
    // `db::NoStateSync`.
    drop(channels.state_sync);

    let mut application = ChainApp::new(
        executor,
        seed_verifier,
        observations.clone(),
        genesis,
        observer,
    );
    if let Some(forged) = forged_mint {
        application = application.with_forged_mint(forged);
    }
    let (stateful_actor, stateful_mailbox) = Stateful::new(
        context.child("stateful"),
        StatefulConfig {
            application,
            db_config: db::config(&partition_prefix, page_cache.clone()),
            provider: mempool.clone(),
            marshal: (marshal_mailbox.clone(), floor),
            mailbox_size: NZUsize!(1024),
            plan,
            resolvers: db::NoStateSync,
            sync_config: SyncEngineConfig {
                fetch_batch_size: SYNC_BATCH_OPS,
                apply_batch_size: NZU64!(1024),
                max_outstanding_requests: NZUsize!(8),
            },
            prune_config: Some(retention.prune_config()),
            strategy: Sequential,
        },
    );

    let deferred = Deferred::new(
        context.child("deferred"),
        stateful_mailbox.clone(),
        marshal_mailbox.clone(),
        FixedEpocher::new(EPOCH_LENGTH),
    );
    marshal_actor.start(wrap_reporter(stateful_mailbox.clone()), buffer, resolver);
    probe_mailbox.attach(marshal_mailbox.clone());
    stateful_actor.start();

    let databases: Databases<E> = stateful_mailbox.subscribe_databases().await;
    let (tx_sender, tx_receiver) = channels.txs;
    mempool.start_gossip(
        context.child("tx_gossip"),
        databases,
        tx_sender,
        tx_receiver,
    );

    let _ = CommitmentFallback::Wait;
    Validator {
        marshal: marshal_mailbox,
        stateful: stateful_mailbox,
        mempool,
        observations: observations.clone(),
        genesis_digest,
        votes: channels.votes,
        certificates: channels.certificates,
        resolver: channels.resolver,
        scheme,
        reporter: ObservingReporter::new(deferred.clone(), observations),
        deferred,
        context,
        partition_prefix,
        blocker,
        timing,
        page_cache,
    }
}

impl<E, S, R, B> Validator<E, S, R, B>
where
    E: Spawner + Clock + Storage + Metrics + Rng + CryptoRng + commonware_storage::Context,
    S: Sender<PublicKey = PublicKey>,
    R: Receiver<PublicKey = PublicKey>,
    B: Blocker<PublicKey = PublicKey>,
{
    /// Starts honest simplex consensus. Returns the engine's handle.
    pub fn start(self) -> Handle<()> {
        let engine = simplex::Engine::new(
            self.context,
            simplex::Config {
                scheme: self.scheme,
                elector: RoundRobin::<Sha256>::default(),
                blocker: self.blocker,
                automaton: self.deferred.clone(),
                relay: self.deferred,
                reporter: self.reporter,
                strategy: Sequential,
                partition: format!("{}-simplex", self.partition_prefix),
                mailbox_size: NZUsize!(1024),
                epoch: Epoch::zero(),
                floor: simplex::config::Floor::Genesis(self.genesis_digest),
                replay_buffer: IO_BUFFER,
                write_buffer: IO_BUFFER,
                page_cache: self.page_cache,
                leader_timeout: self.timing.leader_timeout,
                certification_timeout: self.timing.certification_timeout,
                timeout_retry: self.timing.timeout_retry,
                view_retention: ViewDelta::new(VIEW_RETENTION),
                skip: SkipPolicy::Enabled {
                    timeout: Duration::from_secs(5),
                    budget: simplex::SkipBudget::Participants,
                },
                fetch_timeout: NZDuration!(self.timing.fetch_timeout),
                fetch_retry_delay: Duration::from_secs(1),
                forward: ForwardPolicy::Disabled,
                track_historical_votes: false,
            },
        );
        engine.start(self.votes, self.certificates, self.resolver)
    }
}
