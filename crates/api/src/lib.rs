//! HTTP JSON API served by every Terrane node, with its OpenAPI 3 document.
//!
//! ```text
//!  HTTP request
//!      │  cors: reads are open to any origin; body limit: MAX_BODY_BYTES
//!      ▼
//!  routes::table ── no route ────────────────► 404 / 405 ErrorBody
//!      │  one file per endpoint group (chain, txs, accounts, devices, epochs, cells,
//!      │  params, price, credits, staking, slashing, maintenance, outcomes, events, meta)
//!      ▼
//!  handler: decode path, query, body ── bad ──► 400 / 413 / 415 ErrorBody
//!      │
//!      ▼
//!  Backend (implemented by the node) ── Err ──► ApiError status + ErrorBody
//!      │
//!      ▼
//!  JSON view (types.rs, devices_types.rs, stake_types.rs, slash_types.rs,
//!  maintenance_types.rs), an SSE stream, or Prometheus text
//! ```
//!
//! The route table is the single list of what is served: [`router`] is built from it, and
//! [`endpoints`] lists it so tests can check it against [`openapi::document`], which is
//! served at `GET /v1/openapi.json`. The document is derived with `utoipa` from the code: each
//! handler's `#[utoipa::path]` attribute (path, parameters, examples, every status it answers)
//! and each body type's `ToSchema` derive, with the connection layer's refusals added to every
//! operation in `openapi.rs`. Adding an endpoint group is one new file in `routes/`, its
//! handlers annotated, plus their names in the `paths(...)` list of `openapi.rs`.
//!
//! No client input can make a handler panic or answer 5xx; a 5xx only ever comes from the
//! [`Backend`].

pub mod backend;
mod cors;
mod devices_types;
pub mod error;
pub mod hex;
pub mod maintenance_types;
pub mod openapi;
mod routes;
pub mod server;
pub mod slash_types;
pub mod stake_types;
pub mod types;

use std::sync::Arc;

use axum::{Router, http::Method};
use tokio::sync::watch;

pub use crate::{
    backend::Backend,
    devices_types::{
        CellClassDensityView, CellDensityView, CellView, DeviceListView, DeviceOutcomesView,
        DeviceQuery, DeviceRewardsView, DeviceSummaryView, DeviceView, EconomyView, EpochId,
        EpochSummaryView, EpochView, ProofStepView, ReportOutcomeView, RewardLedgerView,
        RewardLineView, RewardProofView, StateProofView,
    },
    error::{ApiError, ErrorBody},
    maintenance_types::{
        MaintenanceParamsView, MaintenancePeriodView, MaintenanceView, MaintenanceWindowView,
    },
    server::{ServerLimits, ServerStats, serve, serve_with},
    slash_types::{
        DueSlashesView, EvidenceView, SlashListView, SlashSummaryView, SlashView,
        SlashingParamsView, SlashingView,
    },
    stake_types::{
        StakePoolView, StakePositionView, StakeTarget, StakingView, UnbondingEntryView,
        UnbondingView, ValidatorStakeView,
    },
    types::{
        AccountView, BlockId, BlockView, ChainEvent, ClassView, CreditAccountView, CreditsView,
        OracleReportView, OutcomeView, PriceView, ReportKindView, SessionView, StatusView,
        StreamLagged, SubmitTxRequest, TxInBlock, TxStatus, TxStatusView, TxSubmitted,
    },
};

/// Largest request body accepted, in bytes. A larger `POST /v1/tx` is rejected with 413 and
/// [`error::code::TX_TOO_LARGE`]; hex bodies therefore carry at most half as many tx bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Devices `GET /v1/devices` returns when the request gives no `limit`.
pub const DEFAULT_DEVICE_LIST_LIMIT: u32 = 100;

/// Largest `limit` `GET /v1/devices` accepts; a larger one is a 400 rather than silently
/// clamped, so a client never mistakes a truncated page for the whole list.
pub const MAX_DEVICE_LIST_LIMIT: u32 = 1000;

/// The resource class names of the chain as built today (the coverage class and the ids it
/// reserves for storage, compute, energy and sensing), for the document's examples. The API
/// does not restrict `class` to these: which classes a chain runs is the chain's answer.
pub const DEVICE_CLASSES: [&str; 5] = ["coverage", "storage", "compute", "energy", "sensing"];

/// Longest class name a `class` filter may carry.
pub const MAX_CLASS_NAME_BYTES: usize = 32;

/// One (method, path) the router serves. Paths use the OpenAPI template syntax
/// (`/v1/tx/{hash}`), which is also axum's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// HTTP method; `HEAD` is also answered for every `GET`.
    pub method: Method,
    /// Path template.
    pub path: &'static str,
}

/// Every endpoint [`router`] serves for backend type `B`, in table order.
pub fn endpoints<B: Backend>() -> Vec<Endpoint> {
    routes::table::<B>()
        .iter()
        .map(routes::Route::endpoint)
        .collect()
}

/// The API as an axum router, ready to serve. Open event streams end only when the client
/// disconnects or the backend drops its event sender; use [`serve`] to also end them on
/// shutdown.
pub fn router<B: Backend>(backend: Arc<B>) -> Router {
    // The sender is dropped at once: a router without `serve` never signals closing, and the
    // event stream treats a dropped sender as "never".
    let (_, closing) = watch::channel(false);
    routes::build(backend, closing)
}
