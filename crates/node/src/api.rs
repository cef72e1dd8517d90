//! The node's side of the HTTP API: answers from marshal, the state database, the mempool and
//! the indexer.
//!
//! Every state answer is read under one database read guard, so a value, its proof, the root
//! and the height they belong to always describe the same finalized block.

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
use terrane_app::{
    Outcome, SignedTransaction,
    outcome::{self, EnvelopeRejection},
    query,
};
use terrane_primitives::{Address, Hash32, hex, sha256};
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

/// Maps a mempool refusal to an HTTP error with its stable code.
pub fn refusal(outcome: Outcome) -> ApiError {
    let info = outcome::lookup(outcome.0).expect("mempool refusals are registered");
    let (code, reason, message) = (info.code, info.name, info.description);
    let is = |r: EnvelopeRejection| outcome.0 == r.code();
    let is_acct = |r: AccountsRejection| outcome.0 == r.code();
    if is(EnvelopeRejection::TxTooLarge) {
        ApiError::payload_too_large(code, reason, message)
    } else if is(EnvelopeRejection::MempoolFull) || is(EnvelopeRejection::AccountQueueFull) {
        ApiError::new(
            axum_status(503),
            code,
            reason,
            format!("{message}; retry later"),
        )
    } else if is(EnvelopeRejection::DuplicateTx)
        || is(EnvelopeRejection::ReplacementUnderpriced)
        || is_acct(AccountsRejection::NonceTooLow)
    {
        ApiError::conflict(code, reason, message)
    } else if is(EnvelopeRejection::Malformed) || is(EnvelopeRejection::BadSignature) {
        ApiError::bad_request(code, reason, message)
    } else {
        ApiError::new(axum_status(422), code, reason, message)
    }
}

fn axum_status(code: u16) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(code).expect("valid status")
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("storage fault: {e}"))
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    async fn block_view(&self, block: crate::block::Block) -> BlockView {
        let h = block.header();
        let finalization = self
            .marshal
            .get_finalization(CHeight::new(h.height.get()))
            .await
            .map(|f| hex::encode(&f.encode()));
        let txs = block
            .txs()
            .iter()
            .zip(block.outcomes())
            .map(|(raw, code)| TxInBlock {
                hash: SignedTransaction::decode_bounded(raw)
                    .map(|t| t.id())
                    .unwrap_or_else(|_| sha256(&[raw]))
                    .to_string(),
                outcome: outcome_view(*code),
            })
            .collect();
        BlockView {
            height: h.height.get(),
            digest: block.digest().to_string(),
            parent: h.parent.to_string(),
            timestamp_ms: h.timestamp.get(),
            epoch: h.context.round.epoch,
            view: h.context.round.view,
            proposer: h.context.leader.to_string(),
            header: crate::light::header_hex(h),
            state_root: h.state_root.to_string(),
            seed: h.seed.as_ref().map(|s| hex::encode(&s.encode())),
            tx_count: h.tx_count,
            txs,
            finalization,
        }
    }
}

impl<E> Backend for NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    async fn status(&self) -> Result<StatusView, ApiError> {
        let tip = self.indexer.tip();
        let (voters, _) = self.observations.active_voters(50);
        Ok(StatusView {
            chain_id: self.chain.chain_id.clone(),
            genesis_hash: self.chain.genesis_hash.to_string(),
            finalized_height: tip.map_or(0, |t| t.height.get()),
            finalized_block: tip.map_or_else(|| Digest::EMPTY_HEX.into(), |t| t.digest.to_string()),
            state_root: tip.map_or_else(|| Digest::EMPTY_HEX.into(), |t| t.state_root.to_string()),
            // Validators other than us heard voting in the last 50 views.
            peers: u32::try_from(voters.len().saturating_sub(1)).unwrap_or(u32::MAX),
            validators: self.chain.validators,
            mempool_size: self.mempool.len() as u64,
            network_identity: self.chain.identity.clone(),
        })
    }

    async fn submit_tx(&self, tx: Vec<u8>) -> Result<TxSubmitted, ApiError> {
        self.mempool
            .submit(&self.db, bytes::Bytes::from(tx), true)
            .await
            .map(|id| TxSubmitted {
                hash: id.to_string(),
            })
            .map_err(|e| match e {
                crate::mempool::SubmitError::Refused(o) => refusal(o),
                crate::mempool::SubmitError::Fault(f) => internal(f),
            })
    }

    async fn tx(&self, hash: [u8; 32]) -> Result<TxStatusView, ApiError> {
        let id = Hash32::new(hash);
        let included = |height: u64, index: u32, code: u16| TxStatusView {
            hash: id.to_string(),
            status: TxStatus::Included,
            height: Some(height),
            index: Some(index),
            outcome: Some(outcome_view(code)),
        };
        let indexed = self.indexer.tx(&id);
        if let Some(loc) = indexed.filter(|l| l.charged) {
            return Ok(included(loc.height.get(), loc.index, loc.code));
        }
        let receipt = {
            let guard = self.db.read().await;
            let overlay = Overlay::new(DbReader::<E>(&guard));
            query::receipt(&overlay, &id).await.map_err(internal)?
        };
        if let Some(r) = receipt {
            return Ok(included(r.height.get(), r.index, r.code));
        }
        // Still pending beats an uncharged rejection: that may have been a copy of this
        // transaction with a bad signature, and this one can still execute.
        if !self.mempool.contains(&id)
            && let Some(loc) = indexed
        {
            return Ok(TxStatusView {
                status: TxStatus::Refused,
                ..included(loc.height.get(), loc.index, loc.code)
            });
        }
        let status = if self.mempool.contains(&id) {
            TxStatus::Pending
        } else {
            TxStatus::Unknown
        };
        Ok(TxStatusView {
            hash: id.to_string(),
            status,
            height: None,
            index: None,
            outcome: None,
        })
    }

    async fn account(&self, address: [u8; 32]) -> Result<AccountView, ApiError> {
        let address = Address::new(address);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let p = self
            .prove(&guard, height, &StateKey::of::<Accounts>(&address))
            .await?;
        let account = match &p.value {
            Some(v) => Account::decode(bytes::Bytes::from(hex::decode(v).expect("we encoded it")))
                .map_err(|e| ApiError::internal(format!("stored account corrupt: {e}")))?,
            None => Account::default(),
        };
        Ok(AccountView {
            address: address.to_string(),
            balance: account.balance.get(),
            nonce: account.nonce.get(),
            height: p.height,
            state_root: p.state_root,
            key: p.key,
            value: p.value,
            proof: p.proof,
        })
    }

    async fn block(&self, id: BlockId) -> Result<Option<BlockView>, ApiError> {
        let identifier = match id {
            BlockId::Latest => match self.indexer.tip() {
                Some(t) => Identifier::Height(CHeight::new(t.height.get())),
                None => Identifier::Latest,
            },
            BlockId::Height(h) => Identifier::Height(CHeight::new(h)),
        };
        match self.marshal.get_block(identifier).await {
            Some(b) => Ok(Some(self.block_view(b.inner().clone()).await)),
            None => Ok(None),
        }
    }

    async fn device(&self, id: [u8; 32]) -> Result<Option<DeviceView>, ApiError> {
        self.device_view(DeviceId::new(id)).await
    }

    async fn devices(&self, query: DeviceQuery) -> Result<DeviceListView, ApiError> {
        self.device_list(query).await
    }

    async fn device_outcomes(&self, id: [u8; 32]) -> Result<Option<DeviceOutcomesView>, ApiError> {
        let id = DeviceId::new(id);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let Some(d) = terrane_devices::handler::device(&overlay, &id)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let records = terrane_pow::handler::recent_outcomes(&overlay, self.pow_params(), &id)
            .await
            .map_err(internal)?;
        Ok(Some(DeviceOutcomesView {
            device: id.to_string(),
            outcomes: records
                .into_iter()
                .map(|r| ReportOutcomeView {
                    report_id: r.report_id.to_string(),
                    height: r.height.get(),
                    epoch: r.epoch.get(),
                    kind: report_kind(d.class(), r.kind).to_owned(),
                    code: r.code,
                    name: outcome::lookup(r.code)
                        .map_or("unregistered", |i| i.name)
                        .to_owned(),
                    units: r.units,
                })
                .collect(),
        }))
    }

    async fn device_rewards(&self, id: [u8; 32]) -> Result<Option<DeviceRewardsView>, ApiError> {
        let id = DeviceId::new(id);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        if terrane_devices::handler::device(&overlay, &id)
            .await
            .map_err(internal)?
            .is_none()
        {
            return Ok(None);
        }
        let (_, current) = self.head(&overlay).await?;
        let ledger = terrane_rewards::handler::device_rewards(&overlay, &id)
            .await
            .map_err(internal)?;
        let mut lines = Vec::new();
        let mut e = current.get();
        while e > 0 && current.get() - e < REWARD_HISTORY_EPOCHS {
            e -= 1;
            let epoch = Epoch::new(e);
            if let Some(line) = terrane_rewards::handler::line(&overlay, epoch, &id)
                .await
                .map_err(internal)?
            {
                lines.push(line_view(epoch, &line));
            }
        }
        Ok(Some(DeviceRewardsView {
            device: id.to_string(),
            ledger: RewardLedgerView {
                cumulative: ledger.cumulative.get(),
                claimed: ledger.claimed.get(),
                claimable: ledger.claimable().get(),
                last_epoch: ledger.last_epoch.get(),
            },
            lines,
        }))
    }

    async fn reward_proof(
        &self,
        id: [u8; 32],
        epoch: u64,
    ) -> Result<Option<RewardProofView>, ApiError> {
        let id = DeviceId::new(id);
        let epoch = Epoch::new(epoch);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (Some(line), Some(summary)) = (
            terrane_rewards::handler::line(&overlay, epoch, &id)
                .await
                .map_err(internal)?,
            terrane_rewards::handler::summary(&overlay, epoch)
                .await
                .map_err(internal)?,
        ) else {
            return Ok(None);
        };
        let Some(index) = line.leaf_index else {
            return Ok(None);
        };
        let leaves = match self.reward_leaves.get(epoch) {
            Some(l) => l,
            None => {
                let l = Arc::new(
                    terrane_rewards::handler::reward_leaves(&overlay, epoch, summary.rewarded)
                        .await
                        .map_err(internal)?,
                );
                self.reward_leaves.put(epoch, l.clone());
                l
            }
        };
        let Some(path) = terrane_primitives::merkle::prove(&leaves, index as usize) else {
            return Ok(None);
        };
        let (height, _) = self.head(&overlay).await?;
        let summary_proof = self
            .prove(&guard, height, &StateKey::of::<Summaries>(&epoch))
            .await?;
        Ok(Some(RewardProofView {
            epoch: epoch.get(),
            device: id.to_string(),
            line: line_view(epoch, &line),
            leaf: hex::encode(&terrane_rewards::leaf_bytes(epoch, id, &line.breakdown)),
            path: path
                .iter()
                .map(|s| ProofStepView {
                    sibling: s.sibling.to_string(),
                    side: if s.sibling_is_left { "left" } else { "right" }.to_owned(),
                })
                .collect(),
            reward_root: summary.reward_root.to_string(),
            summary: summary_proof,
        }))
    }

    async fn epoch(&self, id: EpochId) -> Result<Option<EpochView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let epoch = match id {
            EpochId::Current => self.head(&overlay).await?.1,
            EpochId::Number(n) => Epoch::new(n),
        };
        let Some(info) = terrane_pow::handler::epoch_info(&overlay, epoch)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let summary = terrane_rewards::handler::summary(&overlay, epoch)
            .await
            .map_err(internal)?;
        let len = self.pow_params().epoch_length_blocks;
        Ok(Some(EpochView {
            epoch: epoch.get(),
            start_height: info.start_height.get(),
            end_height: info.start_height.get() + len - 1,
            randomness: info.randomness.to_string(),
            workers: info.workers,
            windows: self.pow_params().windows_per_epoch,
            closed: summary.is_some(),
            summary: summary.map(|s| EpochSummaryView {
                emission: s.emission,
                pools: class_map(&s.pools),
                distributed: class_map(&s.distributed),
                dust: s.dust,
                not_issued: s.not_issued,
                reward_root: s.reward_root.to_string(),
                devices: s.devices,
                rewarded: s.rewarded,
                closed_at: s.closed_at.get(),
            }),
        }))
    }

    async fn cell(&self, raw: u64) -> Result<CellView, ApiError> {
        let cell = h3o::CellIndex::try_from(raw).map_err(|_| bad_cell(raw))?;
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let devices = self.devices_in_cell(&overlay, cell).await?;
        let (_, epoch) = self.head(&overlay).await?;
        let density_res = self.pow_params().density_resolution;
        let res = u8::from(cell.resolution());
        let density_cell = if res > density_res {
            u64::from(
                cell.parent(h3o::Resolution::try_from(density_res).expect("valid resolution"))
                    .expect("finer cells have parents"),
            )
        } else {
            raw
        };
        let working = terrane_pow::handler::cell_workers(&overlay, epoch, density_cell)
            .await
            .map_err(internal)?;
        let last_closed = self
            .density_in_last_close(&overlay, &devices, res, density_res, density_cell)
            .await?;
        Ok(CellView {
            cell: terrane_geo::H3Cell::from_raw(raw).to_string(),
            resolution: res,
            devices: devices.iter().map(summary_view).collect(),
            density_cell: terrane_geo::H3Cell::from_raw(density_cell).to_string(),
            epoch: epoch.get(),
            working_devices: working,
            last_closed,
        })
    }

    fn params(&self) -> serde_json::Value {
        let g = self.executor.genesis();
        serde_json::json!({
            "chain_id": g.chain_id,
            "genesis_hash": self.chain.genesis_hash.to_string(),
            "makers": g.makers,
            "treasury": g.treasury,
            "params": g.params,
        })
    }

    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ChainEvent> {
        self.indexer.subscribe()
    }

    fn metrics(&self) -> String {
        (self.metrics)()
    }

    fn outcomes(&self) -> Vec<OutcomeView> {
        outcome::registry()
            .into_iter()
            .map(|i| OutcomeView {
                code: i.code,
                name: i.name.to_owned(),
                description: i.description.to_owned(),
            })
            .collect()
    }
}

trait EmptyHex {
    const EMPTY_HEX: &'static str;
}

impl EmptyHex for Digest {
    const EMPTY_HEX: &'static str =
        "0000000000000000000000000000000000000000000000000000000000000000";
}

// ---- devices, proofs of work, epochs, rewards, cells ----------------------------------------

use terrane_api::{
    CellClassDensityView, CellDensityView, CellView, DeviceListView, DeviceOutcomesView,
    DeviceQuery, DeviceRewardsView, DeviceSummaryView, DeviceView, EpochId, EpochSummaryView,
    EpochView, ProofStepView, ReportOutcomeView, RewardLedgerView, RewardLineView, RewardProofView,
    StateProofView,
};
use terrane_devices::{
    index,
    state_key::Devices,
    types::{Capabilities, Device, DeviceStatus, ResourceClass},
};
use terrane_primitives::{DeviceId, Epoch};
use terrane_rewards::{state_key::Summaries, types::RewardLine};

/// Most epochs a device's reward history reaches back.
const REWARD_HISTORY_EPOCHS: u64 = 10;

fn capabilities_json(c: &Capabilities) -> serde_json::Value {
    match *c {
        Capabilities::Coverage {
            antenna_gain_dbi_x10,
            tx_power_dbm_x10,
            band,
        } => serde_json::json!({
            "antenna_gain_dbi_x10": antenna_gain_dbi_x10,
            "tx_power_dbm_x10": tx_power_dbm_x10,
            "band": band.name(),
        }),
        Capabilities::Storage { capacity_gib } => {
            serde_json::json!({ "capacity_gib": capacity_gib })
        }
        Capabilities::Compute {
            cpu_cores,
            gpus,
            memory_gib,
        } => serde_json::json!({ "cpu_cores": cpu_cores, "gpus": gpus, "memory_gib": memory_gib }),
        Capabilities::Energy {
            rated_capacity_w,
            storage_wh,
        } => serde_json::json!({ "rated_capacity_w": rated_capacity_w, "storage_wh": storage_wh }),
        Capabilities::Sensing { sensors } => serde_json::json!({ "sensors": sensors }),
    }
}

fn status_name(s: DeviceStatus) -> &'static str {
    match s {
        DeviceStatus::Active => "active",
        DeviceStatus::Deactivated => "deactivated",
    }
}

fn summary_view(d: &Device) -> DeviceSummaryView {
    DeviceSummaryView {
        id: d.id.to_string(),
        owner: d.owner.to_string(),
        class: d.class().name().to_owned(),
        location: d.location.to_string(),
        status: status_name(d.status).to_owned(),
    }
}

fn line_view(epoch: Epoch, line: &RewardLine) -> RewardLineView {
    let b = &line.breakdown;
    RewardLineView {
        epoch: epoch.get(),
        class: ResourceClass::from_tag(line.class)
            .map_or("unknown", ResourceClass::name)
            .to_owned(),
        units: b.units,
        cell_devices: b.cell_devices,
        cell_scale_ppm: b.cell_scale_ppm,
        reputation_ppm: b.reputation_ppm,
        vetting_ppm: b.vetting_ppm,
        eligible: b.eligible,
        scaled_units: b.scaled_units.to_string(),
        uncapped: b.uncapped,
        capped_by: match b.capped_by {
            terrane_rewards::Cap::None => "none",
            terrane_rewards::Cap::Device => "device",
            terrane_rewards::Cap::Cell => "cell",
        }
        .to_owned(),
        amount: b.amount,
        leaf_index: line.leaf_index,
    }
}

fn report_kind(class: ResourceClass, kind: u8) -> &'static str {
    match (class, kind) {
        (ResourceClass::Coverage, terrane_coverage::KIND_BEACON) => "beacon",
        (ResourceClass::Coverage, terrane_coverage::KIND_WITNESS) => "witness",
        _ => "report",
    }
}

fn class_map(values: &[u64]) -> std::collections::BTreeMap<String, u64> {
    ResourceClass::ALL
        .iter()
        .zip(values)
        .map(|(c, v)| (c.name().to_owned(), *v))
        .collect()
}

/// The records of devices an index listed (an index never lists a device that does not exist).
async fn load_devices<R: terrane_state::StateRead>(
    overlay: &Overlay<R>,
    ids: Vec<DeviceId>,
) -> Result<Vec<Device>, ApiError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(
            terrane_devices::handler::device(overlay, &id)
                .await
                .map_err(internal)?
                .expect("listed devices exist"),
        );
    }
    Ok(out)
}

fn bad_cell(raw: u64) -> ApiError {
    ApiError::malformed(format!("{raw:x} is not an H3 cell index"))
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    /// A state value with its proof, read under `guard`.
    async fn prove(
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

    fn pow_params(&self) -> &terrane_pow::params::PowParams {
        &self.executor.genesis().params.pow
    }

    /// The height and epoch of the applied state.
    async fn head(&self, overlay: &Overlay<DbReader<'_, E>>) -> Result<(u64, Epoch), ApiError> {
        let height = query::head(overlay)
            .await
            .map_err(internal)?
            .map_or(0, |h| h.height.get());
        let epoch = terrane_pow::schedule::epoch_of(
            terrane_primitives::Height::new(height.max(1)),
            self.pow_params().epoch_length_blocks,
        );
        Ok((height, epoch))
    }

    /// Devices listed in index cells covering `cell` and located inside it.
    /// What the last close's split recorded for the density cell: per class, the counted
    /// devices and scale from the first reward line found among the cell's devices (every
    /// line of one class in one cell carries the same figures).
    async fn density_in_last_close(
        &self,
        overlay: &Overlay<DbReader<'_, E>>,
        in_queried: &[Device],
        res: u8,
        density_res: u8,
        density_cell: u64,
    ) -> Result<Option<CellDensityView>, ApiError> {
        let Some(epoch) = terrane_rewards::handler::ledger(overlay)
            .await
            .map_err(internal)?
            .last_closed
        else {
            return Ok(None);
        };
        if res < density_res {
            // A coarser cell spans several density cells, each with its own figures.
            return Ok(None);
        }
        let in_density = if res > density_res {
            let parent =
                h3o::CellIndex::try_from(density_cell).map_err(|_| bad_cell(density_cell))?;
            self.devices_in_cell(overlay, parent).await?
        } else {
            in_queried.to_vec()
        };
        let mut by_class: std::collections::BTreeMap<u8, CellClassDensityView> =
            std::collections::BTreeMap::new();
        for d in &in_density {
            let Some(line) = terrane_rewards::handler::line(overlay, epoch, &d.id)
                .await
                .map_err(internal)?
            else {
                continue;
            };
            by_class
                .entry(line.class)
                .or_insert_with(|| CellClassDensityView {
                    class: ResourceClass::from_tag(line.class)
                        .map_or("unknown", ResourceClass::name)
                        .to_owned(),
                    cell_devices: line.breakdown.cell_devices,
                    cell_scale_ppm: line.breakdown.cell_scale_ppm,
                });
        }
        if by_class.is_empty() {
            return Ok(None);
        }
        Ok(Some(CellDensityView {
            epoch: epoch.get(),
            classes: by_class.into_values().collect(),
        }))
    }

    async fn devices_in_cell(
        &self,
        overlay: &Overlay<DbReader<'_, E>>,
        cell: h3o::CellIndex,
    ) -> Result<Vec<Device>, ApiError> {
        let res = u8::from(cell.resolution());
        let index_res = index::INDEX_RESOLUTION;
        let index_cells: Vec<u64> = if res >= index_res {
            vec![u64::from(
                cell.parent(h3o::Resolution::try_from(index_res).expect("valid resolution"))
                    .expect("finer cells have parents"),
            )]
        } else if res + 3 >= index_res {
            cell.children(h3o::Resolution::try_from(index_res).expect("valid resolution"))
                .map(u64::from)
                .collect()
        } else {
            return Err(ApiError::bad_request(
                EnvelopeRejection::Malformed.code(),
                "malformed",
                format!(
                    "cell resolution {res} is too coarse: use resolution {} or finer",
                    index_res - 3
                ),
            ));
        };
        let mut out = Vec::new();
        for ic in index_cells {
            let ids = index::by_index_cell(overlay, ic, u32::MAX)
                .await
                .map_err(internal)?;
            out.extend(load_devices(overlay, ids).await?.into_iter().filter(|d| {
                d.location
                    .parent(res)
                    .is_some_and(|p| p.raw() == u64::from(cell))
            }));
        }
        Ok(out)
    }

    async fn device_view(&self, id: DeviceId) -> Result<Option<DeviceView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let Some(d) = terrane_devices::handler::device(&overlay, &id)
            .await
            .map_err(internal)?
        else {
            return Ok(None);
        };
        let (height, epoch) = self.head(&overlay).await?;
        let work = terrane_pow::handler::device_work(&overlay, self.pow_params(), &id, epoch)
            .await
            .map_err(internal)?;
        let ledger = terrane_rewards::handler::device_rewards(&overlay, &id)
            .await
            .map_err(internal)?;
        let record = self
            .prove(&guard, height, &StateKey::of::<Devices>(&id))
            .await?;
        Ok(Some(DeviceView {
            id: d.id.to_string(),
            owner: d.owner.to_string(),
            class: d.class().name().to_owned(),
            capabilities: capabilities_json(&d.capabilities),
            maker: d.maker.to_string(),
            location: d.location.to_string(),
            status: status_name(d.status).to_owned(),
            registered_at: d.registered_at.get(),
            registered_epoch: d.registered_epoch.get(),
            relocations: d.relocations,
            coverage_eligible_from: d.coverage_eligible_from.get(),
            reputation_ppm: work.reputation_ppm,
            valid_reports: work.valid_reports,
            invalid_reports: work.invalid_reports,
            rewards: RewardLedgerView {
                cumulative: ledger.cumulative.get(),
                claimed: ledger.claimed.get(),
                claimable: ledger.claimable().get(),
                last_epoch: ledger.last_epoch.get(),
            },
            record,
        }))
    }

    async fn device_list(&self, q: DeviceQuery) -> Result<DeviceListView, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let class = match &q.class {
            Some(name) => Some(
                ResourceClass::from_name(name)
                    .ok_or_else(|| ApiError::malformed(format!("unknown class {name:?}")))?,
            ),
            None => None,
        };
        let cell = match q.cell {
            Some(raw) => Some(h3o::CellIndex::try_from(raw).map_err(|_| bad_cell(raw))?),
            None => None,
        };
        let mut candidates: Vec<Device> = if let Some(owner) = q.owner {
            let ids = index::by_owner(&overlay, &Address::new(owner), u32::MAX)
                .await
                .map_err(internal)?;
            load_devices(&overlay, ids).await?
        } else if let Some(c) = cell {
            self.devices_in_cell(&overlay, c).await?
        } else if let Some(k) = class {
            let ids = index::by_class(&overlay, k, u32::MAX)
                .await
                .map_err(internal)?;
            load_devices(&overlay, ids).await?
        } else {
            return Err(ApiError::malformed(
                "give at least one of owner, cell, class",
            ));
        };
        candidates.retain(|d| {
            class.is_none_or(|k| d.class() == k)
                && cell.is_none_or(|c| {
                    d.location
                        .parent(u8::from(c.resolution()))
                        .is_some_and(|p| p.raw() == u64::from(c))
                })
        });
        let total = u32::try_from(candidates.len()).unwrap_or(u32::MAX);
        Ok(DeviceListView {
            devices: candidates
                .iter()
                .take(q.limit as usize)
                .map(summary_view)
                .collect(),
            total,
        })
    }
}
