//! H3 cells: the devices located in one, and the density scale its work would earn.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment, parse_cell};
use crate::{ApiError, Backend, CellView};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/cells/{cell}", cell::<B>)]
}

async fn cell<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(cell): Segment,
) -> Result<Json<CellView>, ApiError> {
    // Only the spelling is checked here; the backend rejects an index that is not a cell.
    let cell = parse_cell(&cell, "cell")?;
    state.backend.cell(cell).await.map(Json)
}
