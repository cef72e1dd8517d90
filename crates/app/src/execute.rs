//! Block execution: the one function every validator runs on every block.
//!
//! ```text
//! raw txs ─▶ decode (size limit) ─▶ batch signature check ─▶ per tx, in block order:
//!            duplicate? ─▶ charge (nonce, fee burn) ─▶ payload ─▶ receipt
//! ```
//! A bad transaction never fails the block: it gets an [`Outcome`] code in the block's outcome
//! list (committed by the block's `outcomes_root`). Once the envelope is charged (nonce consumed,
//! fee burned) the transaction also gets a receipt in state, even if its payload is then
//! rejected and rolled back. Uncharged rejections (bad signature, malformed, wrong nonce, fee)
//! get no receipt: otherwise a proposer could plant a bad-signature copy of someone's pending
//! transaction and make the real one look like a duplicate.

use crate::{
    events::{AppEvent, EventKind},
    genesis::Genesis,
    outcome::{EnvelopeRejection, Outcome},
    state_key::{ChainHead, HEAD_KEY, Head, Receipt, Receipts},
    tx::{DecodeTxError, Payload, SignedTransaction},
};
use commonware_codec::Encode;
use commonware_cryptography::{BatchEntry, BatchVerifier, ed25519};
use commonware_parallel::Sequential;
use rand::{SeedableRng, rngs::StdRng};
use std::sync::Arc;
use terrane_accounts::handler as accounts;
use terrane_primitives::{Address, ChainId, Hash32, Namespace, merkle, sha256};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// What happened to one transaction of a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxResult {
    /// Transaction id (for undecodable bytes: SHA-256 of the bytes).
    pub id: Hash32,
    /// Position in the block.
    pub index: u32,
    /// Outcome code.
    pub outcome: Outcome,
    /// The signer, if the bytes decoded.
    pub signer: Option<Address>,
    /// The payload kind, if the bytes decoded.
    pub kind: Option<&'static str>,
}

/// Everything execution of one block produced besides state writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockOutput {
    /// One entry per transaction, in block order.
    pub txs: Vec<TxResult>,
    /// Module events in execution order.
    pub events: Vec<AppEvent>,
}

impl BlockOutput {
    /// The Merkle root of the outcome list, committed in the block header: leaf `i` is
    /// `index u32be || tx id || code u16be` ([`terrane_primitives::merkle`]).
    pub fn outcomes_root(&self) -> Hash32 {
        merkle::root(&self.outcome_leaves())
    }

    /// The leaf hashes of the outcome list, for proofs.
    pub fn outcome_leaves(&self) -> Vec<Hash32> {
        self.txs.iter().map(TxResult::leaf).collect()
    }
}

impl TxResult {
    /// This outcome's Merkle leaf hash.
    pub fn leaf(&self) -> Hash32 {
        let mut data = Vec::with_capacity(38);
        data.extend_from_slice(&self.index.to_be_bytes());
        data.extend_from_slice(self.id.as_ref());
        data.extend_from_slice(&self.outcome.0.to_be_bytes());
        merkle::leaf(&data)
    }
}

/// Executes blocks for one chain.
#[derive(Clone)]
pub struct Executor {
    genesis: Arc<Genesis>,
    genesis_hash: Hash32,
    chain_id: ChainId,
    namespace: Arc<[u8]>,
}

impl Executor {
    /// An executor for the chain `genesis` describes.
    ///
    /// # Panics
    /// If `genesis` does not validate.
    pub fn new(genesis: Genesis) -> Self {
        genesis.validate().expect("genesis must validate");
        let chain_id = genesis.chain_id();
        Self {
            genesis_hash: genesis.hash(),
            namespace: chain_id.namespace(Namespace::Transaction).into(),
            chain_id,
            genesis: Arc::new(genesis),
        }
    }

    /// The genesis this executor runs.
    pub fn genesis(&self) -> &Genesis {
        &self.genesis
    }

    /// The genesis hash.
    pub fn genesis_hash(&self) -> Hash32 {
        self.genesis_hash
    }

    /// The chain id.
    pub fn chain_id(&self) -> &ChainId {
        &self.chain_id
    }

    /// The transaction signing namespace.
    pub fn tx_namespace(&self) -> &[u8] {
        &self.namespace
    }

    /// Executes one block's transactions on `state`.
    ///
    /// Block 1 first writes the genesis state. Deterministic: the same parent state, `env`
    /// and `txs` produce the same writes and output on every machine.
    ///
    /// # Panics
    /// If `env.height` is 0 (genesis executes nothing) or `env.chain_id` is not this chain.
    pub async fn execute<S: StateRead>(
        &self,
        state: &mut Overlay<S>,
        env: &BlockEnv,
        txs: &[Vec<u8>],
    ) -> Result<BlockOutput, StateError> {
        assert!(env.height.get() >= 1, "genesis block executes nothing");
        assert_eq!(env.chain_id, self.chain_id, "block env for another chain");
        if env.height.get() == 1 {
            self.genesis.apply(state);
        }

        let decoded: Vec<Result<SignedTransaction, DecodeTxError>> = txs
            .iter()
            .map(|raw| SignedTransaction::decode_bounded(raw))
            .collect();
        let signatures_ok = self.verify_signatures(&decoded, env);

        let mut output = BlockOutput::default();
        for (index, (raw, item)) in txs.iter().zip(decoded).enumerate() {
            let index = u32::try_from(index).expect("block tx count bounded by BlockLimits");
            let result = match item {
                Err(e) => {
                    let outcome = match e {
                        DecodeTxError::TooLarge(_) => EnvelopeRejection::TxTooLarge,
                        DecodeTxError::Malformed(_) => EnvelopeRejection::Malformed,
                    };
                    let id = sha256(&[raw]);
                    TxResult {
                        id,
                        index,
                        outcome: outcome.into(),
                        signer: None,
                        kind: None,
                    }
                }
                Ok(tx) => {
                    let sig_ok = signatures_ok[index as usize];
                    self.execute_tx(
                        state,
                        env,
                        &tx,
                        raw.len(),
                        index,
                        sig_ok,
                        &mut output.events,
                    )
                    .await?
                }
            };
            output.txs.push(result);
        }

        state.put::<Head>(
            &HEAD_KEY,
            &ChainHead {
                height: env.height,
                timestamp: env.timestamp,
                genesis: self.genesis_hash,
            },
        );
        Ok(output)
    }

    #[allow(clippy::too_many_arguments)]
    async fn execute_tx<S: StateRead>(
        &self,
        state: &mut Overlay<S>,
        env: &BlockEnv,
        tx: &SignedTransaction,
        encoded_len: usize,
        index: u32,
        signature_ok: bool,
        events: &mut Vec<AppEvent>,
    ) -> Result<TxResult, StateError> {
        let id = tx.id();
        let mut result = TxResult {
            id,
            index,
            outcome: Outcome::OK,
            signer: Some(tx.tx.signer),
            kind: Some(tx.tx.payload.kind()),
        };
        // A charged transaction keeps its receipt: a replay is reported but never overwrites
        // the original outcome.
        if state.get::<Receipts>(&id).await?.is_some() {
            result.outcome = EnvelopeRejection::DuplicateTx.into();
            return Ok(result);
        }
        if !signature_ok {
            result.outcome = EnvelopeRejection::BadSignature.into();
            return Ok(result);
        }

        state.begin_tx();
        match accounts::charge(state, &tx.tx.signer, tx.tx.nonce, tx.tx.fee, encoded_len).await? {
            Err(rejection) => {
                state.rollback_tx();
                result.outcome = rejection.into();
                return Ok(result);
            }
            Ok(event) => {
                state.commit_tx();
                events.push(AppEvent {
                    tx: Some(id),
                    kind: EventKind::Accounts(event),
                });
            }
        }

        state.begin_tx();
        let payload_result = match &tx.tx.payload {
            Payload::Transfer(msg) => accounts::transfer(state, &tx.tx.signer, msg)
                .await?
                .map(|evs| evs.into_iter().map(EventKind::Accounts).collect::<Vec<_>>())
                .map_err(Outcome::from),
        };
        match payload_result {
            Ok(kinds) => {
                state.commit_tx();
                events.extend(
                    kinds
                        .into_iter()
                        .map(|kind| AppEvent { tx: Some(id), kind }),
                );
            }
            Err(outcome) => {
                state.rollback_tx();
                result.outcome = outcome;
            }
        }
        state.put::<Receipts>(
            &id,
            &Receipt {
                height: env.height,
                index,
                code: result.outcome.0,
            },
        );
        Ok(result)
    }

    /// Checks every decoded transaction's signature: one batch verification for the block,
    /// and one-by-one only if the batch fails (to find the bad ones). Batch verification
    /// randomizes its check with an RNG; seeding it from the block keeps runs reproducible,
    /// and its verdict does not depend on the seed.
    fn verify_signatures(
        &self,
        decoded: &[Result<SignedTransaction, DecodeTxError>],
        env: &BlockEnv,
    ) -> Vec<bool> {
        let mut verdicts = vec![false; decoded.len()];
        let mut batch: Vec<(usize, ed25519::PublicKey, bytes::Bytes, &ed25519::Signature)> =
            Vec::with_capacity(decoded.len());
        for (i, item) in decoded.iter().enumerate() {
            if let Ok(tx) = item
                && let Some(pk) = tx.public_key()
            {
                batch.push((i, pk, tx.tx.encode(), &tx.signature));
            }
        }
        if batch.is_empty() {
            return verdicts;
        }
        let mut rng = StdRng::from_seed(*env.randomness.as_bytes());
        let all_ok = ed25519::PublicKey::verify_batch(
            &mut rng,
            &batch,
            |_, (_, pk, msg, sig)| BatchEntry {
                namespace: &self.namespace,
                message: msg,
                public_key: pk,
                signature: sig,
            },
            &Sequential,
        );
        for (i, pk, msg, sig) in &batch {
            verdicts[*i] = all_ok || {
                use commonware_cryptography::Verifier as _;
                pk.verify(&self.namespace, msg, sig)
            };
        }
        verdicts
    }
}
