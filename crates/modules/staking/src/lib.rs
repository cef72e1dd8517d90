//! Staking: TRN at risk behind the devices and validators that earn (`docs/spec/staking.md`).
//!
//! ```text
//! Stake {target, amount}     balance −= amount ─▶ position(signer, target) += amount
//!                            (only the target's operator opens its pool; the operator's own
//!                             position must reach the target's minimum bond)
//! Unstake {target, amount}   position −= amount ─▶ unbonding(signer) += {target, amount, release}
//!                            (still slashable until release = epoch + unbonding_epochs)
//! WithdrawUnbonded {}        every released entry ─▶ balance
//! SetCommission {target, c}  pending until epoch + commission_delay_epochs
//! distribute(target, r)      commission c × r to the operator, the rest pro rata by stake
//!                            (lazy: one reward-per-stake accumulator per pool); flooring
//!                            residue to the treasury when the pool empties
//! Claim {target}             the signer's settled rewards on the target ─▶ balance
//! ```
//!
//! A device or validator is bonded when its operator's own position is at least the minimum
//! its caller passes (devices: the class's minimum); an unbonded device earns nothing. The
//! module reads no other module's tables: the app resolves a target's operator and minimum
//! bond (devices: the owner and the class) and passes them in.
//!
//! Rooms: [`types`], [`msg`], [`outcome`] (codes 1000-1099), [`params`], [`genesis`],
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
