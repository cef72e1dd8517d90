//! Store keys and typed tables.

use commonware_codec::{Codec, Encode};
use terrane_primitives::{Hash32, sha256};

/// Domain separator hashed into every store key, versioned so a future layout can coexist.
pub const STATE_KEY_DOMAIN: &[u8] = b"terrane/state/v1";

/// A table's id in [`crate::tables`]: two bytes, big-endian in the store key, so each of 30+
/// modules can own a block of ids.
pub type TableId = u16;

/// A 32-byte key in the authenticated store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateKey(pub Hash32);

impl StateKey {
    /// `SHA-256(STATE_KEY_DOMAIN || table_id u16be || encoded_key)`.
    pub fn derive(table_id: TableId, encoded_key: &[u8]) -> Self {
        Self(sha256(&[
            STATE_KEY_DOMAIN,
            &table_id.to_be_bytes(),
            encoded_key,
        ]))
    }

    /// The store key of `key` in table `T`.
    pub fn of<T: Table>(key: &T::Key) -> Self {
        Self::derive(T::ID, &key.encode())
    }
}

/// A typed table: one kind of record, stored under its own id.
///
/// Table ids are allocated in [`crate::tables`] so two modules can never collide.
pub trait Table {
    /// The table's id, from [`crate::tables`].
    const ID: TableId;
    /// Human-readable name, for docs and debugging.
    const NAME: &'static str;
    /// The record's key; its encoding goes into [`StateKey::derive`].
    type Key: Encode;
    /// The stored value.
    type Value: Codec;
    /// The decoding limits for a stored value.
    fn value_cfg() -> <Self::Value as commonware_codec::Read>::Cfg;
}
