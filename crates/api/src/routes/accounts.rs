//! Accounts, with proofs against the finalized state root.

use axum::{Json, extract::State};

use super::{AppState, Route, Segment, parse_hex32};
use crate::{AccountView, ApiError, Backend};

pub(super) fn routes<B: Backend>() -> Vec<Route<B>> {
    vec![Route::get("/v1/accounts/{address}", account::<B>)]
}

async fn account<B: Backend>(
    State(state): State<AppState<B>>,
    Segment(address): Segment,
) -> Result<Json<AccountView>, ApiError> {
    let address = parse_hex32(&address, "address")?;
    state.backend.account(address).await.map(Json)
}
