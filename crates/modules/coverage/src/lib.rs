//! Coverage resource class: beacons, witnesses, radio physics checks, witness selection, units.
//!
//! ```text
//! window of beaconer B (from the epoch randomness):
//!   B transmits a radio beacon carrying a secret nonce
//!   witnesses W who hear it submit: commitment = SHA-256("terrane/beacon/v1" || B || nonce),
//!     RSSI, SNR, frequency, time  ─▶ checked now against B's record: not B, not B's owner,
//!     distance between asserted cells within [min, max], signal no stronger than free-space
//!     loss allows, frequency in B's band, B's beacon not yet revealed
//!   B reveals the nonce (its beacon report) inside its window + grace
//! epoch close:
//!   witnesses whose commitment matches B's revealed beacon, on its frequency and within its
//!   time window, are candidates; above the limit a random-but-fixed subset is selected
//!   (SHA-256 of the epoch-close randomness, the beaconer and the witness: neither arrival
//!   order nor seniority matters); B earns units saturating in the number selected, each
//!   selected witness earns units that shrink as more witnesses share the beacon.
//! ```
//! Commit-reveal is what makes witnessing hard to fake: until B reveals, only radios that heard
//! the beacon know the nonce, and witnesses submitted after the reveal are refused.
//!
//! Coverage is a bounded, decaying subsidy (Helium retired this kind of proof after years of
//! spoofing): its pool is capped per epoch and per cell by the rewards parameters; paid usage
//! is rewarded separately.
//!
//! Rooms: [`radio`] (a device's capabilities), [`types`], [`msg`] (the report payloads), [`outcome`] (codes 400-499), [`params`],
//! [`genesis`], [`events`], [`state_key`], [`verify`] (the pure checks), [`handler`],
//! [`invariants`], [`query`]. Rules:
//! `docs/spec/coverage.md`.
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod genesis;
pub mod handler;
pub mod invariants;
pub mod msg;
pub mod outcome;
pub mod params;
pub mod query;
pub mod radio;
pub mod state_key;
pub mod types;
pub mod verify;

#[cfg(test)]
mod tests;

/// The coverage class's id in device records, reports and reward pools.
pub const CLASS: terrane_primitives::ClassId = terrane_primitives::ClassId::new(0);

/// Report kind of a beacon reveal.
pub const KIND_BEACON: u8 = 0;
/// Report kind of a witness.
pub const KIND_WITNESS: u8 = 1;
