//! `GET /v1/cells/{cell}`: the devices in a cell and its density figures.

use super::*;

pub(super) fn bad_cell(raw: u64) -> ApiError {
    ApiError::malformed(format!("{raw:x} is not an H3 cell index"))
}

impl<E> NodeBackend<E>
where
    E: Spawner + commonware_storage::Context,
{
    pub(super) async fn cell_view(&self, raw: u64) -> Result<CellView, ApiError> {
        let cell = h3o::CellIndex::try_from(raw).map_err(|_| bad_cell(raw))?;
        let guard = self.db.read().await;
        let overlay = Overlay::new(DbReader::<E>(&guard));
        let (devices, truncated) = self.devices_in_cell(&overlay, cell).await?;
        let (_, epoch) = self.head(&overlay).await?;
        let density_res = self.pow_params().density_resolution;
        let res = u8::from(cell.resolution());
        let density_cell = if res > density_res {
            u64::from(
                cell.parent(h3o::Resolution::try_from(density_res).expect("valid resolution"))
                    .expect("finer cells have parents"),
            )
        } else {
            raw
        };
        let working = terrane_pow::handler::cell_workers(&overlay, epoch, density_cell)
            .await
            .map_err(internal)?;
        let last_closed = self
            .density_in_last_close(&overlay, &devices, res, density_res, density_cell)
            .await?;
        Ok(CellView {
            cell: terrane_geo::H3Cell::from_raw(raw).to_string(),
            resolution: res,
            devices: devices.iter().map(summary_view).collect(),
            truncated,
            density_cell: terrane_geo::H3Cell::from_raw(density_cell).to_string(),
            epoch: epoch.get(),
            working_devices: working,
            last_closed,
        })
    }

    /// What the last close's split recorded for the density cell: per class, the counted
    /// devices and scale from the first reward line found among the cell's devices (every
    /// line of one class in one cell carries the same figures).
    pub(super) async fn density_in_last_close(
        &self,
        overlay: &Overlay<DbReader<'_, E>>,
        in_queried: &[Device],
        res: u8,
        density_res: u8,
        density_cell: u64,
    ) -> Result<Option<CellDensityView>, ApiError> {
        let Some(epoch) = terrane_rewards::handler::ledger(overlay)
            .await
            .map_err(internal)?
            .last_closed
        else {
            return Ok(None);
        };
        if res < density_res {
            // A coarser cell spans several density cells, each with its own figures.
            return Ok(None);
        }
        let in_density = if res > density_res {
            let parent =
                h3o::CellIndex::try_from(density_cell).map_err(|_| bad_cell(density_cell))?;
            self.devices_in_cell(overlay, parent).await?.0
        } else {
            in_queried.to_vec()
        };
        let mut by_class: std::collections::BTreeMap<
            terrane_primitives::ClassId,
            CellClassDensityView,
        > = std::collections::BTreeMap::new();
        for d in &in_density {
            let Some(line) = terrane_rewards::handler::line(overlay, epoch, &d.id)
                .await
                .map_err(internal)?
            else {
                continue;
            };
            by_class
                .entry(line.class)
                .or_insert_with(|| CellClassDensityView {
                    class: super::devices::class_label(line.class),
                    cell_devices: line.breakdown.cell_devices,
                    cell_scale_ppm: line.breakdown.cell_scale_ppm,
                });
        }
        if by_class.is_empty() {
            return Ok(None);
        }
        Ok(Some(CellDensityView {
            epoch: epoch.get(),
            classes: by_class.into_values().collect(),
        }))
    }

    /// Devices located inside `cell`, read from the index cells covering it: at most
    /// [`terrane_api::MAX_DEVICE_LIST_LIMIT`] of them and at most
    /// [`super::devices::MAX_SCANNED_SLOTS`] index slots read; `true` when more may exist.
    pub(super) async fn devices_in_cell(
        &self,
        overlay: &Overlay<DbReader<'_, E>>,
        cell: h3o::CellIndex,
    ) -> Result<(Vec<Device>, bool), ApiError> {
        let res = u8::from(cell.resolution());
        let lists = super::devices::index_cells(cell)?
            .into_iter()
            .map(super::devices::IndexList::Cell)
            .collect();
        let page =
            super::devices::read_page(overlay, lists, 0, terrane_api::MAX_DEVICE_LIST_LIMIT, |d| {
                d.location
                    .parent(res)
                    .is_some_and(|p| p.raw() == u64::from(cell))
            })
            .await
            .map_err(internal)?;
        Ok((page.devices, page.next_cursor.is_some()))
    }
}
