//! Events emitted by execution, for indexers and the event stream. Each module owns its event
//! type (its `events.rs` room); this enum only says which module spoke.

use terrane_accounts::events::AccountsEvent;
use terrane_coverage::events::CoverageEvent;
use terrane_credits::events::CreditsEvent;
use terrane_devices::events::DevicesEvent;
use terrane_maintenance::events::MaintenanceEvent;
use terrane_oracle::events::OracleEvent;
use terrane_pow::events::PowEvent;
use terrane_primitives::Hash32;
use terrane_rewards::events::RewardsEvent;
use terrane_sessions::events::SessionsEvent;
use terrane_slashing::events::SlashingEvent;
use terrane_staking::events::StakingEvent;

/// An event from a module, tagged with the transaction that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppEvent {
    /// The transaction, or `None` for block-level events (genesis, epoch ends).
    pub tx: Option<Hash32>,
    /// What happened.
    pub kind: EventKind,
}

/// Module events, one variant per module of the module list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// From the accounts module.
    Accounts(AccountsEvent),
    /// From the device registry.
    Devices(DevicesEvent),
    /// From the proof-of-work framework (one per judged report).
    Pow(PowEvent),
    /// From the coverage class (its epoch close).
    Coverage(CoverageEvent),
    /// From the rewards module (epoch close, claims).
    Rewards(RewardsEvent),
    /// From the price oracle (accepted reports).
    Oracle(OracleEvent),
    /// From data credits (burns, escrows, payments, refunds).
    Credits(CreditsEvent),
    /// From paid data sessions.
    Sessions(SessionsEvent),
    /// From staking (bonds, unbonding, commission, pool rewards).
    Staking(StakingEvent),
    /// From slashing (evidence, appeals, executed slashes).
    Slashing(SlashingEvent),
    /// From maintenance (declared windows).
    Maintenance(MaintenanceEvent),
}
