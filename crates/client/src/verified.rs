//! Verified state reads: a record proven against a header finalized by the validator set.
//!
//! ```text
//! view (value + QMDB proof) ─▶ block at the proof's height ─▶ certificate ─▶ header
//!     ─▶ state_root == proof root ─▶ light::verify_state ─▶ decoded record
//! ```

use crate::{ClientError, Trust};
use commonware_codec::DecodeExt;
use terrane_accounts::{state_key::Accounts, types::Account};
use terrane_api::{
    AccountView, CreditAccountView, DeviceView, EvidenceView, MaintenanceParamsView,
    MaintenancePeriodView, MaintenanceView, MaintenanceWindowView, RewardProofView, SlashView,
    StakePoolView, StakeTarget, StateProofView,
};
use terrane_credits::{state_key::Balances, types::Credits};
use terrane_devices::{state_key::Devices, types::Device};
use terrane_maintenance::{
    params::MaintenanceParams,
    state_key::{DeviceWindows, Params, SINGLETON},
    types::Windows,
};
use terrane_primitives::{Address, DeviceId, Epoch, hex, merkle};
use terrane_rewards::{state_key::Summaries, types::EpochSummary};
use terrane_slashing::{msg::Evidence, state_key::Slashes, types::Slash};
use terrane_staking::{
    state_key::Pools,
    types::{Pool, Target},
};
use terrane_state::StateKey;
use terrane_types::light::{self, LightError};

impl crate::Client {
    /// The account, proven against a finalized header: fetches the account and its proof,
    /// fetches the block at the proof's height with its certificate, and checks the chain
    /// identity → certificate → header → state root → proof → record.
    pub async fn verified_account(
        &self,
        trust: &Trust,
        address: &Address,
    ) -> Result<(Account, AccountView), ClientError> {
        let view = self.account(address).await?;
        let proof = StateProofView {
            height: view.height,
            state_root: view.state_root.clone(),
            key: view.key.clone(),
            value: view.value.clone(),
            proof: view.proof.clone(),
        };
        self.verify_state_proof(trust, &StateKey::of::<Accounts>(address), &proof)
            .await?;
        let account = match &view.value {
            Some(v) => {
                let bytes = hex::decode(v).ok_or(LightError::Hex("value"))?;
                Account::decode(bytes::Bytes::from(bytes))
                    .map_err(|e| LightError::Decode("account", e.to_string()))?
            }
            None => Account::default(),
        };
        if account.balance.get() != view.balance || account.nonce.get() != view.nonce {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "balance/nonce fields disagree with the proven record".into(),
            });
        }
        Ok((account, view))
    }

    /// An account's credit balance, proven against a finalized header (the view's open sessions
    /// are the node's word; the balance is proven).
    pub async fn verified_credits(
        &self,
        trust: &Trust,
        address: &Address,
    ) -> Result<(Credits, CreditAccountView), ClientError> {
        let view = self.credit_account(address).await?;
        let proof = StateProofView {
            height: view.height,
            state_root: view.state_root.clone(),
            key: view.key.clone(),
            value: view.value.clone(),
            proof: view.proof.clone(),
        };
        self.verify_state_proof(trust, &StateKey::of::<Balances>(address), &proof)
            .await?;
        let balance = match &view.value {
            Some(v) => {
                let bytes = hex::decode(v).ok_or(LightError::Hex("value"))?;
                Credits::decode(bytes::Bytes::from(bytes))
                    .map_err(|e| LightError::Decode("credit balance", e.to_string()))?
            }
            None => Credits::ZERO,
        };
        if balance.get() != view.balance {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the balance field disagrees with the proven record".into(),
            });
        }
        Ok((balance, view))
    }

    /// Checks a state record against a header finalized under `trust` at the proof's height:
    /// certificate → header → state root → QMDB proof of (key, value).
    pub async fn verify_state_proof(
        &self,
        trust: &Trust,
        expected_key: &StateKey,
        proof: &StateProofView,
    ) -> Result<(), ClientError> {
        if proof.key != expected_key.0.to_string() {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the node proved a different state key".into(),
            });
        }
        let block = self
            .block(proof.height)
            .await?
            .ok_or_else(|| ClientError::Unexpected {
                url: self.base.clone(),
                detail: format!("block {} is not available", proof.height),
            })?;
        let header = Self::verify_block(trust, &block)?;
        let root = light::parse_digest(&proof.state_root)?;
        if header.state_root != root {
            return Err(LightError::RootMismatch {
                proof: proof.state_root.clone(),
                header: header.state_root.to_string(),
            }
            .into());
        }
        light::verify_state(expected_key, proof.value.as_deref(), &proof.proof, &root)?;
        Ok(())
    }

    /// The device record, proven against a finalized header.
    pub async fn verified_device(
        &self,
        trust: &Trust,
        id: &DeviceId,
    ) -> Result<Option<(Device, DeviceView)>, ClientError> {
        let Some(view) = self.device(id).await? else {
            return Ok(None);
        };
        self.verify_state_proof(trust, &StateKey::of::<Devices>(id), &view.record)
            .await?;
        let bytes = view
            .record
            .value
            .as_deref()
            .and_then(hex::decode)
            .ok_or(LightError::Hex("device record"))?;
        let device = Device::decode(bytes::Bytes::from(bytes))
            .map_err(|e| LightError::Decode("device record", e.to_string()))?;
        if device.id != *id || device.owner.to_string() != view.owner {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the view disagrees with the proven record".into(),
            });
        }
        Ok(Some((device, view)))
    }

    /// A reward line proven end to end: leaf → Merkle path → reward root, which the proven
    /// epoch summary holds, under a certified state root.
    pub async fn verified_reward(
        &self,
        trust: &Trust,
        id: &DeviceId,
        epoch: u64,
    ) -> Result<Option<RewardProofView>, ClientError> {
        let Some(view) = self.reward_proof(id, epoch).await? else {
            return Ok(None);
        };
        let e = Epoch::new(epoch);
        self.verify_state_proof(trust, &StateKey::of::<Summaries>(&e), &view.summary)
            .await?;
        let summary_bytes = view
            .summary
            .value
            .as_deref()
            .and_then(hex::decode)
            .ok_or(LightError::Hex("epoch summary"))?;
        let summary = EpochSummary::decode(bytes::Bytes::from(summary_bytes))
            .map_err(|e| LightError::Decode("epoch summary", e.to_string()))?;
        let leaf = hex::decode(&view.leaf).ok_or(LightError::Hex("leaf"))?;
        let mut path = Vec::with_capacity(view.path.len());
        for step in &view.path {
            path.push(merkle::ProofStep {
                sibling: step
                    .sibling
                    .parse()
                    .map_err(|_| LightError::Hex("merkle sibling"))?,
                sibling_is_left: step.side == "left",
            });
        }
        let bad = |detail: &str| ClientError::Unexpected {
            url: self.base.clone(),
            detail: detail.to_owned(),
        };
        // The leaf must be exactly the line shown, for this device and epoch: rebuild it from
        // the view's figures (docs/spec/rewards.md layout) and compare bytes, so a node cannot
        // pair a genuine proof with different numbers.
        let l = &view.line;
        let capped_by = match l.capped_by.as_str() {
            "none" => terrane_rewards::Cap::None,
            "device" => terrane_rewards::Cap::Device,
            "cell" => terrane_rewards::Cap::Cell,
            "demand" => terrane_rewards::Cap::Demand,
            _ => return Err(bad("unknown cap in the reward line")),
        };
        let shown = terrane_rewards::Breakdown {
            units: l.units,
            cell_devices: l.cell_devices,
            cell_scale_ppm: l.cell_scale_ppm,
            reputation_ppm: l.reputation_ppm,
            vetting_ppm: l.vetting_ppm,
            eligible: l.eligible,
            demand_cap: l.demand_cap,
            backing_ppm: l.backing_ppm,
            scaled_units: l
                .scaled_units
                .parse()
                .map_err(|_| bad("scaled_units is not a number"))?,
            uncapped: l.uncapped,
            capped_by,
            amount: l.amount,
        };
        let usage = terrane_rewards::economy::UsageLine {
            credits: l.usage_credits,
            face: l.usage_face,
            paid: l.usage_paid,
        };
        if leaf.len() != terrane_rewards::leaf::LEAF_LEN
            || leaf != terrane_rewards::leaf_bytes(e, *id, &shown, &usage)
        {
            return Err(bad(
                "the reward leaf is not the line shown for this device and epoch",
            ));
        }
        if !merkle::verify(merkle::leaf(&leaf), &path, &summary.reward_root) {
            return Err(LightError::BadProof.into());
        }
        if summary.reward_root.to_string() != view.reward_root {
            return Err(bad("the reward root disagrees with the proven summary"));
        }
        Ok(Some(view))
    }

    /// The receipt of the transaction `hash`, proven against a finalized header: `None` if the
    /// node has no receipt for it (unknown, pending, or rejected without a charge).
    pub async fn verified_receipt(
        &self,
        trust: &Trust,
        hash: &terrane_primitives::Hash32,
    ) -> Result<Option<terrane_app::state_key::Receipt>, ClientError> {
        let Some(proof) = self
            .get_optional::<StateProofView>(&format!("/v1/tx/{hash}/receipt"))
            .await?
        else {
            return Ok(None);
        };
        let key = StateKey::of::<terrane_app::state_key::Receipts>(hash);
        self.verify_state_proof(trust, &key, &proof).await?;
        let bytes = proof
            .value
            .as_deref()
            .and_then(hex::decode)
            .ok_or(LightError::Hex("receipt"))?;
        let receipt = terrane_app::state_key::Receipt::decode(bytes::Bytes::from(bytes))
            .map_err(|e| LightError::Decode("receipt", e.to_string()))?;
        Ok(Some(receipt))
    }

    /// `target`'s stake pool, its record proven against a finalized header, or `None` when
    /// nothing is staked on it. The figures the view derives from the record (total, own and
    /// delegated stake, unbonding, slashed, commission) must match the proven record.
    pub async fn verified_stake_pool(
        &self,
        trust: &Trust,
        target: StakeTarget,
    ) -> Result<Option<(Pool, StakePoolView)>, ClientError> {
        let Some(view) = self.stake_pool(target).await? else {
            return Ok(None);
        };
        let key = StateKey::of::<Pools>(&target_of(target));
        self.verify_state_proof(trust, &key, &proof_of(&view))
            .await?;
        let bytes = hex::decode(&view.value).ok_or(LightError::Hex("pool record"))?;
        let pool = Pool::decode(bytes::Bytes::from(bytes))
            .map_err(|e| LightError::Decode("pool record", e.to_string()))?;
        let agrees = view.kind == target.kind()
            && view.target == hex::encode(&target.id())
            && view.operator == pool.operator.to_string()
            && view.total == pool.total().get()
            && view.operator_stake == pool.operator_stake().get()
            && view.delegated == pool.delegated().get()
            && view.unbonding == pool.unbonding.stake.get()
            && view.slashed == pool.slashed.get()
            && view.commission_bps == pool.commission.get()
            && view.next_commission_bps == pool.next_commission.get()
            && view.commission_from == pool.commission_from.get()
            && view.owed == pool.owed.get();
        if !agrees {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the pool view disagrees with the proven record".into(),
            });
        }
        Ok(Some((pool, view)))
    }

    /// Slash `id`, its record proven against a finalized header, or `None` when no slash has
    /// this id. Every figure of the view the record holds (target, offence, status, fraction,
    /// reporter, epochs, amounts, evidence) must match it; `reason`'s and `ended_by`'s names
    /// and descriptions are the node's registry.
    pub async fn verified_slash(
        &self,
        trust: &Trust,
        id: u64,
    ) -> Result<Option<(Slash, SlashView)>, ClientError> {
        let Some(view) = self.slash(id).await? else {
            return Ok(None);
        };
        self.verify_state_proof(trust, &StateKey::of::<Slashes>(&id), &proof_of_slash(&view))
            .await?;
        let bytes = hex::decode(&view.value).ok_or(LightError::Hex("slash record"))?;
        let slash = Slash::decode(bytes::Bytes::from(bytes))
            .map_err(|e| LightError::Decode("slash record", e.to_string()))?;
        let (kind, target) = match slash.target {
            Target::Device(d) => ("device", d.to_string()),
            Target::Validator(a) => ("validator", a.to_string()),
        };
        let burned = slash.slashed.checked_sub(slash.bounty);
        let agrees = slash.id == id
            && view.id == id
            && view.kind == kind
            && view.target == target
            && view.reason.code == slash.offence
            && view.status == slash.status.name()
            && view.ended_by.as_ref().map_or(0, |o| o.code) == slash.outcome
            && view.fraction_bps == slash.fraction.get()
            && view.reporter == slash.reporter.to_string()
            && view.offence_epoch == slash.offence_epoch.get()
            && view.filed_height == slash.submitted.get()
            && view.due_epoch == slash.due.get()
            && view.appeals == slash.appeals
            && view.slashed == slash.slashed.get()
            && view.bounty == slash.bounty.get()
            && Some(view.burned) == burned.map(terrane_primitives::Amount::get)
            && evidence_shown(&view.evidence, &slash.evidence);
        if !agrees {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the slash view disagrees with the proven record".into(),
            });
        }
        Ok(Some((slash, view)))
    }

    /// The maintenance parameters, their record proven against a finalized header. The start
    /// epochs and `epoch_length_blocks` are the node's arithmetic over the pow parameters,
    /// which this record does not hold.
    pub async fn verified_maintenance_params(
        &self,
        trust: &Trust,
    ) -> Result<(MaintenanceParams, MaintenanceParamsView), ClientError> {
        let view = self.maintenance_params().await?;
        self.verify_state_proof(trust, &StateKey::of::<Params>(&SINGLETON), &view.record)
            .await?;
        let bytes = view
            .record
            .value
            .as_deref()
            .and_then(hex::decode)
            .ok_or(LightError::Hex("maintenance params"))?;
        let params = MaintenanceParams::decode(bytes::Bytes::from(bytes))
            .map_err(|e| LightError::Decode("maintenance params", e.to_string()))?;
        let agrees = view.record.height == view.height
            && view.notice_blocks == params.notice_blocks
            && view.period_epochs == params.period_epochs
            && view.epochs_per_period == params.epochs_per_period
            && view.windows_per_period == params.windows_per_period;
        if !agrees {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the maintenance parameters disagree with the proven record".into(),
            });
        }
        Ok((params, view))
    }

    /// Device `id`'s maintenance windows, its window list proven against a finalized header
    /// (an absent list, proven absent, is no window), or `None` when no device is registered
    /// with this id. The windows shown must be the proven list's, in order, each with the
    /// status the list gives it at the view's epoch; the allowance must be the proven
    /// parameters' ([`Self::verified_maintenance_params`]), and what each period has used must
    /// be the proven list's count. The start epochs are the node's arithmetic.
    pub async fn verified_maintenance(
        &self,
        trust: &Trust,
        id: &DeviceId,
    ) -> Result<Option<(Windows, MaintenanceView)>, ClientError> {
        let Some(view) = self.maintenance(id).await? else {
            return Ok(None);
        };
        self.verify_state_proof(trust, &StateKey::of::<DeviceWindows>(id), &view.record)
            .await?;
        let windows = match &view.record.value {
            Some(v) => {
                let bytes = hex::decode(v).ok_or(LightError::Hex("maintenance windows"))?;
                Windows::decode(bytes::Bytes::from(bytes))
                    .map_err(|e| LightError::Decode("maintenance windows", e.to_string()))?
            }
            None => Windows::default(),
        };
        let (params, _) = self.verified_maintenance_params(trust).await?;
        let shown: Vec<MaintenanceWindowView> = windows
            .0
            .iter()
            .map(|w| {
                MaintenanceWindowView::at(w.start.get(), w.epochs, w.declared_at.get(), view.epoch)
            })
            .collect();
        let period = |index: u64| {
            MaintenancePeriodView::count(
                index,
                params.period_epochs,
                params.epochs_per_period,
                params.windows_per_period,
                &shown,
            )
        };
        let current = view.epoch / params.period_epochs.max(1);
        let agrees = view.device == id.to_string()
            && view.record.height == view.height
            && view.notice_blocks == params.notice_blocks
            && view.period_epochs == params.period_epochs
            && view.windows == shown
            && view.period == period(current)
            && view.next_period == period(current.saturating_add(1));
        if !agrees {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the maintenance view disagrees with the proven window list".into(),
            });
        }
        Ok(Some((windows, view)))
    }
}

/// The staking module's name for a target.
fn target_of(target: StakeTarget) -> Target {
    match target {
        StakeTarget::Device(id) => Target::Device(DeviceId::new(id)),
        StakeTarget::Validator(a) => Target::Validator(Address::new(a)),
    }
}

/// The proof a pool view carries.
fn proof_of(view: &StakePoolView) -> StateProofView {
    StateProofView {
        height: view.height,
        state_root: view.state_root.clone(),
        key: view.key.clone(),
        value: Some(view.value.clone()),
        proof: view.proof.clone(),
    }
}

/// The proof a slash view carries.
fn proof_of_slash(view: &SlashView) -> StateProofView {
    StateProofView {
        height: view.height,
        state_root: view.state_root.clone(),
        key: view.key.clone(),
        value: Some(view.value.clone()),
        proof: view.proof.clone(),
    }
}

/// Whether `shown` is `recorded`, decoded.
fn evidence_shown(shown: &EvidenceView, recorded: &Evidence) -> bool {
    use commonware_codec::Encode as _;
    match (shown, recorded) {
        (
            EvidenceView::DeviceEquivocation {
                device,
                epoch,
                first,
                second,
            },
            Evidence::DeviceEquivocation {
                first: a,
                second: b,
            },
        ) => {
            *device == a.report.device.to_string()
                && *epoch == a.report.epoch.get()
                && *first == hex::encode(&a.encode())
                && *second == hex::encode(&b.encode())
        }
        (
            EvidenceView::RepeatedInvalidProofs { device, last_epoch },
            Evidence::RepeatedInvalidProofs {
                device: d,
                last_epoch: e,
            },
        ) => *device == d.to_string() && *last_epoch == e.get(),
        (
            EvidenceView::MissedDuties { device, epochs },
            Evidence::MissedDuties {
                device: d,
                epochs: e,
            },
        ) => *device == d.to_string() && epochs.iter().copied().eq(e.iter().map(|e| e.get())),
        (
            EvidenceView::ValidatorEquivocation { validator, votes },
            Evidence::ValidatorEquivocation {
                validator: v,
                votes: b,
            },
        ) => *validator == v.to_string() && *votes == hex::encode(b),
        _ => false,
    }
}
