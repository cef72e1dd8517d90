//! Blocks through the node's on-disk state database, the way the node runs them, on one core.
//!
//! ```text
//! with_state_db: temporary directory ─▶ commonware tokio runtime (1 worker) ─▶ StateDb::init
//! block:         db.new_batch() ─▶ Executor::execute on an Overlay reading through it
//!                ─▶ writes into the batch in key order ─▶ merkleize ─▶ apply_batch ─▶ commit
//!                (each step timed; outcomes checked after the clock stops)
//! ```
//! The database is the node's [`StateDb`] with the node's layout ([`db::config`]), default page
//! cache size and floor policy (glue's `Proportional`), on commonware's tokio runtime with one worker
//! thread: the blocks run on the thread that starts it, storage I/O on its blocking pool. The
//! node reaches the same calls through glue's `Stateful` and syncs in the background; here every
//! block commits durably before the next one starts, so each block includes one fsync'd commit.

use crate::BenchError;
use commonware_cryptography::Sha256;
use commonware_parallel::Sequential;
use commonware_runtime::{Runner as _, Spawner, Supervisor as _, buffer::paged::CacheRef, tokio};
use commonware_storage::{
    mmr,
    qmdb::{
        any::{ordered::Update, value::VariableEncoding},
        current::batch::UnmerkleizedBatch,
        floor::Proportional,
    },
};
use commonware_utils::{NZU16, NZUsize};
use std::{
    fmt,
    time::{Duration, Instant},
};
use terrane_app::{BlockOutput, Executor};
use terrane_node::{
    db::{self, CHUNK_BYTES, StateDb, StateValue, qmdb_key},
    types::Digest,
};
use terrane_primitives::{Height, TimestampMs, sha256};
use terrane_state::{BlockEnv, Overlay, StateError, StateKey, StateRead};

/// Page size of the state database's page cache, as the node's engine sets it up.
const PAGE_BYTES: u16 = 4096;

/// Pages in the state database's page cache: the node's default `page_cache_mib`.
const PAGE_CACHE_PAGES: usize =
    terrane_node::config::DEFAULT_PAGE_CACHE_MIB as usize * 1024 * 1024 / PAGE_BYTES as usize;

/// Milliseconds between benchmark block timestamps: block `h` is stamped `h × BLOCK_MS`.
pub(crate) const BLOCK_MS: u64 = 1_000;

/// The storage context the benchmarks run on.
pub(crate) type Context = tokio::Context;

/// Opens a fresh [`StateDb`] in a temporary directory on a one-worker tokio runtime and runs
/// `f` on it; the directory is removed afterwards.
pub(crate) fn with_state_db<T, F, Fut>(prefix: &str, f: F) -> Result<T, BenchError>
where
    F: FnOnce(StateDb<Context>) -> Fut,
    Fut: Future<Output = Result<T, BenchError>>,
{
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map_err(|e| BenchError::Setup(format!("creating a temporary directory: {e}")))?;
    let config = tokio::Config::new()
        .with_worker_threads(1)
        .with_storage_directory(dir.path());
    tokio::Runner::new(config).start(|context| async move {
        let context = context.child("bench");
        let db = StateDb::init(
            context.child("state"),
            db::config(
                "bench",
                CacheRef::new(NZU16!(PAGE_BYTES), NZUsize!(PAGE_CACHE_PAGES)),
            ),
            None,
        )
        .await
        .map_err(storage)?;
        f(db).await
    })
}

/// A speculative batch straight from the database (no glue wrapper).
type PendingBatch = UnmerkleizedBatch<
    mmr::Family,
    Sha256,
    Update<Digest, VariableEncoding<StateValue>>,
    CHUNK_BYTES,
    Sequential,
>;

/// Reads state through an unmerkleized batch, as the node's `BatchReader` does.
struct BatchRead<'a, E: Spawner + commonware_storage::Context> {
    batch: &'a PendingBatch,
    db: &'a StateDb<E>,
}

impl<E: Spawner + commonware_storage::Context> StateRead for BatchRead<'_, E> {
    async fn get_raw(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StateError> {
        self.batch
            .get(&qmdb_key(key), self.db)
            .await
            .map(|v| v.map(|v| v.0))
            .map_err(|e| StateError(e.to_string()))
    }
}

pub(crate) fn storage(e: impl fmt::Display) -> BenchError {
    BenchError::Storage(e.to_string())
}

/// The execution environment of benchmark block `height`: timestamp `height × BLOCK_MS`,
/// randomness SHA-256 of a fixed tag and the height (so a workload can know each epoch's
/// randomness, and with it every device's duty window, before it runs).
pub(crate) fn env(executor: &Executor, height: u64) -> BlockEnv {
    executor.block_env(
        Height::new(height),
        TimestampMs::new(height * BLOCK_MS),
        randomness(height),
    )
}

/// The randomness of benchmark block `height`.
pub(crate) fn randomness(height: u64) -> terrane_primitives::Hash32 {
    sha256(&[b"terrane/bench/randomness", &height.to_be_bytes()])
}

/// What one block did, with the time of each step.
pub(crate) struct BlockRun<E: Spawner + commonware_storage::Context> {
    pub(crate) db: StateDb<E>,
    /// The executor's outcomes and events.
    pub(crate) output: BlockOutput,
    /// State keys the block wrote (or deleted).
    pub(crate) writes: usize,
    /// Bytes of those writes: 32 per key plus each value's length.
    pub(crate) write_bytes: usize,
    pub(crate) execute: Duration,
    pub(crate) merkleize: Duration,
    pub(crate) apply_commit: Duration,
}

impl<E: Spawner + commonware_storage::Context> BlockRun<E> {
    /// Execute, merkleize, apply and commit.
    pub(crate) fn total(&self) -> Duration {
        self.execute + self.merkleize + self.apply_commit
    }
}

/// Runs one block the node's way and checks every transaction outcome is `ok` (after the
/// clock stops).
pub(crate) async fn block<E: Spawner + commonware_storage::Context>(
    db: StateDb<E>,
    executor: &Executor,
    height: u64,
    txs: &[Vec<u8>],
) -> Result<BlockRun<E>, BenchError> {
    let env = env(executor, height);
    let start = Instant::now();
    let batch = db.new_batch();
    let (output, writes) = {
        let mut overlay = Overlay::new(BatchRead {
            batch: &batch,
            db: &db,
        });
        let output = executor
            .execute(&mut overlay, &env, txs)
            .await
            .map_err(storage)?;
        (output, overlay.into_parts().1)
    };
    let executed = Instant::now();
    let write_count = writes.len();
    let write_bytes = writes
        .iter()
        .map(|(_, v)| 32 + v.as_ref().map_or(0, Vec::len))
        .sum();
    let mut batch = batch;
    for (key, value) in writes {
        batch = batch.write(qmdb_key(&key), value.map(StateValue));
    }
    let merkleized = batch
        .merkleize(&db, None, &mut Proportional)
        .await
        .map_err(storage)?;
    let merkleized_at = Instant::now();
    let db = db.apply_batch(merkleized).await.map_err(storage)?;
    let db = db.commit().await.map_err(storage)?;
    let committed = Instant::now();

    if let Some(bad) = output.txs.iter().find(|t| !t.outcome.is_ok()) {
        return Err(BenchError::TxFailed {
            height,
            index: bad.index,
            code: bad.outcome.0,
            name: bad.outcome.info().name,
        });
    }
    if output.txs.len() != txs.len() {
        return Err(BenchError::StateMismatch(format!(
            "block {height} reported {} outcomes for {} transactions",
            output.txs.len(),
            txs.len()
        )));
    }
    Ok(BlockRun {
        db,
        output,
        writes: write_count,
        write_bytes,
        execute: executed - start,
        merkleize: merkleized_at - executed,
        apply_commit: committed - merkleized_at,
    })
}
