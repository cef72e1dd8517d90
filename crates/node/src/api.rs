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
            epoch: h.context.round.epoch().get(),
            view: h.context.round.view().get(),
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
            .map_err(refusal)
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
        if let Some(loc) = self.indexer.tx(&id) {
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
        let key = StateKey::of::<Accounts>(&address);
        let qkey = qmdb_key(&key);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let height = query::head(&overlay)
            .await
            .map_err(internal)?
            .map_or(0, |h| h.height.get());
        let stored = guard.get(&qkey).await.map_err(internal)?;
        let (account, value, proof) = match stored {
            Some(v) => {
                let account = Account::decode(bytes::Bytes::from(v.0.clone()))
                    .map_err(|e| ApiError::internal(format!("stored account corrupt: {e}")))?;
                let proof = guard.key_value_proof(qkey).await.map_err(internal)?;
                (
                    account,
                    Some(hex::encode(&v.0)),
                    hex::encode(&proof.encode()),
                )
            }
            None => {
                let proof = guard.exclusion_proof(&qkey).await.map_err(internal)?;
                (Account::default(), None, hex::encode(&proof.encode()))
            }
        };
        Ok(AccountView {
            address: address.to_string(),
            balance: account.balance.get(),
            nonce: account.nonce.get(),
            height,
            state_root: guard.root().to_string(),
            key: key.0.to_string(),
            value,
            proof,
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
