//! `GET /v1/epochs/{n|current}`: an epoch's schedule and, once closed, its reward summary.

use super::*;

fn class_map(values: &[u64]) -> std::collections::BTreeMap<String, u64> {
    ResourceClass::ALL
        .iter()
        .zip(values)
        .map(|(c, v)| (c.name().to_owned(), *v))
        .collect()
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
}
