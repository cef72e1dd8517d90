//! A chain for the executor-level tests: blocks executed in order over an in-memory store,
//! transactions signed with the next nonce and the minimum fee, and every module invariant
//! checked after every block.

use commonware_codec::Encode;
use commonware_cryptography::ed25519;
use futures::executor::block_on;
use std::collections::BTreeMap;
use terrane_app::{
    BlockOutput, Executor, Genesis, Payload, Transaction, invariants::check_all,
    testkit::address_of,
};
use terrane_primitives::{Address, Amount, Height, Nonce, TimestampMs};
use terrane_state::{MemStore, Overlay};

/// The chain.
pub struct TestChain {
    pub exec: Executor,
    pub store: MemStore,
    /// The last executed height.
    pub height: u64,
    nonces: BTreeMap<Address, u64>,
    /// Every account that can hold tokens, for the supply invariant.
    holders: Vec<Address>,
}

impl TestChain {
    /// A chain from `genesis` (validated here) whose token holders are `holders` and the
    /// treasury.
    pub fn new(genesis: Genesis, mut holders: Vec<Address>) -> Self {
        genesis.validate().unwrap();
        holders.push(genesis.treasury().unwrap());
        Self {
            exec: Executor::new(genesis),
            store: MemStore::new(),
            height: 0,
            nonces: BTreeMap::new(),
            holders,
        }
    }

    /// The timestamp of the last executed block, ms.
    pub fn ts(&self) -> u64 {
        1_000_000 + self.height * 1_000
    }

    /// `payload` signed by `signer` with its next nonce and the minimum fee.
    pub fn tx(&mut self, signer: &ed25519::PrivateKey, payload: Payload) -> Vec<u8> {
        let address = address_of(signer);
        let nonce = self.nonces.entry(address).or_default();
        let mut tx = Transaction {
            signer: address,
            nonce: Nonce::new(*nonce),
            fee: Amount::ZERO,
            payload,
        };
        *nonce += 1;
        tx.fee = tx.min_fee(&self.exec.genesis().params.accounts);
        tx.sign(signer, &self.exec.genesis().chain_id())
            .encode()
            .to_vec()
    }

    /// Executes the next block, then checks every module invariant.
    pub fn execute(&mut self, txs: Vec<Vec<u8>>) -> BlockOutput {
        self.height += 1;
        let env = self.exec.block_env(
            Height::new(self.height),
            TimestampMs::new(self.ts()),
            terrane_primitives::sha256(&[&self.height.to_be_bytes()]),
        );
        let mut overlay = Overlay::new(&self.store);
        let out = block_on(self.exec.execute(&mut overlay, &env, &txs)).unwrap();
        let (_, writes) = overlay.into_parts();
        self.store.apply(writes);
        block_on(check_all(&self.state(), self.holders.iter().copied()))
            .unwrap()
            .unwrap_or_else(|v| panic!("block {}: {v}", self.height));
        out
    }

    /// The state after the last block.
    pub fn state(&self) -> Overlay<&MemStore> {
        Overlay::new(&self.store)
    }
}
