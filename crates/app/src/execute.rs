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
use terrane_devices::{handler as devices, msg::Domains, types::ResourceClass};
use terrane_pow::{
    handler::{self as pow, Precheck},
    msg::SubmitReports,
    outcome::PowRejection,
    schedule,
    types::Verdict,
};
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
            report_namespace: chain_id.namespace(Namespace::DeviceReport).into(),
            domains: Arc::new(Domains::of(&chain_id)),
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
        self.begin_block(state, env, &mut output.events).await?;

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

    /// Genesis at height 1; at the first block of every later epoch, the previous epoch's
    /// coverage and rewards close and the new epoch opens with this block's randomness.
    async fn begin_block<S: StateRead>(
        &self,
        state: &mut Overlay<S>,
        env: &BlockEnv,
        events: &mut Vec<AppEvent>,
    ) -> Result<(), StateError> {
        let pow_params = &self.genesis.params.pow;
        if env.height.get() == 1 {
            self.genesis.apply(state);
        } else if schedule::is_epoch_start(env.height, pow_params.epoch_length_blocks) {
            let closing = Epoch::new(env.epoch.get() - 1);
            let coverage = terrane_coverage::handler::close_epoch(
                state,
                env,
                pow_params,
                closing,
                &env.randomness,
            )
            .await?;
            events.push(AppEvent {
                tx: None,
                kind: EventKind::CoverageClosed {
                    epoch: closing,
                    summary: coverage,
                },
            });
            let (summary, minted) =
                terrane_rewards::handler::close_epoch(state, env, pow_params, closing).await?;
            events.extend(minted.into_iter().map(|e| AppEvent {
                tx: None,
                kind: EventKind::Accounts(e),
            }));
            events.push(AppEvent {
                tx: None,
                kind: EventKind::RewardsClosed {
                    epoch: closing,
                    summary,
                },
            });
        } else {
            return Ok(());
        }
        let opened = pow::open_epoch(state, env.epoch, env.randomness, env.height);
        events.push(AppEvent {
            tx: None,
            kind: EventKind::Pow(opened),
        });
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
        let payload_result = self
            .execute_payload(state, env, &tx.tx.signer, &tx.tx.payload, checks.reports)
            .await?;
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

    /// Runs a charged transaction's payload. `Err` is the payload's rejection (its writes are
    /// rolled back by the caller); `Ok` the events of its success.
    async fn execute_payload<S: StateRead>(
        &self,
        state: &mut Overlay<S>,
        env: &BlockEnv,
        signer: &Address,
        payload: &Payload,
        reports_ok: &[bool],
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        fn wrap<E, R: Into<Outcome>>(
            r: Result<Vec<E>, R>,
            f: impl Fn(E) -> EventKind,
        ) -> Result<Vec<EventKind>, Outcome> {
            r.map(|evs| evs.into_iter().map(f).collect())
                .map_err(Into::into)
        }
        let domains = &self.domains;
        Ok(match payload {
            Payload::Transfer(msg) => wrap(
                accounts::transfer(state, signer, msg).await?,
                EventKind::Accounts,
            ),
            Payload::RegisterDevice(msg) => {
                let r = devices::register(state, env, domains, signer, msg).await?;
                wrap(r, EventKind::Devices)
            }
            Payload::TransferDevice(msg) => match devices::transfer(state, signer, msg).await? {
                // Rewards earned under the seller are the seller's: paid out with the sale (the
                // transfer already checked the signer owned the device).
                Ok(transferred) => {
                    let mut kinds = Vec::new();
                    if let Some((amount, event)) =
                        terrane_rewards::handler::settle(state, &msg.device, signer).await?
                    {
                        kinds.push(EventKind::Accounts(event));
                        kinds.push(EventKind::Claimed {
                            device: msg.device,
                            amount,
                        });
                    }
                    kinds.extend(transferred.into_iter().map(EventKind::Devices));
                    Ok(kinds)
                }
                Err(r) => Err(r.into()),
            },
            Payload::AssertLocation(msg) => wrap(
                devices::assert_location(state, env, signer, msg).await?,
                EventKind::Devices,
            ),
            Payload::DeactivateDevice(msg) => wrap(
                devices::deactivate(state, signer, msg).await?,
                EventKind::Devices,
            ),
            Payload::AuthorizeSessionKey(msg) => {
                let r = devices::authorize_session(state, env, domains, signer, msg).await?;
                wrap(r, EventKind::Devices)
            }
            Payload::RevokeSessionKey(msg) => wrap(
                devices::revoke_session(state, signer, msg).await?,
                EventKind::Devices,
            ),
            Payload::SubmitReports(msg) => {
                self.execute_reports(state, env, msg, reports_ok).await?
            }
            Payload::ClaimRewards(msg) => {
                match terrane_rewards::handler::claim(state, signer, msg).await? {
                    Ok((amount, event)) => Ok(vec![
                        EventKind::Accounts(event),
                        EventKind::Claimed {
                            device: msg.device,
                            amount,
                        },
                    ]),
                    Err(r) => Err(r.into()),
                }
            }
        })
    }

    /// Judges a bundle of reports one by one. The bundle itself succeeds; each report's
    /// outcome is recorded on its device and reported as an event.
    async fn execute_reports<S: StateRead>(
        &self,
        state: &mut Overlay<S>,
        env: &BlockEnv,
        msg: &SubmitReports,
        reports_ok: &[bool],
    ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
        let pow_params = &self.genesis.params.pow;
        if msg.reports.len() > pow_params.max_reports_per_bundle as usize {
            return Ok(Err(PowRejection::BundleTooLarge.into()));
        }
        let mut events = Vec::with_capacity(msg.reports.len());
        for (signed, signature_ok) in msg.reports.iter().zip(reports_ok) {
            let event = match pow::precheck(state, env, signed, *signature_ok).await? {
                Precheck::Accepted(pre) => {
                    let verdict = match pre.device.class() {
                        ResourceClass::Coverage => {
                            terrane_coverage::handler::verify_report(state, env, pow_params, &pre)
                                .await?
                        }
                        // Not the device's fault: refused, recorded, reputation untouched.
                        _ => Verdict::Refused(PowRejection::ClassNotEnabled.code()),
                    };
                    pow::record(
                        state,
                        env,
                        pow_params,
                        &pre.device,
                        &pre.report,
                        pre.report_id,
                        verdict,
                    )
                    .await?
                }
                Precheck::Rejected {
                    report_id,
                    charged: Some(device),
                    code,
                } => {
                    pow::record(
                        state,
                        env,
                        pow_params,
                        &device,
                        &signed.report,
                        report_id,
                        Verdict::Invalid(code.code()),
                    )
                    .await?
                }
                Precheck::Rejected {
                    report_id, code, ..
                } => terrane_pow::events::PowEvent::ReportJudged {
                    report_id,
                    device: None,
                    code: code.code(),
                    units: 0,
                },
            };
            events.push(EventKind::Pow(event));
        }
        Ok(Ok(events))
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
