//! Terrane's state database: one QMDB `current` (ordered, variable-size values) instance.
//!
//! Keys are [`terrane_state::StateKey`]s (32 bytes), values the codec bytes of a table's value.
//! `current` lets us prove the *current* value of any key (and `ordered` lets us prove a key is
//! absent) against the canonical root a block header carries.

use crate::types::Digest;
use commonware_cryptography::Sha256;
use commonware_glue::stateful::db::{DatabaseSet, Shared};
use commonware_parallel::Sequential;
use commonware_runtime::buffer::paged::CacheRef;
use commonware_storage::{
    journal::contiguous::variable::Config as VariableLogConfig,
    mmr::{self, full::Config as MmrConfig},
    qmdb::current::{VariableConfig, ordered::variable},
    translator::EightCap,
};
use commonware_utils::{NZU64, NZUsize};
use terrane_state::{StateError, StateKey, StateRead};

/// Largest stored value, in bytes (bounds decoding of the operation log).
pub const MAX_VALUE_BYTES: usize = terrane_state::MAX_VALUE_BYTES;

/// Bytes per bitmap chunk of the `current` activity bitmap (a power of two).
pub const CHUNK_BYTES: usize = 32;

/// Operations per file of the state's operation log and Merkle journal. Each file is a
/// descriptor (two once read with direct I/O); with pruning, the live files hold the
/// operations above the inactivity floor, about two per live key, so the state holds roughly
/// `8 × live_keys / OPS_PER_FILE` handles (docs/operations.md).
pub const OPS_PER_FILE: u64 = 1 << 16;

/// A stored value: a table value's codec bytes, at most [`MAX_VALUE_BYTES`]. The light
/// client's type, so that what the node stores and what a client verifies are one encoding; its
/// decoding limit is built in (`Cfg = ()`), which the state-sync resolver requires.
pub use terrane_types::light::StateValue;

/// The state database.
pub type StateDb<E> =
    variable::Db<mmr::Family, E, Digest, StateValue, Sha256, EightCap, CHUNK_BYTES, Sequential>;

/// The database set handed to glue's `Stateful`.
pub type Databases<E> = Shared<StateDb<E>>;

/// A speculative batch over the state.
pub type Batch<E> = <Databases<E> as DatabaseSet<E>>::Unmerkleized;

/// A merkleized speculative batch.
pub type Merkleized<E> = <Databases<E> as DatabaseSet<E>>::Merkleized;

/// The operation-log codec config: keys are fixed, values carry their own limit.
type OpCfg = ((), ());

/// The state database's storage layout under `prefix`.
pub fn config(prefix: &str, page_cache: CacheRef) -> VariableConfig<EightCap, OpCfg, Sequential> {
    VariableConfig {
        merkle_config: MmrConfig {
            journal_partition: format!("{prefix}-state-mmr"),
            metadata_partition: format!("{prefix}-state-mmr-meta"),
            items_per_blob: NZU64!(OPS_PER_FILE),
            write_buffer: NZUsize!(1 << 16),
            replay_buffer: NZUsize!(1 << 16),
            strategy: Sequential,
            page_cache: page_cache.clone(),
        },
        journal_config: VariableLogConfig {
            partition: format!("{prefix}-state-log"),
            items_per_section: NZU64!(OPS_PER_FILE),
            compression: None,
            codec_config: ((), ()),
            page_cache,
            write_buffer: NZUsize!(1 << 16),
            replay_buffer: NZUsize!(1 << 16),
        },
        grafted_metadata_partition: format!("{prefix}-state-grafted"),
        translator: EightCap,
        init_cache: Some(NZUsize!(1 << 16)),
        init_buffer: NZUsize!(1 << 21),
        init_concurrency: (),
    }
}

/// The QMDB key of a state key.
pub fn qmdb_key(key: &StateKey) -> Digest {
    commonware_cryptography::sha256::Digest(*key.0.as_bytes())
}

/// Reads state through a speculative batch (parent state plus its unapplied ancestors).
pub struct BatchReader<'a, E: commonware_runtime::Spawner + commonware_storage::Context>(
    pub &'a Batch<E>,
);

impl<E> StateRead for BatchReader<'_, E>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    async fn get_raw(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StateError> {
        self.0
            .get(&qmdb_key(key))
            .await
            .map(|v| v.map(|v| v.0))
            .map_err(|e| StateError(e.to_string()))
    }
}

/// Reads the applied (finalized) state directly from the database.
pub struct DbReader<'a, E: commonware_runtime::Spawner + commonware_storage::Context>(
    pub &'a StateDb<E>,
);

impl<E> StateRead for DbReader<'_, E>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    async fn get_raw(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StateError> {
        self.0
            .get(&qmdb_key(key))
            .await
            .map(|v| v.map(|v| v.0))
            .map_err(|e| StateError(e.to_string()))
    }
}

/// Why a peer's state-sync request got no answer.
#[derive(Debug, thiserror::Error)]
#[error("this node does not serve QMDB state sync; replay blocks from marshal instead")]
pub struct StateSyncDisabled;

/// The state-sync resolver Terrane uses: none.
///
/// glue's p2p state-sync resolver only carries operations whose decoding needs no limits
/// (`Cfg = ()`), i.e. fixed-size values; Terrane's records are variable-size. Until it gains
/// variable-size support, nodes that join late or restart replay finalized blocks (marshal
/// backfills them from peers), which every node can do from genesis. Stateful only calls the
/// resolver when state sync is requested, which Terrane never does.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoStateSync;

impl commonware_storage::qmdb::sync::Source for NoStateSync {
    type Family = mmr::Family;
    type Digest = Digest;
    type Op = commonware_storage::qmdb::any::ordered::variable::Operation<
        mmr::Family,
        Digest,
        StateValue,
    >;
    type Error = StateSyncDisabled;

    async fn serve(
        &self,
        _request: commonware_storage::qmdb::sync::Request<Self::Family>,
    ) -> commonware_storage::qmdb::sync::source::Result<Self> {
        Err(StateSyncDisabled)
    }
}

impl<DB: Send + Sync + 'static> commonware_glue::stateful::db::AttachableResolver<DB>
    for NoStateSync
{
    async fn attach_database(&self, _db: Shared<DB>) {}
}
