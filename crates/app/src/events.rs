//! Events emitted by execution, for indexers and the event stream.

use terrane_accounts::events::AccountsEvent;
use terrane_primitives::Hash32;

/// An event from a module, tagged with the transaction that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppEvent {
    /// The transaction, or `None` for block-level events (genesis, epoch ends).
    pub tx: Option<Hash32>,
    /// What happened.
    pub kind: EventKind,
}

/// Module events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// From the accounts module.
    Accounts(AccountsEvent),
}
