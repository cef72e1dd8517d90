//! Accounts module: balances, nonces, the supply ledger, transfers and fees.
//!
//! An account is an ed25519 public key ([`terrane_primitives::Address`]) holding a balance in
//! base units and the nonce its next transaction must carry. The supply ledger records the
//! genesis supply and everything minted and burned since.
//!
//! Invariant (checked after every block in tests, [`invariants::check_supply`]):
//! `sum(balances) + burned == genesis + minted`.
//!
//! Fees are **burned**, not paid to the proposer: Terrane's token economy is burn-and-mint
//! (data credits burn the token, emissions mint it), validators are paid from emissions, and a
//! proposer that cannot earn from fees has no reason to stuff or reorder blocks for them.
//!
//! Rooms: [`types`] (records), [`msg`] (the transfer message), [`outcome`] (reason codes 100-199),
//! [`params`], [`genesis`], [`events`], [`state_key`] (tables), [`handler`] (checks and
//! execution), [`invariants`], [`query`].
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod genesis;
pub mod handler;
pub mod invariants;
pub mod msg;
pub mod outcome;
pub mod params;
pub mod query;
pub mod state_key;
pub mod types;

#[cfg(test)]
mod tests;
