//! The node's side of the HTTP API: answers from marshal, the state database, the mempool and
//! the indexer.
//!
//! Every state answer is read under one database read guard, so a value, its proof, the root
//! and the height they belong to always describe the same finalized block.
//!
//! One file per domain, mirroring `terrane-api`'s `routes/`; this file holds the backend, the
//! helpers every domain shares, and the `Backend` impl that hands each call to its domain.

mod accounts;
mod cells;
mod chain;
mod credits;
mod devices;
mod epochs;
mod maintenance;
mod outcomes;
mod params;
mod price;
mod slashing;
mod staking;
mod txs;

use cells::bad_cell;
use devices::summary_view;

use crate::{
    db::{Databases, DbReader, qmdb_key},
    engine::Marshal,
    indexer::Indexer,
    mempool::Mempool,
    seeds::Observations,
    types::Digest,
};
use commonware_codec::{DecodeExt, Encode};
use commonware_consensus::{marshal::Identifier, types::Height as CHeight};
use commonware_cryptography::Digestible;
use commonware_runtime::Spawner;
use std::sync::Arc;
use terrane_accounts::state_key::Accounts;
use terrane_accounts::{outcome::AccountsRejection, types::Account};
use terrane_api::{
    AccountView, ApiError, Backend, BlockId, BlockView, ChainEvent, OutcomeView, StatusView,
    TxInBlock, TxStatus, TxStatusView, TxSubmitted,
};
use terrane_api::{
    CellClassDensityView, CellDensityView, CellView, DeviceListView, DeviceOutcomesView,
    DeviceQuery, DeviceRewardsView, DeviceSummaryView, DeviceView, EpochId, EpochSummaryView,
    EpochView, ProofStepView, ReportOutcomeView, RewardLedgerView, RewardLineView, RewardProofView,
    StateProofView,
};
use terrane_app::{
    Outcome, SignedTransaction,
    outcome::{self, EnvelopeRejection},
    query,
};
use terrane_devices::{
    index,
    state_key::Devices,
    types::{Device, DeviceStatus},
};
use terrane_primitives::{Address, Hash32, hex, sha256};
use terrane_primitives::{DeviceId, Epoch};
use terrane_rewards::{state_key::Summaries, types::RewardLine};
use terrane_state::{Overlay, StateKey};

/// Chain facts fixed at startup.
#[derive(Clone, Debug)]
pub struct ChainInfo {
    /// Chain id.
    pub chain_id: String,
    /// Genesis hash.
    pub genesis_hash: Hash32,
    /// Hex network identity (threshold public key).
    pub identity: String,
    /// Number of validators.
    pub validators: u32,
}

/// The node's API backend.
pub struct NodeBackend<E: Spawner + commonware_storage::Context> {
    /// Chain facts.
    pub chain: ChainInfo,
    /// Finalized blocks and certificates.
    pub marshal: Marshal,
    /// Finalized state.
    pub db: Databases<E>,
    /// Pending transactions.
    pub mempool: Mempool,
    /// Tip, tx locations, events.
    pub indexer: Indexer,
    /// Consensus observations (for the peer count).
    pub observations: Observations,
    /// Renders Prometheus metrics.
    pub metrics: Arc<dyn Fn() -> String + Send + Sync>,
    /// The chain's executor (for its genesis parameters).
    pub executor: terrane_app::Executor,
    /// Reward-list leaves of recently proven epochs (closed epochs never change), so a burst
    /// of proof requests reads each epoch's list once instead of once per request.
    pub reward_leaves: RewardLeavesCache,
}

/// Epochs' reward-list leaves, the most recently used [`RewardLeavesCache::EPOCHS`] kept.
#[derive(Clone, Default)]
pub struct RewardLeavesCache(Arc<std::sync::Mutex<Vec<CachedLeaves>>>);

/// One epoch's leaves.
type CachedLeaves = (Epoch, Arc<Vec<Hash32>>);

impl RewardLeavesCache {
    /// Epochs kept.
    pub const EPOCHS: usize = 4;

    fn get(&self, epoch: Epoch) -> Option<Arc<Vec<Hash32>>> {
        let mut kept = self.0.lock().expect("cache lock");
        let at = kept.iter().position(|(e, _)| *e == epoch)?;
        let hit = kept.remove(at);
        kept.push(hit.clone());
        Some(hit.1)
    }

    fn put(&self, epoch: Epoch, leaves: Arc<Vec<Hash32>>) {
        let mut kept = self.0.lock().expect("cache lock");
        kept.retain(|(e, _)| *e != epoch);
        kept.push((epoch, leaves));
        if kept.len() > Self::EPOCHS {
            kept.remove(0);
        }
    }
}

fn outcome_view(code: u16) -> OutcomeView {
    match outcome::lookup(code) {
        Some(i) => OutcomeView {
            code: i.code,
            name: i.name.to_owned(),
            description: i.description.to_owned(),
        },
        None => OutcomeView {
            code,
            name: "unregistered".to_owned(),
            description: "this node does not know the code; upgrade it".to_owned(),
        },
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("storage fault: {e}"))
}

trait EmptyHex {
    const EMPTY_HEX: &'static str;
}

impl EmptyHex for Digest {
    const EMPTY_HEX: &'static str =
        "0000000000000000000000000000000000000000000000000000000000000000";
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    /// A state value with its proof, read under `guard`.
    pub(super) async fn prove(
        &self,
        guard: &crate::db::StateDb<E>,
        height: u64,
        key: &StateKey,
    ) -> Result<StateProofView, ApiError> {
        let qkey = qmdb_key(key);
        let (value, proof) = match guard.get(&qkey).await.map_err(internal)? {
            Some(v) => {
                let proof = guard.key_value_proof(qkey).await.map_err(internal)?;
                (Some(hex::encode(&v.0)), hex::encode(&proof.encode()))
            }
            None => {
                let proof = guard.exclusion_proof(&qkey).await.map_err(internal)?;
                (None, hex::encode(&proof.encode()))
            }
        };
        Ok(StateProofView {
            height,
            state_root: guard.root().to_string(),
            key: key.0.to_string(),
            value,
            proof,
        })
    }

    pub(super) fn pow_params(&self) -> &terrane_pow::params::PowParams {
        &self.executor.genesis().params.pow
    }

    /// The height and epoch of the applied state.
    pub(super) async fn head(
        &self,
        overlay: &Overlay<DbReader<'_, E>>,
    ) -> Result<(u64, Epoch), ApiError> {
        // Before the first block executes, genesis is not in state yet: every module read
        // would find nothing. Say so instead of answering from an empty state.
        let height = query::head(overlay)
            .await
            .map_err(internal)?
            .ok_or_else(|| {
                ApiError::unavailable("the chain has not executed its first block yet; retry")
            })?
            .height
            .get();
        let epoch = terrane_pow::schedule::epoch_of(
            terrane_primitives::Height::new(height.max(1)),
            self.pow_params().epoch_length_blocks,
        );
        Ok((height, epoch))
    }
}

impl<E> Backend for NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    async fn status(&self) -> Result<StatusView, ApiError> {
        self.status_view().await
    }

    async fn submit_tx(&self, tx: Vec<u8>) -> Result<TxSubmitted, ApiError> {
        self.submit(tx).await
    }

    async fn tx(&self, hash: [u8; 32]) -> Result<TxStatusView, ApiError> {
        self.tx_status(hash).await
    }

    async fn receipt(&self, hash: [u8; 32]) -> Result<Option<StateProofView>, ApiError> {
        self.receipt_proof(hash).await
    }

    async fn account(&self, address: [u8; 32]) -> Result<AccountView, ApiError> {
        self.account_view(address).await
    }

    async fn block(&self, id: BlockId) -> Result<Option<BlockView>, ApiError> {
        self.block_by_id(id).await
    }

    async fn device(&self, id: [u8; 32]) -> Result<Option<DeviceView>, ApiError> {
        self.device_view(DeviceId::new(id)).await
    }

    async fn devices(&self, query: DeviceQuery) -> Result<DeviceListView, ApiError> {
        self.device_list(query).await
    }

    async fn device_outcomes(&self, id: [u8; 32]) -> Result<Option<DeviceOutcomesView>, ApiError> {
        self.outcomes_of(DeviceId::new(id)).await
    }

    async fn device_rewards(&self, id: [u8; 32]) -> Result<Option<DeviceRewardsView>, ApiError> {
        self.rewards_of(DeviceId::new(id)).await
    }

    async fn reward_proof(
        &self,
        id: [u8; 32],
        epoch: u64,
    ) -> Result<Option<RewardProofView>, ApiError> {
        self.reward_line_proof(DeviceId::new(id), Epoch::new(epoch))
            .await
    }

    async fn epoch(&self, id: EpochId) -> Result<Option<EpochView>, ApiError> {
        self.epoch_view(id).await
    }

    async fn cell(&self, raw: u64) -> Result<CellView, ApiError> {
        self.cell_view(raw).await
    }

    fn params(&self) -> serde_json::Value {
        self.params_view()
    }

    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ChainEvent> {
        self.indexer.subscribe()
    }

    fn metrics(&self) -> String {
        (self.metrics)()
    }

    fn outcomes(&self) -> Vec<OutcomeView> {
        self.registry()
    }

    async fn price(&self) -> Result<terrane_api::PriceView, ApiError> {
        self.price_view().await
    }

    async fn credits(&self) -> Result<terrane_api::CreditsView, ApiError> {
        self.credits_view().await
    }

    async fn credit_account(
        &self,
        address: [u8; 32],
    ) -> Result<terrane_api::CreditAccountView, ApiError> {
        self.credit_account_view(address).await
    }

    async fn session(&self, id: u64) -> Result<Option<terrane_api::SessionView>, ApiError> {
        self.session_view(id).await
    }

    async fn staking(&self) -> Result<terrane_api::StakingView, ApiError> {
        self.staking_view().await
    }

    async fn stake_pool(
        &self,
        target: terrane_api::StakeTarget,
    ) -> Result<Option<terrane_api::StakePoolView>, ApiError> {
        self.stake_pool_view(target).await
    }

    async fn stake_position(
        &self,
        target: terrane_api::StakeTarget,
        staker: [u8; 32],
    ) -> Result<terrane_api::StakePositionView, ApiError> {
        self.stake_position_view(target, staker).await
    }

    async fn unbonding(&self, address: [u8; 32]) -> Result<terrane_api::UnbondingView, ApiError> {
        self.unbonding_view(address).await
    }

    async fn slashing(&self) -> Result<terrane_api::SlashingView, ApiError> {
        self.slashing_view().await
    }

    async fn slash(&self, id: u64) -> Result<Option<terrane_api::SlashView>, ApiError> {
        self.slash_view(id).await
    }

    async fn target_slashes(
        &self,
        target: terrane_api::StakeTarget,
    ) -> Result<terrane_api::SlashListView, ApiError> {
        self.target_slashes_view(target).await
    }

    async fn maintenance(&self) -> Result<terrane_api::MaintenanceParamsView, ApiError> {
        self.maintenance_view().await
    }

    async fn device_maintenance(
        &self,
        id: [u8; 32],
    ) -> Result<Option<terrane_api::MaintenanceView>, ApiError> {
        self.device_maintenance_view(DeviceId::new(id)).await
    }

    fn classes(&self) -> Vec<terrane_api::ClassView> {
        classes_view()
    }

    fn component_schemas(&self) -> Vec<(String, serde_json::Value)> {
        params::component_schemas()
    }
}

/// The class list as the API shows it: the classes the chain runs, then the reserved ids.
fn classes_view() -> Vec<terrane_api::ClassView> {
    use terrane_app::modules;
    let kinds = modules::report_kinds();
    let view = |id: terrane_primitives::ClassId, name: &str, status: &str| terrane_api::ClassView {
        id: id.get(),
        name: name.to_owned(),
        status: status.to_owned(),
        report_kinds: kinds
            .iter()
            .filter(|(c, _, _)| *c == id)
            .map(|(_, kind, name)| terrane_api::ReportKindView {
                kind: *kind,
                name: (*name).to_owned(),
            })
            .collect(),
    };
    modules::classes()
        .into_iter()
        .map(|(id, name)| view(id, name, "running"))
        .chain(
            modules::RESERVED_CLASSES
                .iter()
                .map(|(id, name)| view(*id, name, "reserved")),
        )
        .collect()
}
