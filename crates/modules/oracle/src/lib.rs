//! Price oracle: the chain's TRN/USD price, for burning TRN into data credits at a fixed USD
//! value (`docs/spec/oracle.md`).
//!
//! ```text
//! oracle key k ─ SubmitPrice {price, timestamp} ─▶ latest report of k   (one per key, newer only)
//! price(now) = median of the reports with timestamp ≥ now − max_report_age_ms
//!              refused (too_few_fresh_reports) below min_fresh_reports: never a stale price
//! ```
//!
//! Prices are integers: micro-USD per whole TRN (10^6 base units), so `2_500_000` is $2.50.
//! The oracle keys and the freshness rules are parameters (genesis, later governance).
//!
//! Rooms: [`types`], [`msg`], [`outcome`] (codes 600-699), [`params`], [`genesis`],
//! [`events`], [`state_key`], [`verify`] (the median, pure), [`handler`], [`invariants`].
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod genesis;
pub mod handler;
pub mod invariants;
pub mod msg;
pub mod outcome;
pub mod params;
pub mod state_key;
pub mod types;
pub mod verify;

#[cfg(test)]
mod tests;
