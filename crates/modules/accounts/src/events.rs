//! What the accounts module reports to indexers and event streams.

use terrane_primitives::{Address, Amount};

/// An accounts event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountsEvent {
    /// `amount` moved from `from` to `to`.
    Transferred {
        /// Sender.
        from: Address,
        /// Recipient.
        to: Address,
        /// Amount moved.
        amount: Amount,
    },
    /// `amount` was burned from `from` (fees, onboarding, credits).
    Burned {
        /// Whose balance was reduced.
        from: Address,
        /// Amount burned.
        amount: Amount,
    },
    /// `amount` was minted to `to` (rewards).
    Minted {
        /// Recipient.
        to: Address,
        /// Amount minted.
        amount: Amount,
    },
}
