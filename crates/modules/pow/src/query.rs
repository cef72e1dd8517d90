//! Read-only views for the API.

pub use crate::handler::{cell_workers, device_work, epoch_info, params, recent_outcomes, workers};
