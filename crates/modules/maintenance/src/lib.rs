//! Maintenance windows: an operator says ahead of time which epochs a device will be down
//! (`docs/spec/staking.md`, "Maintenance windows").
//!
//! ```text
//! DeclareMaintenance{device, start, epochs} ─▶ the app checks the signer owns the active
//!     device and settles its reputation up to now ─▶ declare: start's first block at least
//!     notice_blocks ahead, at most one period ahead, no overlap, at most
//!     epochs_per_period epochs and windows_per_period windows in any period
//! inside a window: the framework refuses the device's reports without fault (it earns
//!     nothing), reputation does not decay, and missed-duty evidence for those epochs is
//!     refused ─ a window is rest, not a loophole: nothing is paid for it
//! ```
//! The module reads no other module's tables: the app resolves the device and its owner and
//! hands this module the device id, the block and the epoch length.
//!
//! Rooms: [`types`], [`msg`], [`outcome`] (codes 1200-1299), [`params`], [`genesis`],
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
