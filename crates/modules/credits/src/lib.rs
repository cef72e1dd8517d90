//! Data credits (DC): the unit consumers pay for services in (`docs/spec/credits.md`).
//!
//! ```text
//! BurnForCredits {to, amount}:  amount TRN burned ─▶ credits(to) += amount × price / (10^6 × µUSD per DC)
//! a service (data session, later storage deal, compute job…):
//!   escrow(payer, service, n)     credits(payer) −= n      escrow.deposit = n
//!   pay(escrow, device, epoch, d) escrow.paid += d ≤ deposit, usage(epoch, device) += d   (DC spent)
//!   release(escrow)               credits(payer) += deposit − paid, the escrow is gone
//! ledger: minted == spent + balances + escrowed        (checked after every block)
//! ```
//!
//! Credits are non-transferable and priced in USD (`micro_usd_per_credit`, 10 = $0.00001 as
//! Helium's), so what a service costs does not move with the token. They can only be bought
//! by burning TRN at the oracle's price (never a stale one) and only spent through an escrow
//! a service module opens: every spend lands in a provider device's per-epoch usage ledger,
//! which rewards pays in TRN at the epoch's close.
//!
//! Rooms: [`types`], [`msg`], [`outcome`] (codes 700-799), [`params`], [`genesis`],
//! [`events`], [`state_key`], [`handler`] (burns and the escrow interface services use),
//! [`invariants`].
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
