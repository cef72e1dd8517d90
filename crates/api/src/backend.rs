//! What the API needs from a node: the [`Backend`] trait.
//!
//! The API crate knows nothing of consensus or state; the node implements this trait over its
//! finalized state, mempool and block store. Handlers are thin: they validate and decode the
//! request, call one method, and serialize the answer.

use tokio::sync::broadcast;

use crate::{
    ApiError,
    devices_types::{
        CellView, DeviceListView, DeviceOutcomesView, DeviceQuery, DeviceRewardsView, DeviceView,
        EpochId, EpochView, RewardProofView, StateProofView,
    },
    maintenance_types::{MaintenanceParamsView, MaintenanceView},
    slash_types::{SlashListView, SlashView, SlashingView},
    stake_types::{StakePoolView, StakePositionView, StakeTarget, StakingView, UnbondingView},
    types::{
        AccountView, BlockId, BlockView, ChainEvent, ClassView, CreditAccountView, CreditsView,
        OutcomeView, PriceView, SessionView, StatusView, TxStatusView, TxSubmitted,
    },
};

/// The node behind the API.
///
/// Every method may be called concurrently from many requests, so none may block the async
/// runtime; slow work belongs in `spawn_blocking` or on the node's own tasks. Answers about
/// chain state are about *finalized* state only, so two honest nodes at the same finalized
/// height give the same answer.
///
/// An `Err` is sent to the client as is, so its status must be honest: 4xx when the request
/// is at fault, 503 when the node cannot answer yet, 500 only for faults inside the node.
pub trait Backend: Send + Sync + 'static {
    /// The node's current view of the chain. Called once per `GET /v1/status`.
    fn status(&self) -> impl Future<Output = Result<StatusView, ApiError>> + Send;

    /// Offers a transaction to the mempool. `tx` is the binary encoded signed transaction,
    /// non-empty and at most [`crate::MAX_BODY_BYTES`]; it has not been decoded or checked.
    ///
    /// `Ok` commits the node to having accepted the transaction into its mempool (and to
    /// gossiping it), and its hash is then reported as `pending` by [`Backend::tx`] until it is
    /// included or evicted. A transaction rejected by stateless or stateful checks returns an
    /// error whose `code` is the outcome code of the rule it broke: 400 for `malformed` and
    /// `bad_signature`, 409 for conflicts (`duplicate_tx`, `replacement_underpriced`,
    /// `nonce_too_low`), 503 when there is no room (`mempool_full`, `account_queue_full`), 413
    /// when too large, 422 for every other rule (`docs/spec/api.md`).
    fn submit_tx(&self, tx: Vec<u8>) -> impl Future<Output = Result<TxSubmitted, ApiError>> + Send;

    /// Where the transaction with this hash is. A hash the node has never seen is not an
    /// error: it returns [`crate::TxStatus::Unknown`].
    fn tx(&self, hash: [u8; 32]) -> impl Future<Output = Result<TxStatusView, ApiError>> + Send;

    /// The receipt record of the transaction with this hash, with a proof against the latest
    /// finalized state root, or `None` if it has no receipt (unknown, pending, or rejected
    /// without being charged) and the client receives 404.
    fn receipt(
        &self,
        hash: [u8; 32],
    ) -> impl Future<Output = Result<Option<StateProofView>, ApiError>> + Send;

    /// The account at this address against the latest finalized state root, with a proof a
    /// light client can check. An address with no record is not an error: it returns a zero
    /// balance, `value: None`, and an exclusion proof.
    fn account(
        &self,
        address: [u8; 32],
    ) -> impl Future<Output = Result<AccountView, ApiError>> + Send;

    /// The finalized block `id`, or `None` if it is not finalized or not stored (the client
    /// receives 404).
    fn block(
        &self,
        id: BlockId,
    ) -> impl Future<Output = Result<Option<BlockView>, ApiError>> + Send;

    /// The device `id` with its record proven, or `None` if not registered (404).
    fn device(
        &self,
        id: [u8; 32],
    ) -> impl Future<Output = Result<Option<DeviceView>, ApiError>> + Send;

    /// Devices matching every given filter (at least one is given).
    fn devices(
        &self,
        query: DeviceQuery,
    ) -> impl Future<Output = Result<DeviceListView, ApiError>> + Send;

    /// The device's recent report outcomes, or `None` if not registered.
    fn device_outcomes(
        &self,
        id: [u8; 32],
    ) -> impl Future<Output = Result<Option<DeviceOutcomesView>, ApiError>> + Send;

    /// The device's reward ledger and recent breakdowns, or `None` if not registered.
    fn device_rewards(
        &self,
        id: [u8; 32],
    ) -> impl Future<Output = Result<Option<DeviceRewardsView>, ApiError>> + Send;

    /// The device's reward line in `epoch` with its Merkle and state proofs, or `None` if it
    /// has no rewarded line there.
    fn reward_proof(
        &self,
        id: [u8; 32],
        epoch: u64,
    ) -> impl Future<Output = Result<Option<RewardProofView>, ApiError>> + Send;

    /// The chain's price at the latest finalized block, with the oracle reports behind it.
    /// No price is not an error: `price` is `null`.
    fn price(&self) -> impl Future<Output = Result<PriceView, ApiError>> + Send;

    /// The credit ledger, the credit's price and what a TRN buys, at the latest finalized
    /// block.
    fn credits(&self) -> impl Future<Output = Result<CreditsView, ApiError>> + Send;

    /// An account's credits with a proof of the balance record, and its open sessions.
    fn credit_account(
        &self,
        address: [u8; 32],
    ) -> impl Future<Output = Result<CreditAccountView, ApiError>> + Send;

    /// An open data session, or `None` if no open session has this id.
    fn session(
        &self,
        id: u64,
    ) -> impl Future<Output = Result<Option<SessionView>, ApiError>> + Send;

    /// The staking books, parameters and validator set at the latest finalized block.
    fn staking(&self) -> impl Future<Output = Result<StakingView, ApiError>> + Send;

    /// `target`'s pool with a proof of its record, or `None` if nothing is staked on it.
    fn stake_pool(
        &self,
        target: StakeTarget,
    ) -> impl Future<Output = Result<Option<StakePoolView>, ApiError>> + Send;

    /// `staker`'s position on `target` (amount 0 when it has none).
    fn stake_position(
        &self,
        target: StakeTarget,
        staker: [u8; 32],
    ) -> impl Future<Output = Result<StakePositionView, ApiError>> + Send;

    /// An account's unbonding entries (none: an empty list).
    fn unbonding(
        &self,
        address: [u8; 32],
    ) -> impl Future<Output = Result<UnbondingView, ApiError>> + Send;

    /// Slashing's parameters, totals and the due lists of the current epoch through
    /// `current + appeal_window_epochs` (at most [`crate::slash_types::MAX_DUE_EPOCHS_SHOWN`]
    /// lists), at the latest finalized block.
    fn slashing(&self) -> impl Future<Output = Result<SlashingView, ApiError>> + Send;

    /// Slash `id` with a proof of its record, or `None` if no slash has this id (the client
    /// receives 404).
    fn slash(&self, id: u64) -> impl Future<Output = Result<Option<SlashView>, ApiError>> + Send;

    /// `target`'s latest slashes, newest first (none, or an unknown target: an empty list).
    fn target_slashes(
        &self,
        target: StakeTarget,
    ) -> impl Future<Output = Result<SlashListView, ApiError>> + Send;

    /// Maintenance's parameters at the latest finalized block, with the proof of their
    /// record and the range of epochs a window declared in the next block may start in.
    fn maintenance(&self) -> impl Future<Output = Result<MaintenanceParamsView, ApiError>> + Send;

    /// Device `id`'s maintenance windows (each `active`, `upcoming` or `past` at the latest
    /// finalized epoch) with the proof of its window list (an exclusion proof when it never
    /// declared one), and what the current and next periods have used and allow; `None` if
    /// no device is registered with this id (the client receives 404).
    fn device_maintenance(
        &self,
        id: [u8; 32],
    ) -> impl Future<Output = Result<Option<MaintenanceView>, ApiError>> + Send;

    /// An epoch, or `None` if it has not started.
    fn epoch(
        &self,
        id: EpochId,
    ) -> impl Future<Output = Result<Option<EpochView>, ApiError>> + Send;

    /// A cell's devices and density. `cell` is a raw H3 index the route has not validated.
    fn cell(&self, cell: u64) -> impl Future<Output = Result<CellView, ApiError>> + Send;

    /// The chain's parameters (genesis `params`, plus chain id and makers), as JSON.
    fn params(&self) -> serde_json::Value;

    /// A new receiver of chain events, called once per `GET /v1/events` connection.
    ///
    /// Events must be sent in chain order (a block's `block` event, then the events the block
    /// caused: its `report_outcome` and `epoch_closed` events, and its `tx_outcome` events by
    /// index) and only for finalized blocks. A receiver that falls behind the
    /// channel's capacity is told how many events it missed; dropping the sender ends every
    /// open stream.
    fn subscribe(&self) -> broadcast::Receiver<ChainEvent>;

    /// The node's metrics in the Prometheus text exposition format (version 0.0.4). Called
    /// once per scrape of `GET /metrics`; must be cheap.
    fn metrics(&self) -> String;

    /// The whole reason-code registry, sorted by code, including the codes the API assigns
    /// itself ([`crate::error::code`]). It is fixed for the lifetime of the process.
    fn outcomes(&self) -> Vec<OutcomeView>;

    /// Every resource class the chain knows: the ones it runs (in its class list's order),
    /// then the reserved ids (in id order). It is fixed for the lifetime of the process.
    fn classes(&self) -> Vec<ClassView>;

    /// The OpenAPI component schemas that type this chain's own data, as `(name, schema)`:
    /// those named `ChainParams` (the `GET /v1/params` answer) and `Capabilities` (a device's
    /// capabilities) replace the document's free-form placeholders, the others are schemas
    /// they refer to. Called once, when the router is built. The default keeps the
    /// placeholders.
    fn component_schemas(&self) -> Vec<(String, serde_json::Value)> {
        Vec::new()
    }
}
