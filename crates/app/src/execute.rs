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
    module::{BlockCtx, Module as _, TxCtx},
    modules::{for_each_module, slashing::VoteEvidence},
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
use terrane_devices::{handler as devices, msg::Domains};
use terrane_pow::schedule;
use terrane_primitives::{
    Address, ChainId, Epoch, Hash32, Height, Namespace, TimestampMs, merkle, sha256,
};
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
    /// Whether the envelope was charged (fee burned, nonce consumed, receipt written). An
    /// uncharged rejection changed nothing: the same id may still execute later, and a
    /// proposer can manufacture one for any pending id (a copy with a bad signature), so
    /// nodes must not treat it as the transaction's fate.
    pub charged: bool,
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
        outcome_leaf(self.index, &self.id, self.outcome.0)
    }
}

/// The outcome-list leaf `index u32be || tx id || code u16be`.
pub fn outcome_leaf(index: u32, id: &Hash32, code: u16) -> Hash32 {
    let mut data = Vec::with_capacity(38);
    data.extend_from_slice(&index.to_be_bytes());
    data.extend_from_slice(id.as_ref());
    data.extend_from_slice(&code.to_be_bytes());
    merkle::leaf(&data)
}

/// The id an outcome names for block bytes `raw`: the transaction id if they decode, else
/// SHA-256 of the bytes.
pub fn outcome_id(raw: &[u8]) -> Hash32 {
    SignedTransaction::decode_bounded(raw).map_or_else(|_| sha256(&[raw]), |tx| tx.id())
}

/// The outcomes root of a block's transactions and codes, computed from the bytes alone (what
/// a node checks when it receives a block body, without executing it).
///
/// # Panics
/// If `codes` does not have one entry per transaction.
pub fn outcomes_root_of(txs: &[bytes::Bytes], codes: &[u16]) -> Hash32 {
    assert_eq!(txs.len(), codes.len(), "one code per transaction");
    let leaves: Vec<Hash32> = txs
        .iter()
        .zip(codes)
        .enumerate()
        .map(|(i, (raw, code))| {
            let index = u32::try_from(i).expect("block tx count bounded by BlockLimits");
            outcome_leaf(index, &outcome_id(raw), *code)
        })
        .collect();
    merkle::root(&leaves)
}

/// Executes blocks for one chain.
#[derive(Clone)]
pub struct Executor {
    genesis: Arc<Genesis>,
    genesis_hash: Hash32,
    chain_id: ChainId,
    namespace: Arc<[u8]>,
    report_namespace: Arc<[u8]>,
    domains: Arc<Domains>,
    votes: Option<Arc<dyn VoteEvidence>>,
}

impl Executor {
    /// An executor for the chain `genesis` describes, without a vote checker: validator
    /// evidence is refused until [`Executor::with_vote_evidence`] attaches one.
    ///
    /// # Panics
    /// If `genesis` does not validate.
    pub fn new(genesis: Genesis) -> Self {
        genesis.validate().expect("genesis must validate");
        let chain_id = genesis.chain_id();
        Self {
            genesis_hash: genesis.hash(),
            namespace: chain_id.namespace(Namespace::Transaction).into(),
            report_namespace: chain_id.namespace(Namespace::DeviceReport).into(),
            domains: Arc::new(Domains::of(&chain_id)),
            votes: None,
            chain_id,
            genesis: Arc::new(genesis),
        }
    }

    /// This executor checking validators' conflicting votes with `votes`. Part of the state
    /// transition: every validator of the chain must attach the same checker (the node builds
    /// `terrane_votes::VoteVerifier` from the genesis).
    pub fn with_vote_evidence(mut self, votes: Arc<dyn VoteEvidence>) -> Self {
        self.votes = Some(votes);
        self
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

    /// The device-report signing namespace.
    pub fn report_namespace(&self) -> &[u8] {
        &self.report_namespace
    }

    /// The device signing domains.
    pub fn domains(&self) -> &Domains {
        &self.domains
    }

    /// The execution environment of a block: its epoch follows from its height.
    pub fn block_env(
        &self,
        height: Height,
        timestamp: TimestampMs,
        randomness: Hash32,
    ) -> BlockEnv {
        BlockEnv {
            chain_id: self.chain_id.clone(),
            height,
            epoch: schedule::epoch_of(height, self.genesis.params.pow.epoch_length_blocks),
            timestamp,
            randomness,
        }
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
        let mut output = BlockOutput::default();
        // Boxed (once per block, and once per payload below): the hooks and the dispatch nest
        // an async call per module layer, and a boxed future's layout is computed on its own,
        // so the node's consensus futures stay within the compiler's layout depth as modules
        // are added.
        Box::pin(self.begin_block(state, env, &mut output.events)).await?;

        let decoded: Vec<Result<SignedTransaction, DecodeTxError>> = txs
            .iter()
            .map(|raw| SignedTransaction::decode_bounded(raw))
            .collect();
        let (signatures_ok, reports_ok) = self.verify_signatures(&decoded);

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
                        charged: false,
                    }
                }
                Ok(tx) => {
                    let checks = Checks {
                        signature: signatures_ok[index as usize],
                        reports: &reports_ok[index as usize],
                    };
                    self.execute_tx(
                        state,
                        env,
                        &tx,
                        raw.len(),
                        index,
                        checks,
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

    /// Genesis at height 1; at the first block of every later epoch, every module closes the
    /// previous epoch; at the first block of every epoch, every module opens it (with this
    /// block's randomness). Hooks run in the order of [`for_each_module`].
    async fn begin_block<S: StateRead>(
        &self,
        state: &mut Overlay<S>,
        env: &BlockEnv,
        events: &mut Vec<AppEvent>,
    ) -> Result<(), StateError> {
        let epoch_length = self.genesis.params.pow.epoch_length_blocks;
        let first = env.height.get() == 1;
        if !first && !schedule::is_epoch_start(env.height, epoch_length) {
            return Ok(());
        }
        let mut ctx = BlockCtx {
            state,
            env,
            genesis: &self.genesis,
            events,
        };
        if first {
            self.genesis.apply(ctx.state);
        } else {
            let closing = Epoch::new(env.epoch.get() - 1);
            for_each_module!(M => M::close_epoch(&mut ctx, closing).await?);
        }
        for_each_module!(M => M::open_epoch(&mut ctx).await?);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn execute_tx<S: StateRead>(
        &self,
        state: &mut Overlay<S>,
        env: &BlockEnv,
        tx: &SignedTransaction,
        encoded_len: usize,
        index: u32,
        checks: Checks<'_>,
        events: &mut Vec<AppEvent>,
    ) -> Result<TxResult, StateError> {
        let signature_ok = checks.signature;
        let id = tx.id();
        let mut result = TxResult {
            id,
            index,
            outcome: Outcome::OK,
            signer: Some(tx.tx.signer),
            kind: Some(tx.tx.payload.kind()),
            charged: false,
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
                result.charged = true;
                events.push(AppEvent {
                    tx: Some(id),
                    kind: EventKind::Accounts(event),
                });
            }
        }

        state.begin_tx();
        let mut ctx = TxCtx {
            state,
            env,
            signer: &tx.tx.signer,
            params: &self.genesis.params,
            domains: &self.domains,
            report_signatures: checks.reports,
            votes: self.votes.as_deref(),
        };
        match Box::pin(tx.tx.payload.execute(&mut ctx)).await? {
            Ok(mut kinds) => {
                let emitted = kinds.len();
                for i in 0..emitted {
                    let event = kinds[i].clone();
                    for_each_module!(M => kinds.extend(M::on_event(&mut ctx, &event).await?));
                }
                ctx.state.commit_tx();
                events.extend(
                    kinds
                        .into_iter()
                        .map(|kind| AppEvent { tx: Some(id), kind }),
                );
            }
            Err(outcome) => {
                ctx.state.rollback_tx();
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

    /// Checks every signature in the block, transactions' and device reports', with one batch
    /// verification, and one-by-one only if the batch fails (to find the bad ones).
    ///
    /// Batch verification checks one random linear combination of the equations, so its
    /// coefficients must be unpredictable to whoever chose the signatures: with known
    /// coefficients a proposer can craft two invalid signatures whose errors cancel. Every
    /// validator must also reach the same verdict. The seed is therefore a hash of the whole
    /// batch (every key, namespace, message and signature), Fiat-Shamir style: changing any
    /// signature to aim at the coefficients changes the coefficients. (Seeding from the
    /// block randomness, which the proposer knows before building, was forgeable.)
    fn verify_signatures(
        &self,
        decoded: &[Result<SignedTransaction, DecodeTxError>],
    ) -> (Vec<bool>, Vec<Vec<bool>>) {
        let mut tx_ok = vec![false; decoded.len()];
        let mut reports_ok: Vec<Vec<bool>> = decoded
            .iter()
            .map(|d| match d {
                Ok(tx) => match &tx.tx.payload {
                    Payload::SubmitReports(m) => vec![false; m.reports.len()],
                    _ => Vec::new(),
                },
                Err(_) => Vec::new(),
            })
            .collect();
        // (tx index, report index or None for the envelope, key, namespace, message, signature)
        type Entry<'a> = (
            usize,
            Option<usize>,
            ed25519::PublicKey,
            &'a [u8],
            bytes::Bytes,
            &'a ed25519::Signature,
        );
        let mut batch: Vec<Entry<'_>> = Vec::new();
        for (i, item) in decoded.iter().enumerate() {
            let Ok(tx) = item else { continue };
            if let Some(pk) = tx.public_key() {
                batch.push((i, None, pk, &self.namespace, tx.tx.encode(), &tx.signature));
            }
            if let Payload::SubmitReports(m) = &tx.tx.payload {
                for (j, r) in m.reports.iter().enumerate() {
                    if let Some(pk) = devices::public_key(&r.signer) {
                        batch.push((
                            i,
                            Some(j),
                            pk,
                            &self.report_namespace,
                            r.report.encode(),
                            &r.signature,
                        ));
                    }
                }
            }
        }
        if batch.is_empty() {
            return (tx_ok, reports_ok);
        }
        let mut transcript = Vec::with_capacity(batch.len() * 200);
        transcript.extend_from_slice(b"terrane/batch-verify/v1");
        for (_, _, pk, ns, msg, sig) in &batch {
            for part in [pk.as_ref(), *ns, msg.as_ref(), sig.as_ref()] {
                let len = u32::try_from(part.len()).expect("parts are far below 4 GiB");
                transcript.extend_from_slice(&len.to_be_bytes());
                transcript.extend_from_slice(part);
            }
        }
        let seed = terrane_primitives::sha256(&[&transcript]);
        let mut rng = StdRng::from_seed(*seed.as_bytes());
        let all_ok = ed25519::PublicKey::verify_batch(
            &mut rng,
            &batch,
            |_, (_, _, pk, ns, msg, sig)| BatchEntry {
                namespace: ns,
                message: msg,
                public_key: pk,
                signature: sig,
            },
            &Sequential,
        );
        for (i, j, pk, ns, msg, sig) in &batch {
            let ok = all_ok || {
                use commonware_cryptography::Verifier as _;
                pk.verify(ns, msg, sig)
            };
            match j {
                None => tx_ok[*i] = ok,
                Some(j) => reports_ok[*i][*j] = ok,
            }
        }
        (tx_ok, reports_ok)
    }
}

/// What the block-wide signature pass found for one transaction.
#[derive(Clone, Copy)]
struct Checks<'a> {
    signature: bool,
    reports: &'a [bool],
}
