//! Device registry: hardware keys, owners, maker attestations, locations, session keys.
//!
//! A device is an ed25519 key ([`terrane_primitives::DeviceId`]). Registering one takes three
//! signatures: the owner's (the transaction), the device's own (it holds the key and accepts
//! this owner, location and maker), and an approved maker's attestation of its class and
//! capabilities. The onboarding fee is burned. Owners can transfer, re-assert the location
//! (fee burned; the class may react, as coverage pauses rewards for a cooldown), deactivate, and let the device
//! authorize short-lived session keys so cheap hardware need not sign every report with its
//! main key.
//!
//! The registry does not know resource classes: a device's capabilities are its class id and
//! that class's bytes, which the class checks at registration (the caller passes the class's
//! verdict, [`handler::ClassCheck`]).
//!
//! Invariants ([`invariants`]): every stored device has a valid resolution-12 location; a session key maps to a registered device at a generation
//! it has reached. A session key signs only while unexpired and of its device's current
//! session generation, which a transfer bumps: the seller's keys die with the sale.
//! Small-order keys (which anyone can sign for) are refused as device, session and maker keys.
//!
//! Rooms: [`types`], [`msg`], [`outcome`] (codes 200-299), [`params`], [`genesis`], [`events`],
//! [`state_key`], [`handler`], [`invariants`], [`query`]. Rules: `docs/spec/devices.md`.
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod genesis;
pub mod handler;
pub mod index;
pub mod invariants;
pub mod msg;
pub mod outcome;
pub mod params;
pub mod query;
pub mod state_key;
pub mod testkit;
pub mod types;

#[cfg(test)]
mod tests;
