//! Paid data sessions: coverage traffic bought with data credits (`docs/spec/credits.md`).
//!
//! ```text
//! consumer ─ OpenSession {device, deposit, duration} ─▶ escrow(deposit), session = escrow id
//! consumer signs, off chain, as the hotspot delivers:  Receipt {session, bytes so far, nonce}
//! hotspot / any relay ─ SubmitReceipt {latest receipt} ─▶ pay floor(bytes / bytes_per_credit) − paid
//!                                                        to the hotspot's usage ledger
//! CloseSession: the hotspot's owner any time; the consumer after expiry + grace
//!               ─▶ the unpaid deposit goes back to the consumer
//! ```
//!
//! A one-way payment channel: receipts are cumulative, so only the latest matters; a receipt
//! is paid only for bytes above what was already paid (never the same bytes twice), never above
//! the deposit, and only with a nonce above the last one paid (replays and reorderings get a
//! code). The price per byte is frozen at opening, so a parameter change never reprices a
//! session a consumer already signed up for.
//!
//! Rooms: [`types`], [`msg`], [`outcome`] (codes 800-899), [`params`], [`genesis`],
//! [`events`], [`state_key`], [`handler`].
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod genesis;
pub mod handler;
pub mod msg;
pub mod outcome;
pub mod params;
pub mod state_key;
pub mod types;

#[cfg(test)]
mod tests;

/// The resource class whose devices sell data sessions.
pub const SERVICE_CLASS: terrane_primitives::ClassId = terrane_coverage::CLASS;
