//! Terrane's state machine: transactions, genesis, and block execution over the modules.
//!
//! ```text
//! block (height, timestamp, randomness, raw txs)
//!   └─▶ Executor::execute ─▶ begin_block: [genesis at height 1] · epoch close/open hooks
//!          │                 (modules::for_each_module, in list order)
//!          ├─▶ per tx: envelope (decode, signature, charge) ─▶ Payload::execute: one arm per
//!          │           payload hands the message to its module (tx::payloads!) ─▶ on_event hooks
//!          └─▶ Overlay writes (sorted) + BlockOutput (outcomes, events)
//! ```
//! The module contract is [`module`]; the lists of modules and classes are [`modules`];
//! [`invariants::check_all`] runs every module's invariant checks.
//! It knows nothing of consensus or networking: the node feeds it blocks and stores its writes,
//! and slashing's validator evidence is checked through the
//! [`modules::slashing::VoteEvidence`] trait, which `terrane-votes` implements.
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod execute;
pub mod genesis;
pub mod invariants;
pub mod module;
pub mod modules;
pub mod outcome;
pub mod params;
pub mod query;
pub mod state_key;
pub mod testkit;
pub mod tx;

pub use execute::{BlockOutput, Executor, TxResult};
pub use genesis::Genesis;
pub use outcome::Outcome;
pub use tx::{MAX_TX_BYTES, Payload, SignedTransaction, Transaction};

#[cfg(test)]
mod tests;
