//! Terrane's state machine: transactions, genesis, and block execution over the modules.
//!
//! ```text
//! block (height, timestamp, randomness, raw txs)
//!   └─▶ Executor::execute ─▶ [genesis at height 1] ─▶ per tx: envelope ─▶ module handler
//!          │                                                    (accounts, …)
//!          └─▶ Overlay writes (sorted) + BlockOutput (outcomes, events)
//! ```
//! It knows nothing of consensus or networking: the node feeds it blocks and stores its writes.
#![deny(clippy::float_arithmetic)]

pub mod events;
pub mod execute;
pub mod genesis;
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
