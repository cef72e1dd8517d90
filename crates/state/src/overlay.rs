//! Buffered writes over a committed store, with transaction scopes.

use crate::{StateError, StateKey, StateRead, Table};
use commonware_codec::{Decode, Encode};
use std::collections::BTreeMap;

/// A block's writes in key order: `Some(value)` upserts, `None` deletes.
pub type Writes = Vec<(StateKey, Option<Vec<u8>>)>;

/// Writes of one block, layered over the parent state.
///
/// Reads see, in order: the open transaction's writes, the block's committed writes, the
/// base store. A transaction that is rejected after it wrote is rolled back whole.
pub struct Overlay<S> {
    base: S,
    block: BTreeMap<StateKey, Option<Vec<u8>>>,
    tx: Option<BTreeMap<StateKey, Option<Vec<u8>>>>,
}

impl<S: StateRead> Overlay<S> {
    /// An empty overlay over `base`.
    pub fn new(base: S) -> Self {
        Self {
            base,
            block: BTreeMap::new(),
            tx: None,
        }
    }

    /// Opens a transaction scope.
    ///
    /// # Panics
    /// If a scope is already open: scopes do not nest, and a second open is a bug.
    pub fn begin_tx(&mut self) {
        assert!(self.tx.is_none(), "transaction scope already open");
        self.tx = Some(BTreeMap::new());
    }

    /// Keeps the open transaction's writes.
    pub fn commit_tx(&mut self) {
        let tx = self.tx.take().expect("no transaction scope open");
        self.block.extend(tx);
    }

    /// Discards the open transaction's writes.
    pub fn rollback_tx(&mut self) {
        self.tx.take().expect("no transaction scope open");
    }

    /// Raw read through the layers.
    pub async fn get_raw(&self, key: &StateKey) -> Result<Option<Vec<u8>>, StateError> {
        if let Some(v) = self.tx.as_ref().and_then(|tx| tx.get(key)) {
            return Ok(v.clone());
        }
        if let Some(v) = self.block.get(key) {
            return Ok(v.clone());
        }
        self.base.get_raw(key).await
    }

    /// Typed read of `key` in table `T`.
    ///
    /// # Panics
    /// If the stored bytes do not decode as `T::Value`: execution wrote them, so this is a
    /// broken invariant, not bad input.
    pub async fn get<T: Table>(&self, key: &T::Key) -> Result<Option<T::Value>, StateError> {
        let Some(raw) = self.get_raw(&StateKey::of::<T>(key)).await? else {
            return Ok(None);
        };
        match T::Value::decode_cfg(raw, &T::value_cfg()) {
            Ok(v) => Ok(Some(v)),
            Err(e) => panic!("stored {} value does not decode: {e}", T::NAME),
        }
    }

    /// Typed write.
    ///
    /// # Panics
    /// If the encoded value is longer than [`crate::MAX_VALUE_BYTES`]: every table's values
    /// are bounded by construction, so that is a bug, and storing it would corrupt the store.
    pub fn put<T: Table>(&mut self, key: &T::Key, value: &T::Value) {
        let bytes = value.encode().to_vec();
        assert!(
            bytes.len() <= crate::MAX_VALUE_BYTES,
            "table {} ({:#06x}) value of {} bytes exceeds the {}-byte limit",
            T::NAME,
            T::ID,
            bytes.len(),
            crate::MAX_VALUE_BYTES
        );
        self.put_raw(StateKey::of::<T>(key), Some(bytes));
    }

    /// Typed delete.
    pub fn delete<T: Table>(&mut self, key: &T::Key) {
        self.put_raw(StateKey::of::<T>(key), None);
    }

    fn put_raw(&mut self, key: StateKey, value: Option<Vec<u8>>) {
        match self.tx.as_mut() {
            Some(tx) => tx.insert(key, value),
            None => self.block.insert(key, value),
        };
    }

    /// Number of keys written so far in this block (committed scopes only).
    pub fn pending_writes(&self) -> usize {
        self.block.len()
    }

    /// The base store and the block's writes in key order.
    ///
    /// # Panics
    /// If a transaction scope is still open.
    pub fn into_parts(self) -> (S, Writes) {
        assert!(
            self.tx.is_none(),
            "transaction scope left open at end of block"
        );
        (self.base, self.block.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemStore;
    use commonware_codec::RangeCfg;
    use futures::executor::block_on;

    struct Notes;
    impl Table for Notes {
        const ID: crate::TableId = 0xfe;
        const NAME: &'static str = "notes";
        type Key = u64;
        type Value = Vec<u8>;
        fn value_cfg() -> (RangeCfg<usize>, ()) {
            ((0..=64).into(), ())
        }
    }

    #[test]
    #[should_panic(expected = "exceeds the 4096-byte limit")]
    fn writing_a_value_the_database_could_not_read_back_is_a_crash_not_corruption() {
        let mut o = Overlay::new(MemStore::new());
        o.put::<Notes>(&1, &vec![0; crate::MAX_VALUE_BYTES + 1]);
    }

    #[test]
    fn rolled_back_transaction_leaves_no_trace() {
        block_on(async {
            let mut o = Overlay::new(MemStore::new());
            o.begin_tx();
            o.put::<Notes>(&1, &b"kept".to_vec());
            o.commit_tx();
            o.begin_tx();
            o.put::<Notes>(&2, &b"dropped".to_vec());
            assert!(o.get::<Notes>(&2).await.unwrap().is_some());
            o.rollback_tx();
            assert_eq!(o.get::<Notes>(&1).await.unwrap(), Some(b"kept".to_vec()));
            assert_eq!(o.get::<Notes>(&2).await.unwrap(), None);
            let (_, writes) = o.into_parts();
            assert_eq!(writes.len(), 1);
        });
    }

    #[test]
    fn writes_come_out_sorted_by_key_whatever_the_write_order() {
        let mut a = Overlay::new(MemStore::new());
        let mut b = Overlay::new(MemStore::new());
        for i in 0..50u64 {
            a.put::<Notes>(&i, &vec![1]);
            b.put::<Notes>(&(49 - i), &vec![1]);
        }
        let (_, wa) = a.into_parts();
        let (_, wb) = b.into_parts();
        assert_eq!(wa, wb);
        assert!(wa.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn delete_shadows_the_base_store() {
        block_on(async {
            let mut base = MemStore::new();
            let mut o = Overlay::new(MemStore::new());
            o.put::<Notes>(&7, &vec![9]);
            base.apply(o.into_parts().1);
            let mut o = Overlay::new(base);
            assert!(o.get::<Notes>(&7).await.unwrap().is_some());
            o.delete::<Notes>(&7);
            assert!(o.get::<Notes>(&7).await.unwrap().is_none());
        });
    }
}
