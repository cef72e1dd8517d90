//! What sessions reports to indexers and event streams.

use terrane_credits::types::{Credits, EscrowId};
use terrane_primitives::{Address, DeviceId, Height};

/// A sessions event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionsEvent {
    /// A session opened.
    Opened {
        /// Its id.
        session: EscrowId,
        /// The consumer.
        payer: Address,
        /// The hotspot.
        device: DeviceId,
        /// Credits escrowed.
        deposit: Credits,
        /// Its last height.
        expires: Height,
    },
    /// A receipt was paid.
    ReceiptPaid {
        /// The session.
        session: EscrowId,
        /// The hotspot.
        device: DeviceId,
        /// The receipt's cumulative bytes.
        bytes: u64,
        /// Its nonce.
        nonce: u64,
        /// Credits this receipt paid (the new bytes' worth).
        credits: Credits,
    },
    /// A session closed.
    Closed {
        /// The session.
        session: EscrowId,
        /// Credits paid to the hotspot over its life.
        paid: Credits,
        /// Credits refunded to the payer.
        refunded: Credits,
    },
}
