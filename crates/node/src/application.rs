//! The glue between consensus and Terrane's state machine.
//!
//! ```text
//! propose:  parent ─▶ seed of parent's round ─▶ mempool selection (nonces from parent state)
//!           ─▶ Executor::execute ─▶ QMDB batch ─▶ merkleize ─▶ header (state/ops/outcomes roots)
//! process:  header rules (chain, height, time, seed) ─▶ re-execute ─▶ roots must match
//! finalize: capture (cached BlockOutput, or re-execution on the pre-apply state after a crash)
//!           ─▶ state applied by Stateful ─▶ finalized (observer: indexer, mempool pruning)
//! ```
//! Every rule here is a pure function of the block, its ancestry and the parent state, except
//! the wait for the local clock to reach a block's timestamp, which only delays a vote.

use crate::{
    block::{Block, Header},
    db::{BatchReader, Databases, DbReader, Merkleized},
    seeds::Observations,
    types::{Context, Digest, Scheme, Seed},
};
use commonware_codec::Encode;
use commonware_consensus::marshal::ancestry::Ancestry;
use commonware_cryptography::Digestible;
use commonware_glue::stateful::{
    Application, Finality, Input, Proposed,
    db::{DatabaseSet, Merkleized as _, Unmerkleized as _},
};
use commonware_runtime::{Clock, Spawner};
use commonware_storage::qmdb::sync::Target;
use commonware_utils::non_empty_range;
use futures::StreamExt;
use std::{
    collections::{BTreeMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, UNIX_EPOCH},
};
use terrane_accounts::handler as accounts;
use terrane_app::{BlockOutput, Executor, params::BlockLimits};
use terrane_mempool::Pending;
use terrane_primitives::{Address, Hash32, Height, Nonce, TimestampMs, sha256};
use terrane_state::{BlockEnv, Overlay, Writes};
use tracing::{debug, warn};

/// How far ahead of a validator's clock a block timestamp may be before it waits to vote.
pub const MAX_CLOCK_DRIFT: Duration = Duration::from_millis(500);

/// The pace a proposer keeps: it builds no earlier than this after its parent's timestamp.
/// Not a validity rule (a faster honest block is still valid); it keeps an idle chain from
/// producing dozens of empty blocks a second, which would cost disk and make epochs (counted
/// in blocks) pass in seconds. Well under the leader timeout, so pacing never costs a view.
pub const TARGET_BLOCK_INTERVAL: Duration = Duration::from_millis(250);

/// How long a proposer waits for its parent's seed before giving up the view.
const SEED_WAIT: Duration = Duration::from_secs(1);

/// Recent block outputs kept for the finalization hooks.
const OUTPUTS_KEPT: usize = 1024;

/// Source of transactions for proposals (the mempool).
pub trait TxSource: Clone + Send + Sync + 'static {
    /// Every pending transaction, grouped by account in nonce order.
    fn snapshot(&self) -> Vec<(Address, Vec<Arc<Pending>>)>;
}

/// Told about every finalized block once its state is applied (may repeat after a crash).
pub trait FinalizedObserver: Send + Sync + 'static {
    /// `nonces` holds each signer's next nonce after the block.
    fn finalized(&self, block: &Block, output: &BlockOutput, nonces: &[(Address, Nonce)]);
}

/// A finalized block's output, captured before its state is applied.
pub type Captured = Arc<BlockOutput>;

/// Adversarial behaviour for simulations: a proposer that credits itself in every block it
/// builds, with a correct-looking root for its own (forged) state. Honest validators must
/// reject all of its blocks. Only the `mocks` feature builds it.
#[cfg(feature = "mocks")]
#[derive(Clone, Copy, Debug)]
pub struct ForgedMint {
    /// Who gets the forged credit.
    pub to: Address,
    /// How much.
    pub amount: terrane_primitives::Amount,
}

/// Without the `mocks` feature no value of this type exists, so a production proposer cannot
/// be made to forge (and carries no code that would).
#[cfg(not(feature = "mocks"))]
#[derive(Clone, Copy, Debug)]
pub enum ForgedMint {}

/// Recent block outputs by digest, with insertion order for eviction.
type OutputCache = (BTreeMap<Digest, Arc<BlockOutput>>, VecDeque<Digest>);

/// The application Stateful drives. Cheap to clone.
#[derive(Clone)]
pub struct ChainApp<T: TxSource> {
    inner: Arc<Inner<T>>,
}

struct Inner<T: TxSource> {
    executor: Executor,
    limits: BlockLimits,
    seed_verifier: Scheme,
    observations: Observations,
    genesis_block: Block,
    observer: Arc<dyn FinalizedObserver>,
    _txs: std::marker::PhantomData<fn() -> T>,
    outputs: Mutex<OutputCache>,
    #[cfg(feature = "mocks")]
    forged_mint: Option<ForgedMint>,
}

impl<T: TxSource> ChainApp<T> {
    /// An application for `executor`'s chain.
    ///
    /// `seed_verifier` checks VRF seeds against the network identity; `genesis_block` must be
    /// [`genesis_block`] for this chain.
    pub fn new(
        executor: Executor,
        seed_verifier: Scheme,
        observations: Observations,
        genesis_block: Block,
        observer: Arc<dyn FinalizedObserver>,
    ) -> Self {
        let limits = executor.genesis().params.block;
        Self {
            inner: Arc::new(Inner {
                executor,
                limits,
                seed_verifier,
                observations,
                genesis_block,
                observer,
                _txs: std::marker::PhantomData,
                outputs: Mutex::new((BTreeMap::new(), VecDeque::new())),
                #[cfg(feature = "mocks")]
                forged_mint: None,
            }),
        }
    }

    /// Turns this into the adversarial proposer described by [`ForgedMint`].
    #[cfg(not(feature = "mocks"))]
    pub fn with_forged_mint(self, forged: ForgedMint) -> Self {
        match forged {}
    }

    /// Turns this into the adversarial proposer described by [`ForgedMint`].
    #[cfg(feature = "mocks")]
    pub fn with_forged_mint(self, forged: ForgedMint) -> Self {
        let inner = Arc::try_unwrap(self.inner)
            .unwrap_or_else(|_| panic!("with_forged_mint must be called before the app is shared"));
        Self {
            inner: Arc::new(Inner {
                forged_mint: Some(forged),
                ..inner
            }),
        }
    }

    fn remember(&self, digest: Digest, output: Arc<BlockOutput>) {
        let mut guard = self.inner.outputs.lock().expect("outputs lock");
        let (map, order) = &mut *guard;
        if map.insert(digest, output).is_none() {
            order.push_back(digest);
        }
        while order.len() > OUTPUTS_KEPT {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    fn recall(&self, digest: &Digest) -> Option<Arc<BlockOutput>> {
        self.inner
            .outputs
            .lock()
            .expect("outputs lock")
            .0
            .get(digest)
            .cloned()
    }

    fn env(&self, header: &Header) -> BlockEnv {
        self.inner
            .executor
            .block_env(header.height, header.timestamp, randomness(header))
    }
}

/// The randomness a block's execution sees: SHA-256 of its seed signature (zeros at height 1,
/// whose parent is genesis and has no round).
pub fn randomness(header: &Header) -> Hash32 {
    match &header.seed {
        Some(sig) => sha256(&[b"terrane/randomness/v1", &sig.encode()]),
        None => Hash32::default(),
    }
}

/// The genesis block of `executor`'s chain over the empty state.
pub fn genesis_block<E: Spawner + commonware_storage::Context>(executor: &Executor) -> Block {
    let initial = <Databases<E> as DatabaseSet<E>>::initial_sync_targets();
    Block::genesis(
        executor.genesis_hash(),
        executor.genesis().genesis_time(),
        initial.root,
        &initial.range,
    )
}

fn now_ms<E: Clock>(context: &E) -> u64 {
    context
        .current()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Writes `writes` into `batch` in order.
fn write_all<E>(mut batch: crate::db::Batch<E>, writes: Writes) -> crate::db::Batch<E>
where
    E: Spawner + commonware_storage::Context,
{
    for (key, value) in writes {
        batch = batch.write(crate::db::qmdb_key(&key), value.map(crate::db::StateValue));
    }
    batch
}

/// Fills the header's roots from a merkleized batch.
fn set_roots<E>(header: &mut Header, merkleized: &Merkleized<E>)
where
    E: Spawner + commonware_storage::Context,
{
    header.state_root = merkleized.root();
    header.ops_root = merkleized.ops_root();
    header.ops_range = crate::block::ops_range(&non_empty_range!(
        merkleized.sync_boundary(),
        merkleized.bounds().tip.size
    ));
}

impl<E, T> Application<E> for ChainApp<T>
where
    E: Spawner + Clock + commonware_storage::Context,
    T: TxSource,
{
    type SigningScheme = Scheme;
    type Context = Context;
    type Block = Block;
    type Databases = Databases<E>;
    type Captured = Captured;
    type Provider = T;
    type Input = ();

    fn sync_targets(block: &Block) -> <Databases<E> as DatabaseSet<E>>::SyncTargets {
        let range = crate::block::locations(&block.header().ops_range)
            .expect("decoded and built blocks carry valid locations");
        Target::new(block.header().ops_root, range)
    }

    async fn genesis(&mut self) -> Block {
        self.inner.genesis_block.clone()
    }

    async fn propose(
        &mut self,
        (runtime, context): (E, Context),
        ancestry: impl Ancestry<Block>,
        batches: crate::db::Batch<E>,
        input: Input<(), T>,
    ) -> Option<Proposed<Self, E>> {
        let mut ancestry = ancestry;
        let parent = ancestry.next().await?;
        let parent = parent.inner();
        let height = parent.header().height.checked_next()?;

        let seed = if parent.header().height == Height::ZERO {
            None
        } else {
            let view = context.parent.0;
            let mut waited = Duration::ZERO;
            loop {
                if let Some(sig) = self.inner.observations.seed(view) {
                    break Some(sig);
                }
                if waited >= SEED_WAIT {
                    warn!(?view, "parent seed not observed; not proposing");
                    return None;
                }
                runtime.sleep(Duration::from_millis(20)).await;
                waited += Duration::from_millis(20);
            }
        };

        let interval = u64::try_from(TARGET_BLOCK_INTERVAL.as_millis()).unwrap_or(u64::MAX);
        let due = parent.header().timestamp.get().saturating_add(interval);
        let now = now_ms(&runtime);
        if due > now {
            runtime.sleep(Duration::from_millis(due - now)).await;
        }
        let timestamp = TimestampMs::new(now_ms(&runtime).max(parent.header().timestamp.get() + 1));
        let mut header = Header {
            context: crate::types::header_context(&context),
            parent: parent.digest(),
            height,
            timestamp,
            chain: self.inner.executor.genesis_hash(),
            seed,
            tx_count: 0,
            txs_root: Hash32::default(),
            state_root: parent.header().state_root,
            ops_root: parent.header().ops_root,
            ops_range: parent.header().ops_range,
            outcomes_root: Hash32::default(),
        };
        let env = self.env(&header);

        let (txs, output, writes) = {
            let mut overlay = Overlay::new(BatchReader::<E>(&batches));
            let snapshot = input.provider.snapshot();
            let mut next_nonces = BTreeMap::new();
            for (account, _) in &snapshot {
                let acct = accounts::account(&overlay, account).await.ok()?;
                next_nonces.insert(*account, acct.nonce);
            }
            let chosen = terrane_mempool::select(&snapshot, &next_nonces, &self.inner.limits);
            let txs: Vec<bytes::Bytes> = chosen.iter().map(|p| p.raw.clone()).collect();
            let raw: Vec<Vec<u8>> = txs.iter().map(|t| t.to_vec()).collect();
            let output = match self.inner.executor.execute(&mut overlay, &env, &raw).await {
                Ok(o) => o,
                Err(e) => {
                    warn!(error = %e, "state read failed while proposing");
                    return None;
                }
            };
            #[cfg(feature = "mocks")]
            if let Some(forged) = self.inner.forged_mint {
                // The adversary credits itself outside any transaction.
                let _ = accounts::mint(&mut overlay, &forged.to, forged.amount).await;
            }
            let (_, writes) = overlay.into_parts();
            (txs, output, writes)
        };

        let merkleized = write_all(batches, writes).merkleize().await.ok()?;
        set_roots(&mut header, &merkleized);
        header.outcomes_root = output.outcomes_root();
        let codes = output.txs.iter().map(|t| t.outcome.0).collect();
        let block = Block::new(header, txs, codes);
        debug!(height = height.get(), txs = block.txs().len(), "proposed");
        self.remember(block.digest(), Arc::new(output));
        Some(Proposed { block, merkleized })
    }

    async fn process(
        &mut self,
        (runtime, _context): (E, Context),
        ancestry: impl Ancestry<Block>,
        batches: crate::db::Batch<E>,
        finality: Finality,
    ) -> Option<Merkleized<E>> {
        let mut ancestry = ancestry;
        let block = ancestry.next().await?;
        let block = block.inner().clone();
        let parent = ancestry.next().await?;
        let parent = parent.inner();
        let header = block.header();

        if !self.check_header(header, parent.header()) {
            return None;
        }
        if finality == Finality::Candidate {
            // Do not vote for a block from the future; wait (bounded by consensus timeouts)
            // until our clock is within MAX_CLOCK_DRIFT of its timestamp.
            let drift_ms = u64::try_from(MAX_CLOCK_DRIFT.as_millis()).unwrap_or(u64::MAX);
            let now = now_ms(&runtime);
            let target = header.timestamp.get().saturating_sub(drift_ms);
            if target > now {
                runtime.sleep(Duration::from_millis(target - now)).await;
            }
        }

        let env = self.env(header);
        let raw: Vec<Vec<u8>> = block.txs().iter().map(|t| t.to_vec()).collect();
        let (output, writes) = {
            let mut overlay = Overlay::new(BatchReader::<E>(&batches));
            let output = match self.inner.executor.execute(&mut overlay, &env, &raw).await {
                Ok(o) => o,
                Err(e) => {
                    // A storage fault is not a verdict on the block; Stateful retries later.
                    warn!(error = %e, "state read failed while processing");
                    return None;
                }
            };
            (output, overlay.into_parts().1)
        };
        let codes: Vec<u16> = output.txs.iter().map(|t| t.outcome.0).collect();
        if output.outcomes_root() != header.outcomes_root || codes != block.outcomes() {
            warn!(height = header.height.get(), "outcomes mismatch");
            return None;
        }
        let merkleized = write_all(batches, writes).merkleize().await.ok()?;
        if merkleized.root() != header.state_root {
            warn!(height = header.height.get(), "state root mismatch");
            return None;
        }
        // State sync trusts these of a finalized block, so they are checked like the root.
        let mut expected = header.clone();
        set_roots(&mut expected, &merkleized);
        if expected.ops_root != header.ops_root || expected.ops_range != header.ops_range {
            warn!(height = header.height.get(), "ops root or range mismatch");
            return None;
        }
        self.remember(block.digest(), Arc::new(output));
        Some(merkleized)
    }

    async fn capture(
        &mut self,
        _context: (E, Context),
        block: &Block,
        _batches: &Merkleized<E>,
        readers: <Databases<E> as DatabaseSet<E>>::Readers,
    ) -> Captured {
        if let Some(output) = self.recall(&block.digest()) {
            return output;
        }
        // After a restart the output is gone: recompute it on the pre-apply state, which is
        // exactly this block's parent state.
        let guard = readers.read().await;
        let mut overlay = Overlay::new(DbReader::<E>(&guard));
        let raw: Vec<Vec<u8>> = block.txs().iter().map(|t| t.to_vec()).collect();
        let output = self
            .inner
            .executor
            .execute(&mut overlay, &self.env(block.header()), &raw)
            .await
            .expect("finalized block re-executes on its parent state");
        Arc::new(output)
    }

    async fn finalized(
        &mut self,
        _context: (E, Context),
        block: &Block,
        captured: Captured,
        readers: <Databases<E> as DatabaseSet<E>>::Readers,
    ) {
        let mut signers: Vec<Address> = captured.txs.iter().filter_map(|t| t.signer).collect();
        signers.sort_unstable();
        signers.dedup();
        let mut nonces = Vec::with_capacity(signers.len());
        {
            let guard = readers.read().await;
            let overlay = Overlay::new(DbReader::<E>(&guard));
            for signer in signers {
                let acct = accounts::account(&overlay, &signer)
                    .await
                    .expect("finalized state is readable");
                nonces.push((signer, acct.nonce));
            }
        }
        self.inner.observer.finalized(block, &captured, &nonces);
        self.inner
            .outputs
            .lock()
            .expect("outputs lock")
            .0
            .remove(&block.digest());
    }
}

impl<T: TxSource> ChainApp<T> {
    /// The permanent header rules, checked before execution.
    fn check_header(&self, header: &Header, parent: &Header) -> bool {
        if header.chain != self.inner.executor.genesis_hash() {
            warn!("block for another chain");
            return false;
        }
        if Some(header.height) != parent.height.checked_next() || header.parent != parent.digest() {
            warn!("block does not extend its parent");
            return false;
        }
        if header.timestamp <= parent.timestamp {
            warn!("block timestamp does not advance");
            return false;
        }
        if header.context.parent_view != parent.context.round.view && parent.height != Height::ZERO
        {
            warn!("block context names another parent view");
            return false;
        }
        match (&header.seed, parent.height == Height::ZERO) {
            (None, true) => true,
            (Some(sig), false) => {
                let round = crate::types::consensus_round(terrane_types::header::Round {
                    epoch: header.context.round.epoch,
                    view: header.context.parent_view,
                });
                let ok = Seed::new(round, *sig).verify(&self.inner.seed_verifier);
                if !ok {
                    warn!("block seed does not verify");
                }
                ok
            }
            _ => {
                warn!("block seed presence is wrong for its parent");
                false
            }
        }
    }
}
