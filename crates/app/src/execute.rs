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
use terrane_primitives::{Address, ChainId, Epoch, Hash32, Height, Namespace, TimestampMs, merkle, sha256};
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
    pub fn block_env(&self, height: Height, timestamp: TimestampMs, randomness: Hash32) -> BlockEnv {
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
        let (signatures_ok, reports_ok) = self.verify_signatures(&decoded, env);

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
                    let checks = Checks {
                        signature: signatures_ok[index as usize],
                        reports: &reports_ok[index as usize],
                    };
                    self.execute_tx(state, env, &tx, raw.len(), index, checks, &mut output.events)
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
            let coverage =
                terrane_coverage::handler::close_epoch(state, env, pow_params, closing, &env.randomness)
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
            r.map(|evs| evs.into_iter().map(f).collect()).map_err(Into::into)
        }
        let domains = &self.domains;
        Ok(match payload {
            Payload::Transfer(msg) => wrap(accounts::transfer(state, signer, msg).await?, EventKind::Accounts),
            Payload::RegisterDevice(msg) => {
                let r = devices::register(state, env, domains, signer, msg).await?;
                wrap(r, EventKind::Devices)
            }
            Payload::TransferDevice(msg) => wrap(devices::transfer(state, signer, msg).await?, EventKind::Devices),
            Payload::AssertLocation(msg) => {
                wrap(devices::assert_location(state, env, signer, msg).await?, EventKind::Devices)
            }
            Payload::DeactivateDevice(msg) => wrap(devices::deactivate(state, signer, msg).await?, EventKind::Devices),
            Payload::AuthorizeSessionKey(msg) => {
                let r = devices::authorize_session(state, env, domains, signer, msg).await?;
                wrap(r, EventKind::Devices)
            }
            Payload::RevokeSessionKey(msg) => {
                wrap(devices::revoke_session(state, signer, msg).await?, EventKind::Devices)
            }
            Payload::SubmitReports(msg) => self.execute_reports(state, env, msg, reports_ok).await?,
            Payload::ClaimRewards(msg) => match terrane_rewards::handler::claim(state, signer, msg).await? {
                Ok((amount, event)) => Ok(vec![
                    EventKind::Accounts(event),
                    EventKind::Claimed {
                        device: msg.device,
                        amount,
                    },
                ]),
                Err(r) => Err(r.into()),
            },
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
                            terrane_coverage::handler::verify_report(state, env, pow_params, &pre).await?
                        }
                        _ => Verdict::Invalid(PowRejection::ClassNotEnabled.code()),
                    };
                    pow::record(state, env, pow_params, &pre.device, &pre.report, pre.report_id, verdict)
                        .await?
                }
                Precheck::Rejected {
                    report_id,
                    charged: Some(device),
                    code,
                } => {
                    pow::record(state, env, pow_params, &device, &signed.report, report_id, Verdict::Invalid(code.code()))
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
    /// verification, and one-by-one only if the batch fails (to find the bad ones). Batch
    /// verification randomizes its check with an RNG; seeding it from the block keeps runs
    /// reproducible, and its verdict does not depend on the seed.
    fn verify_signatures(
        &self,
        decoded: &[Result<SignedTransaction, DecodeTxError>],
        env: &BlockEnv,
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
        type Entry<'a> = (usize, Option<usize>, ed25519::PublicKey, &'a [u8], bytes::Bytes, &'a ed25519::Signature);
        let mut batch: Vec<Entry<'_>> = Vec::new();
        for (i, item) in decoded.iter().enumerate() {
            let Ok(tx) = item else { continue };
            if let Some(pk) = tx.public_key() {
                batch.push((i, None, pk, &self.namespace, tx.tx.encode(), &tx.signature));
            }
            if let Payload::SubmitReports(m) = &tx.tx.payload {
                for (j, r) in m.reports.iter().enumerate() {
                    if let Some(pk) = devices::public_key(&r.signer) {
                        batch.push((i, Some(j), pk, &self.report_namespace, r.report.encode(), &r.signature));
                    }
                }
            }
        }
        if batch.is_empty() {
            return (tx_ok, reports_ok);
        }
        let mut rng = StdRng::from_seed(*env.randomness.as_bytes());
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
