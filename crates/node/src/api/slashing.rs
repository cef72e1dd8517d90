//! `GET /v1/slashing`, `/v1/slashes/{id}`, `/v1/stakes/…/slashes`: slashing's parameters,
//! totals and due lists, one slash with its evidence and a proof, and a target's slashes, at
//! the latest finalized block.

use super::{
    staking::{kind_and_id, target_of},
    *,
};
use terrane_api::{
    DueSlashesView, EvidenceView, SlashListView, SlashSummaryView, SlashView, SlashingParamsView,
    SlashingView, StakeTarget, slash_types::MAX_DUE_EPOCHS_SHOWN,
};
use terrane_slashing::{
    handler as slashing,
    msg::Evidence,
    state_key::Slashes,
    types::{Slash, SlashStatus},
};

/// The evidence as the API shows it: signed reports as the hex of their encoding.
fn evidence_view(evidence: &Evidence) -> EvidenceView {
    match evidence {
        Evidence::DeviceEquivocation { first, second } => EvidenceView::DeviceEquivocation {
            device: first.report.device.to_string(),
            epoch: first.report.epoch.get(),
            first: hex::encode(&first.encode()),
            second: hex::encode(&second.encode()),
        },
        Evidence::RepeatedInvalidProofs { device, last_epoch } => {
            EvidenceView::RepeatedInvalidProofs {
                device: device.to_string(),
                last_epoch: last_epoch.get(),
            }
        }
        Evidence::MissedDuties { device, epochs } => EvidenceView::MissedDuties {
            device: device.to_string(),
            epochs: epochs.iter().map(|e| e.get()).collect(),
        },
        Evidence::ValidatorEquivocation { validator, votes } => {
            EvidenceView::ValidatorEquivocation {
                validator: validator.to_string(),
                votes: hex::encode(votes),
            }
        }
    }
}

/// How a slash that did not execute ended (its `outcome` code), `None` while it is pending
/// or once it executed.
fn ended_by(s: &Slash) -> Option<OutcomeView> {
    match s.status {
        SlashStatus::Pending | SlashStatus::Executed => None,
        SlashStatus::Voided | SlashStatus::Lapsed => Some(outcome_view(s.outcome)),
    }
}

/// What execution burned: the stake taken less the bounty.
///
/// # Panics
/// If the record's bounty exceeds what it took: slashing's invariants forbid it.
fn burned(s: &Slash) -> u64 {
    s.slashed
        .checked_sub(s.bounty)
        .expect("a slash's bounty is part of what it took")
        .get()
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    fn filed_epoch(&self, s: &Slash) -> u64 {
        terrane_pow::schedule::epoch_of(s.submitted, self.pow_params().epoch_length_blocks).get()
    }

    fn summary(&self, s: &Slash) -> SlashSummaryView {
        SlashSummaryView {
            id: s.id,
            reason: outcome_view(s.offence),
            status: s.status.name().to_owned(),
            ended_by: ended_by(s),
            fraction_bps: s.fraction.get(),
            reporter: s.reporter.to_string(),
            offence_epoch: s.offence_epoch.get(),
            filed_epoch: self.filed_epoch(s),
            due_epoch: s.due.get(),
            slashed: s.slashed.get(),
            bounty: s.bounty.get(),
            burned: burned(s),
        }
    }

    pub(super) async fn slashing_view(&self) -> Result<SlashingView, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, epoch) = self.head(&overlay).await?;
        let p = slashing::params(&overlay).await.map_err(internal)?;
        let ledger = slashing::ledger(&overlay).await.map_err(internal)?;
        let due_from = epoch.get();
        let due_to = due_from.saturating_add(p.appeal_window_epochs.min(MAX_DUE_EPOCHS_SHOWN - 1));
        let mut due = Vec::new();
        for e in due_from..=due_to {
            let ids = slashing::due(&overlay, Epoch::new(e))
                .await
                .map_err(internal)?;
            if !ids.is_empty() {
                due.push(DueSlashesView { epoch: e, ids });
            }
        }
        Ok(SlashingView {
            height,
            epoch: epoch.get(),
            params: SlashingParamsView {
                appeal_window_epochs: p.appeal_window_epochs,
                evidence_max_age_epochs: p.evidence_max_age_epochs,
                bounty_bps: p.bounty_bps,
                equivocation_bps: p.equivocation_bps,
                invalid_proofs_bps: p.invalid_proofs_bps,
                invalid_threshold: p.invalid_threshold,
                invalid_window_epochs: p.invalid_window_epochs,
                missed_duty_bps: p.missed_duty_bps,
                missed_threshold: p.missed_threshold,
                missed_window_epochs: p.missed_window_epochs,
                max_due_per_epoch: p.max_due_per_epoch,
                validator_equivocation_bps: p.validator_equivocation_bps,
            },
            count: ledger.count,
            pending: ledger.pending,
            slashed: ledger.slashed.get(),
            bounties: ledger.bounties.get(),
            burned: ledger.burned.get(),
            due_from,
            due_to,
            due,
        })
    }

    pub(super) async fn slash_view(&self, id: u64) -> Result<Option<SlashView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        let Some(s) = slashing::slash(&overlay, id).await.map_err(internal)? else {
            return Ok(None);
        };
        let p = self
            .prove(&guard, height, &StateKey::of::<Slashes>(&id))
            .await?;
        let (kind, target) = kind_and_id(&s.target);
        Ok(Some(SlashView {
            id: s.id,
            kind,
            target,
            reason: outcome_view(s.offence),
            status: s.status.name().to_owned(),
            ended_by: ended_by(&s),
            fraction_bps: s.fraction.get(),
            reporter: s.reporter.to_string(),
            offence_epoch: s.offence_epoch.get(),
            filed_height: s.submitted.get(),
            filed_epoch: self.filed_epoch(&s),
            due_epoch: s.due.get(),
            appeals: s.appeals,
            slashed: s.slashed.get(),
            bounty: s.bounty.get(),
            burned: burned(&s),
            evidence: evidence_view(&s.evidence),
            height: p.height,
            state_root: p.state_root,
            key: p.key,
            value: p
                .value
                .ok_or_else(|| ApiError::internal("a slash read has no proven value"))?,
            proof: p.proof,
        }))
    }

    pub(super) async fn target_slashes_view(
        &self,
        target: StakeTarget,
    ) -> Result<SlashListView, ApiError> {
        let target = target_of(target);
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, _) = self.head(&overlay).await?;
        // The target's list holds at most `TARGET_SLASHES_KEPT` ids, oldest first.
        let ids = slashing::slashes_of(&overlay, &target)
            .await
            .map_err(internal)?;
        let mut slashes = Vec::with_capacity(ids.len());
        for id in ids.into_iter().rev() {
            let s = slashing::slash(&overlay, id)
                .await
                .map_err(internal)?
                .ok_or_else(|| {
                    ApiError::internal(format!("a target lists slash {id}, which has no record"))
                })?;
            slashes.push(self.summary(&s));
        }
        let (kind, target) = kind_and_id(&target);
        Ok(SlashListView {
            height,
            kind,
            target,
            slashes,
        })
    }
}
