//! `GET /v1/maintenance`, `/v1/devices/{id}/maintenance`: the maintenance parameters with the
//! proof of their record, and a device's windows with the proof of its list and what its
//! periods have used, at the latest finalized block.

use super::*;
use terrane_api::{
    MaintenanceParamsView, MaintenancePeriodView, MaintenanceView, MaintenanceWindowView,
};
use terrane_maintenance::{
    handler as maintenance,
    params::MaintenanceParams,
    state_key::{DeviceWindows, Params, SINGLETON},
};

/// The first and last epoch a window declared in the block after `height` may start at, by
/// the rules `terrane_maintenance::handler::declare` applies: its first block, counted as
/// `start * epoch_length_blocks`, at least `notice_blocks` after the declaring block, and its
/// start at most `period_epochs` after the declaring block's epoch.
fn start_range(p: &MaintenanceParams, height: u64, epoch_length_blocks: u64) -> (u64, u64) {
    let declaring = height.saturating_add(1);
    let len = epoch_length_blocks.max(1);
    // Rounded up: the first epoch whose first block is far enough ahead.
    let earliest = declaring.saturating_add(p.notice_blocks).div_ceil(len);
    let epoch = terrane_pow::schedule::epoch_of(terrane_primitives::Height::new(declaring), len);
    (earliest, epoch.get().saturating_add(p.period_epochs))
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn maintenance_view(&self) -> Result<MaintenanceParamsView, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (height, epoch) = self.head(&overlay).await?;
        let p = maintenance::params(&overlay).await.map_err(internal)?;
        let epoch_length_blocks = self.pow_params().epoch_length_blocks;
        let (earliest_start_epoch, latest_start_epoch) =
            start_range(&p, height, epoch_length_blocks);
        let record = self
            .prove(&guard, height, &StateKey::of::<Params>(&SINGLETON))
            .await?;
        Ok(MaintenanceParamsView {
            height,
            epoch: epoch.get(),
            epoch_length_blocks,
            notice_blocks: p.notice_blocks,
            period_epochs: p.period_epochs,
            epochs_per_period: p.epochs_per_period,
            windows_per_period: p.windows_per_period,
            earliest_start_epoch,
            latest_start_epoch,
            record,
        })
    }

    pub(super) async fn device_maintenance_view(
        &self,
        id: DeviceId,
    ) -> Result<Option<MaintenanceView>, ApiError> {
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        if terrane_devices::handler::device(&overlay, &id)
            .await
            .map_err(internal)?
            .is_none()
        {
            return Ok(None);
        }
        let (height, epoch) = self.head(&overlay).await?;
        let p = maintenance::params(&overlay).await.map_err(internal)?;
        let list = maintenance::windows(&overlay, &id)
            .await
            .map_err(internal)?;
        let windows: Vec<MaintenanceWindowView> = list
            .0
            .iter()
            .map(|w| {
                MaintenanceWindowView::at(w.start.get(), w.epochs, w.declared_at.get(), epoch.get())
            })
            .collect();
        let period = |index: u64| {
            MaintenancePeriodView::count(
                index,
                p.period_epochs,
                p.epochs_per_period,
                p.windows_per_period,
                &windows,
            )
        };
        // `validate` keeps `period_epochs` at least 1.
        let current = epoch.get() / p.period_epochs.max(1);
        let (earliest_start_epoch, latest_start_epoch) =
            start_range(&p, height, self.pow_params().epoch_length_blocks);
        let record = self
            .prove(&guard, height, &StateKey::of::<DeviceWindows>(&id))
            .await?;
        Ok(Some(MaintenanceView {
            device: id.to_string(),
            height,
            epoch: epoch.get(),
            notice_blocks: p.notice_blocks,
            period_epochs: p.period_epochs,
            earliest_start_epoch,
            latest_start_epoch,
            period: period(current),
            next_period: period(current.saturating_add(1)),
            windows,
            record,
        }))
    }
}
