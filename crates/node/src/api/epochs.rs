//! `GET /v1/epochs/{n|current}`: an epoch's schedule and, once closed, its reward summary.

use super::*;

/// Pool and distributed amount per class name, from a summary's class list.
fn class_maps(
    s: &terrane_rewards::types::EpochSummary,
) -> (
    std::collections::BTreeMap<String, u64>,
    std::collections::BTreeMap<String, u64>,
) {
    let name = |c| super::devices::class_label(c);
    (
        s.classes.iter().map(|c| (name(c.class), c.pool)).collect(),
        s.classes
            .iter()
            .map(|c| (name(c.class), c.distributed))
            .collect(),
    )
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn epoch_view(&self, id: EpochId) -> Result<Option<EpochView>, ApiError> {
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
            summary: summary.map(|s| {
                let (pools, distributed) = class_maps(&s);
                EpochSummaryView {
                    emission: s.emission,
                    pools,
                    distributed,
                    dust: s.dust,
                    not_issued: s.not_issued,
                    reward_root: s.reward_root.to_string(),
                    devices: s.devices,
                    rewarded: s.rewarded,
                    closed_at: s.closed_at.get(),
                    economy: economy_view(&s.economy),
                    validators: s.validators,
                }
            }),
        }))
    }
}

/// The burn-and-mint figures of a closed epoch.
pub(super) fn economy_view(e: &terrane_rewards::economy::Economy) -> terrane_api::EconomyView {
    terrane_api::EconomyView {
        base_emission: e.base_emission,
        reminted: e.reminted,
        price: e.price,
        usage_credits: e.usage_credits,
        usage_face: e.usage_face,
        usage_fee: e.usage_fee,
        usage_cap: e.usage_cap,
        usage_paid: e.usage_paid,
        usage_dust: e.usage_dust,
        usage_cut: e.usage_cut,
        subsidy_floor: e.subsidy_floor,
        subsidy_bound: e.subsidy_bound,
        subsidy: e.subsidy,
        bound_not_issued: e.bound_not_issued,
    }
}
