//! Terrane state access: typed tables over one authenticated key-value store.
//!
//! ```text
//!  module handler ──get/put──▶ Overlay ──miss──▶ StateRead (QMDB batch in the node,
//!                               │                          MemStore in tests)
//!                               └─ into_writes() ─▶ sorted (key, value) list ─▶ QMDB batch
//! ```
//!
//! Every stored item belongs to a [`Table`]. Its 32-byte store key is
//! `SHA-256("terrane/state/v1" || table_id u16be || encode(key))` ([`StateKey::derive`]), so a third
//! party can compute the key of any record and check a proof of it against a block's state
//! root (`docs/spec/state.md`). Values are the commonware-codec encoding of the table's value
//! type.
//!
//! Modules never see the store. They read through an [`Overlay`], which buffers writes per
//! block and per transaction ([`Overlay::begin_tx`], [`Overlay::commit_tx`],
//! [`Overlay::rollback_tx`]), and hands the block's writes back in key order so every validator
//! feeds the store identical batches.
//!
//! A stored value that fails to decode means this code wrote something it cannot read: that is
//! a broken invariant, and [`Overlay::get`] panics rather than executing on top of it.
//! Likewise a value longer than [`MAX_VALUE_BYTES`] (what the node's database decodes): writing
//! it would leave a store that cannot be reopened, so [`Overlay::put`] panics instead.
#![deny(clippy::float_arithmetic)]

/// Largest encoded value a table may store, bytes. The node's database refuses to decode
/// longer values, so this is consensus-critical.
pub const MAX_VALUE_BYTES: usize = 4 * 1024;

mod env;
mod key;
mod mem;
mod overlay;
pub mod tables;

pub use env::BlockEnv;
pub use key::{StateKey, Table, TableId};
pub use mem::MemStore;
pub use overlay::{Overlay, Writes};

use core::future::Future;

/// A storage or I/O fault while reading state. Never a rejection: a transaction that breaks a
/// rule gets an outcome code, not this.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("state storage fault: {0}")]
pub struct StateError(pub String);

/// Read access to the committed state a block executes on.
///
/// Implementations must return the same bytes on every validator for the same parent state;
/// the node backs this with the parent's QMDB batch.
pub trait StateRead: Send + Sync {
    /// The raw value stored at `key`, or `None` if absent.
    fn get_raw(
        &self,
        key: &StateKey,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, StateError>> + Send;
}

impl<S: StateRead> StateRead for &S {
    fn get_raw(
        &self,
        key: &StateKey,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, StateError>> + Send {
        (**self).get_raw(key)
    }
}
