//! H3 cells: the devices located in one, and the density scale its work would earn.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment, parse_cell};
use crate::{ApiError, Backend, CellView, ErrorBody, openapi::BackendErrors};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/cells/{cell}", cell::<B>)]
}

/// The devices located in an H3 cell and the density scale of its density cell this epoch.
#[utoipa::path(
    get,
    path = "/v1/cells/{cell}",
    tag = "cells",
    operation_id = "getCell",
    params((
        "cell" = String,
        Path,
        description = "H3 cell index: 15 hex digits starting with 8 (a leading 0 is allowed).",
        format = "h3-cell-input",
        example = json!(crate::openapi::EXAMPLE_CELL)
    )),
    responses(
        (status = 200, description = "The cell.", body = CellView),
        (
            status = 400,
            description = "`cell` is not written as an H3 cell index, not an H3 cell, or too \
                coarse for the node to search (code 7).",
            body = ErrorBody
        ),
        BackendErrors
    )
)]
async fn cell<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(cell): Segment,
) -> Result<Json<CellView>, ApiError> {
    // Only the spelling is checked here; the backend rejects an index that is not a cell.
    let cell = parse_cell(&cell, "cell")?;
    state.backend.cell(cell).await.map(Json)
}
