//! The chain's TRN/USD price, as the oracle module computes it.

use axum::{Json, extract::State};

use super::{AppState, Route};
use crate::{ApiError, Backend, ErrorBody, PriceView};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/price", price::<B>)]
}

/// The chain's TRN/USD price.
///
/// The median of the listed oracles' fresh reports at the latest finalized block
/// (`docs/spec/oracle.md`), or `price: null` when too few are fresh, with every oracle's
/// latest report and whether it counts.
#[utoipa::path(
    get,
    path = "/v1/price",
    tag = "chain",
    operation_id = "getPrice",
    responses(
        (status = 200, description = "The price and its reports.", body = PriceView),
        (status = 503, description = "The node has no finalized state yet.", body = ErrorBody)
    )
)]
async fn price<B: Backend>(State(state): State<AppState<B>>) -> Result<Json<PriceView>, ApiError> {
    state.backend.price().await.map(Json)
}
