//! What the maintenance routes return (`docs/spec/staking.md`, "Maintenance windows"): a
//! device's declared windows with the proof of its window list and what its periods still
//! allow, and the module's parameters with the proof of their record.
//!
//! The rationing figures are derived from the proven list and the parameters exactly as the
//! chain counts them when it judges a declaration, so an operator can see before signing
//! whether a window fits.

use serde::{Deserialize, Serialize};
use utoipa::{
    ToSchema,
    openapi::{Object, ObjectBuilder, schema::Type},
};

use crate::StateProofView;

/// The values of [`MaintenanceWindowView::status`].
pub const WINDOW_STATUSES: [&str; 3] = ["active", "upcoming", "past"];

fn window_status_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(WINDOW_STATUSES))
        .description(Some(
            "Relative to `epoch`: `active` (the window covers it: the device rests now), \
             `upcoming` (it starts later) or `past` (it ended).",
        ))
        .build()
}

/// A device's maintenance windows and its allowance, at the latest finalized block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MaintenanceView {
    /// The device.
    #[schema(format = "hex32")]
    pub device: String,
    /// Finalized height read.
    pub height: u64,
    /// The epoch at `height`: what each window's `status` is relative to.
    pub epoch: u64,
    /// Blocks a window's first block must be ahead of the declaring block, at least.
    pub notice_blocks: u64,
    /// Epochs of a rationing period; period `k` is epochs `[k * period_epochs, (k + 1) *
    /// period_epochs)`.
    pub period_epochs: u64,
    /// The first epoch a window declared in the block after `height` may start at (its first
    /// block, `start * epoch_length_blocks`, at least `notice_blocks` after the declaring
    /// block). A declaration that lands later needs a later start.
    pub earliest_start_epoch: u64,
    /// The last epoch a window declared in the block after `height` may start at: one period
    /// after that block's epoch.
    pub latest_start_epoch: u64,
    /// The windows on record, by start, never overlapping. Windows that ended before the
    /// previous period began are dropped when the next one is declared, so a list may still
    /// show older `past` ones.
    pub windows: Vec<MaintenanceWindowView>,
    /// What the current period (the one holding `epoch`) has used and allows.
    pub period: MaintenancePeriodView,
    /// The same for the next period, which a window may start in or reach into.
    pub next_period: MaintenancePeriodView,
    /// The device's window list record (table `maintenance_windows`) with its proof: `value`
    /// is null, with an exclusion proof, when the device never declared a window.
    pub record: StateProofView,
}

/// One declared window: epochs `[start, end)` of rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MaintenanceWindowView {
    /// The first epoch.
    pub start: u64,
    /// Epochs it lasts (at least 1).
    pub epochs: u32,
    /// The first epoch after it: `start + epochs`.
    pub end: u64,
    /// The height of the block that declared it.
    pub declared_at: u64,
    /// Whether it is under way, to come or over.
    #[schema(schema_with = window_status_schema)]
    pub status: String,
}

/// A period's rationing: used against allowed, as the chain counts it for a declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MaintenancePeriodView {
    /// The period's number `k`.
    pub index: u64,
    /// Its first epoch, `k * period_epochs`.
    pub first_epoch: u64,
    /// The first epoch after it.
    pub end_epoch: u64,
    /// Epochs of the device's windows inside the period (a window crossing a period boundary
    /// counts its epochs on each side).
    pub epochs_used: u64,
    /// Epochs of rest the period allows (`epochs_per_period`; 0: maintenance is off).
    pub epochs_allowed: u32,
    /// The device's windows that start in the period.
    pub windows_used: u32,
    /// Windows that may start in it (`windows_per_period`).
    pub windows_allowed: u32,
}

/// The maintenance parameters at the latest finalized block, with the proof of their record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MaintenanceParamsView {
    /// Finalized height read.
    pub height: u64,
    /// The epoch at `height`.
    pub epoch: u64,
    /// Blocks per epoch (`pow.epoch_length_blocks`): epoch `e`'s first block is counted as
    /// `e * epoch_length_blocks` when the notice is checked.
    pub epoch_length_blocks: u64,
    /// Blocks between the declaring block and the window's first block, at least.
    pub notice_blocks: u64,
    /// Epochs of a rationing period (about a year).
    pub period_epochs: u64,
    /// Epochs of maintenance a device may have in one period (0: maintenance is off).
    pub epochs_per_period: u32,
    /// Windows that may start in one period.
    pub windows_per_period: u32,
    /// The first epoch a window declared in the block after `height` may start at.
    pub earliest_start_epoch: u64,
    /// The last epoch a window declared in the block after `height` may start at.
    pub latest_start_epoch: u64,
    /// The parameters' record (table `maintenance_params`, key 0) with its proof.
    pub record: StateProofView,
}

impl MaintenanceWindowView {
    /// The window `[start, start + epochs)` declared in block `declared_at`, as it stands in
    /// `epoch`.
    ///
    /// # Panics
    /// If `start + epochs` overflows: the chain keeps every window within a period of the
    /// epoch that declared it.
    pub fn at(start: u64, epochs: u32, declared_at: u64, epoch: u64) -> Self {
        let end = start
            .checked_add(u64::from(epochs))
            .expect("a window ends within a period of its declaration");
        let status = if epoch < start {
            "upcoming"
        } else if epoch < end {
            "active"
        } else {
            "past"
        };
        Self {
            start,
            epochs,
            end,
            declared_at,
            status: status.to_owned(),
        }
    }

    /// How many epochs of `[from, to)` it covers.
    fn overlap(&self, from: u64, to: u64) -> u64 {
        to.min(self.end).saturating_sub(from.max(self.start))
    }
}

impl MaintenancePeriodView {
    /// Period `index` of `period_epochs` epochs, allowing `epochs_allowed` epochs in
    /// `windows_allowed` windows, and what `windows` use of it: the epochs they cover inside
    /// it and how many start in it, the counts the chain compares with the allowance when it
    /// judges a declaration.
    pub fn count(
        index: u64,
        period_epochs: u64,
        epochs_allowed: u32,
        windows_allowed: u32,
        windows: &[MaintenanceWindowView],
    ) -> Self {
        // Saturating: only a period at the end of the u64 epoch range could overflow, and it
        // then ends there.
        let first_epoch = index.saturating_mul(period_epochs);
        let end_epoch = first_epoch.saturating_add(period_epochs);
        let epochs_used = windows
            .iter()
            .map(|w| w.overlap(first_epoch, end_epoch))
            .sum();
        let started = windows
            .iter()
            .filter(|w| (first_epoch..end_epoch).contains(&w.start))
            .count();
        Self {
            index,
            first_epoch,
            end_epoch,
            epochs_used,
            epochs_allowed,
            // A list holds at most four periods of windows (at most 256).
            windows_used: u32::try_from(started).unwrap_or(u32::MAX),
            windows_allowed,
        }
    }
}
