//! Proof-of-physical-work framework: signed reports, verifiers, scheduling, reputation, replay
//! protection and the work ledger, shared by every resource class.
//!
//! ```text
//! SubmitReports(bundle from any relay) ─▶ per report:
//!   precheck: signer is the device or its live session key · it speaks for the named
//!             device · signature · device active · epoch not past · never seen before ·
//!             epoch not future · class matches · device not resting in a declared
//!             maintenance window (the first four and the last charge no device)
//!   class Verifier (coverage, …): pure check of (report, device, history, randomness)
//!             ─▶ Valid { units } | Pending | Invalid(code)
//!   record:   report marked seen · outcome in the device's ring · reputation · units into
//!             the epoch's work ledger (per device, with its density cell)
//! epoch end: class closers (e.g. coverage witness selection) credit remaining units, then
//!            the rewards module reads the ledger
//! ```
//! A report counts once, ever: it is tied to one epoch, only the current epoch's reports are
//! accepted, and within the epoch its id is remembered. Rejections are outcomes with stable
//! codes (300-399 here, 400+ per class), stored per device and queryable.
//!
//! Rooms: [`types`], [`msg`], [`outcome`], [`params`], [`genesis`], [`events`],
//! [`state_key`], [`handler`], [`schedule`], [`reputation`], [`invariants`], [`query`].
//! Rules: `docs/spec/proofs.md`.
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod genesis;
pub mod handler;
pub mod invariants;
pub mod msg;
pub mod outcome;
pub mod params;
pub mod query;
pub mod reputation;
pub mod schedule;
pub mod state_key;
pub mod types;

#[cfg(test)]
mod tests;
