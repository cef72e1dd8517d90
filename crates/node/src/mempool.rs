//! The node's mempool service: admission against finalized state, and gossip to validators.
//!
//! ```text
//! POST /v1/tx ─▶ submit ─▶ decode ─▶ signature ─▶ finalized account ─▶ Pool::admit ─▶ gossip
//! peer gossip ─▶ submit (no re-gossip)
//! finalized block ─▶ prune executed ids and stale nonces
//! ```

use crate::{
    application::TxSource,
    db::{Databases, DbReader},
};
use bytes::Bytes;
use commonware_p2p::{Receiver, Recipients, Sender};
use commonware_runtime::Spawner;
use std::sync::{Arc, Mutex, OnceLock};
use terrane_accounts::{handler as accounts, params::AccountsParams};
use terrane_app::{Outcome, SignedTransaction, outcome::EnvelopeRejection, tx::DecodeTxError};
use terrane_mempool::{Config, Pending, Pool};
use terrane_primitives::{Address, Hash32, Nonce};
use terrane_state::Overlay;
use tracing::debug;

/// The outcome of a submission: the transaction id, or why it was not admitted.
pub type Submitted = Result<Hash32, SubmitError>;

/// Why a submission was not admitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// The transaction was refused, for a registered reason.
    #[error("refused with code {}", .0.0)]
    Refused(Outcome),
    /// The node could not decide (its state could not be read): nothing is wrong with the
    /// transaction, try again.
    #[error("node fault: {0}")]
    Fault(String),
}

impl From<Outcome> for SubmitError {
    fn from(o: Outcome) -> Self {
        Self::Refused(o)
    }
}

/// Sends a locally admitted transaction to the other validators.
type GossipFn = Box<dyn Fn(Bytes) + Send + Sync>;

/// A validator's mempool, shared by the API, the gossip task and the proposer.
#[derive(Clone)]
pub struct Mempool {
    pool: Arc<Mutex<Pool>>,
    namespace: Arc<[u8]>,
    params: AccountsParams,
    gossip: Arc<OnceLock<GossipFn>>,
}

impl std::fmt::Debug for Mempool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mempool").field("len", &self.len()).finish()
    }
}

impl Mempool {
    /// An empty mempool for a chain with transaction namespace `namespace` and fee `params`.
    pub fn new(cfg: Config, namespace: &[u8], params: AccountsParams) -> Self {
        Self {
            pool: Arc::new(Mutex::new(Pool::new(cfg))),
            namespace: namespace.into(),
            params,
            gossip: Arc::new(OnceLock::new()),
        }
    }

    /// Pending transaction count.
    pub fn len(&self) -> usize {
        self.pool.lock().expect("pool lock").len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `id` is pending.
    pub fn contains(&self, id: &Hash32) -> bool {
        self.pool.lock().expect("pool lock").contains(id)
    }

    /// Admits `raw` after checking it against the finalized state in `db`, and gossips it to
    /// the other validators if `gossip` is set.
    pub async fn submit<E>(&self, db: &Databases<E>, raw: Bytes, gossip: bool) -> Submitted
    where
        E: Spawner + commonware_storage::Context,
    {
        let tx = SignedTransaction::decode_bounded(&raw).map_err(|e| match e {
            DecodeTxError::TooLarge(_) => {
                SubmitError::from(Outcome::from(EnvelopeRejection::TxTooLarge))
            }
            DecodeTxError::Malformed(_) => Outcome::from(EnvelopeRejection::Malformed).into(),
        })?;
        if !tx.verify(&self.namespace) {
            return Err(Outcome::from(EnvelopeRejection::BadSignature).into());
        }
        let account = {
            let guard = db.read().await;
            let overlay = Overlay::new(DbReader::<E>(&guard));
            accounts::account(&overlay, &tx.tx.signer)
                .await
                .map_err(|e| SubmitError::Fault(format!("reading the signer's account: {e}")))?
        };
        let min_fee = self.params.min_fee(raw.len());
        let id = tx.id();
        self.pool
            .lock()
            .expect("pool lock")
            .admit(&tx, raw.clone(), account, min_fee)?;
        debug!(%id, "admitted");
        if gossip && let Some(send) = self.gossip.get() {
            send(raw);
        }
        Ok(id)
    }

    /// Drops what a finalized block settled: every charged transaction, and every pending
    /// transaction whose exact bytes the block rejected uncharged (it failed against the
    /// state and would fail again). An uncharged rejection of *different* bytes with the same
    /// id (a proposer's bad-signature copy) does not evict the real one.
    pub fn on_finalized(
        &self,
        txs: &[Bytes],
        output: &terrane_app::BlockOutput,
        nonces: &[(Address, Nonce)],
    ) {
        let mut pool = self.pool.lock().expect("pool lock");
        for (t, raw) in output.txs.iter().zip(txs) {
            if t.charged || pool.holds_exactly(&t.id, raw) {
                pool.remove_ids([&t.id]);
            }
        }
        for (signer, next) in nonces {
            pool.prune_below(signer, *next);
        }
    }

    /// Starts gossip: local submissions are sent to every validator on `sender`, and
    /// transactions received on `receiver` are admitted without re-gossip.
    pub fn start_gossip<E, S, R>(&self, context: E, db: Databases<E>, sender: S, mut receiver: R)
    where
        E: Spawner + commonware_storage::Context,
        S: Sender + Sync,
        R: Receiver,
    {
        let sender = Mutex::new(sender);
        let _ = self.gossip.set(Box::new(move |raw: Bytes| {
            let _ = sender
                .lock()
                .expect("gossip sender lock")
                .send(Recipients::All, raw, false);
        }));
        let mempool = self.clone();
        context.spawn(move |_| async move {
            while let Ok((_, message)) = receiver.recv().await {
                let raw: Bytes = message.into();
                // A peer's bad transaction is its problem; nothing to report back.
                let _ = mempool.submit(&db, raw, false).await;
            }
        });
    }
}

impl TxSource for Mempool {
    fn snapshot(&self) -> Vec<(Address, Vec<Arc<Pending>>)> {
        self.pool.lock().expect("pool lock").snapshot()
    }
}

impl crate::application::FinalizedObserver for Mempool {
    fn finalized(
        &self,
        block: &crate::block::Block,
        output: &terrane_app::BlockOutput,
        nonces: &[(Address, Nonce)],
    ) {
        self.on_finalized(block.txs(), output, nonces);
    }
}
