//! An in-memory store for unit tests, property tests and benchmarks of pure execution.

use crate::{StateError, StateKey, StateRead, Writes};
use std::collections::BTreeMap;

/// A committed key-value map with no authentication.
#[derive(Clone, Debug, Default)]
pub struct MemStore {
    map: BTreeMap<StateKey, Vec<u8>>,
}

impl MemStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies a block's writes, as the node applies them to QMDB.
    pub fn apply(&mut self, writes: Writes) {
        for (key, value) in writes {
            match value {
                Some(v) => {
                    self.map.insert(key, v);
                }
                None => {
                    self.map.remove(&key);
                }
            }
        }
    }

    /// Number of stored keys.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl StateRead for MemStore {
    async fn get_raw(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.map.get(key).cloned())
    }
}
