//! What credits reports to indexers and event streams.

use crate::types::{Credits, EscrowId, Service};
use terrane_oracle::types::MicroUsdPerTrn;
use terrane_primitives::{Address, Amount, DeviceId, Epoch};

/// A credits event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreditsEvent {
    /// TRN burned for credits.
    Bought {
        /// Who burned.
        payer: Address,
        /// Who received the credits.
        to: Address,
        /// TRN burned.
        burned: Amount,
        /// The price it burned at.
        price: MicroUsdPerTrn,
        /// Credits minted.
        credits: Credits,
    },
    /// Credits moved from a balance into an escrow.
    Escrowed {
        /// The escrow.
        escrow: EscrowId,
        /// Who paid.
        payer: Address,
        /// For what.
        service: Service,
        /// How much.
        deposit: Credits,
    },
    /// Credits paid from an escrow to a device's usage ledger.
    Paid {
        /// The escrow.
        escrow: EscrowId,
        /// The provider device.
        device: DeviceId,
        /// The epoch the usage counts in.
        epoch: Epoch,
        /// How much.
        credits: Credits,
    },
    /// An escrow closed and its remainder went back to the payer.
    Released {
        /// The escrow.
        escrow: EscrowId,
        /// Who got the refund.
        payer: Address,
        /// How much.
        refunded: Credits,
    },
}
