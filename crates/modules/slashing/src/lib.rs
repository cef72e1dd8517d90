//! Slashing: stake taken on evidence the chain itself can check (`docs/spec/staking.md`,
//! "Slashing").
//!
//! ```text
//! SubmitEvidence{evidence} ─▶ the app checks it proves the offence (signatures, the chain's
//!                             own records; a validator's conflicting consensus votes
//!                             against the genesis validator set) ─▶ submit: one slash per
//!                             offence, Pending,
//!                             due at the close of epoch + appeal_window_epochs
//! Appeal{slash, counter}   ─▶ the target's operator, inside the window, for a rule that
//!                             admits a counter-proof (missed duties: the valid report the
//!                             evidence claims is missing) ─▶ the epoch no longer counts;
//!                             below the threshold the slash is Voided
//! close of the due epoch   ─▶ staking::slash(target, fraction) cuts bonded and unbonding
//!                             stake by share ─▶ bounty_bps to the reporter, the rest burned
//!                             ─▶ Executed (or Lapsed when nothing is staked any more)
//! ```
//! The module reads no other module's tables and knows nothing of consensus: the app
//! resolves what the evidence is worth (a [`handler::Finding`]) and the operator of a
//! target, and passes them in; validator evidence is opaque vote bytes here.
//!
//! Rooms: [`types`], [`msg`], [`outcome`] (codes 1100-1199), [`params`], [`genesis`],
//! [`events`], [`state_key`], [`handler`], [`invariants`].
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

#[cfg(test)]
mod tests;
