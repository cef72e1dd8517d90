//! A chain for the executor-level tests: blocks executed in order over an in-memory store,
//! transactions signed with the next nonce and the minimum fee, and every module invariant
//! checked after every block.

use commonware_codec::Encode;
use commonware_cryptography::ed25519;
use futures::executor::block_on;
use std::collections::BTreeMap;
use terrane_app::{
    BlockOutput, Executor, Genesis, Payload, Transaction,
    invariants::check_all,
    testkit::{address_of, named_key},
};
use terrane_primitives::{Address, Amount, Height, Nonce, TimestampMs};
use terrane_state::{MemStore, Overlay};

/// Declares `struct $name(TestChain)` dereferencing to the [`TestChain`], so a test file adds
/// its own helpers to its chain while keeping every `TestChain` method.
#[macro_export]
macro_rules! test_chain {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        struct $name(common::TestChain);

        impl core::ops::Deref for $name {
            type Target = common::TestChain;
            fn deref(&self) -> &common::TestChain {
                &self.0
            }
        }

        impl core::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut common::TestChain {
                &mut self.0
            }
        }
    };
}

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

    /// Executes the next block; each transaction's outcome, in order.
    #[allow(dead_code)] // not every test file looks at outcomes one by one
    pub fn outcomes(&mut self, txs: Vec<Vec<u8>>) -> Vec<terrane_app::Outcome> {
        self.execute(txs)
            .txs
            .into_iter()
            .map(|t| t.outcome)
            .collect()
    }

    /// `payload` signed by the named key `signer`, alone in the next block; its outcome.
    #[allow(dead_code)] // not every test file submits by name
    pub fn one(&mut self, signer: &str, payload: Payload) -> terrane_app::Outcome {
        let tx = self.tx(&named_key(signer), payload);
        self.outcomes(vec![tx])[0]
    }

    /// The state after the last block.
    pub fn state(&self) -> Overlay<&MemStore> {
        Overlay::new(&self.store)
    }

    /// The two transactions that register coverage hotspot `device` to `owner` at `cell`
    /// (attested by the test maker key `"maker"`) and bond it with the minimum device bond.
    #[allow(dead_code)] // not every test file registers hotspots
    pub fn register_bonded_hotspot(
        &mut self,
        owner: &ed25519::PrivateKey,
        device: &ed25519::PrivateKey,
        cell: terrane_geo::H3Cell,
    ) -> [Vec<u8>; 2] {
        use terrane_coverage::radio::{Band, capabilities};
        let domains = terrane_devices::msg::Domains::of(&self.exec.genesis().chain_id());
        let msg = terrane_devices::testkit::registration(
            &domains,
            &address_of(owner),
            device,
            capabilities(30, 270, Band::Eu868),
            cell,
            &terrane_devices::testkit::key("maker"),
        );
        let bond = terrane_staking::msg::Stake {
            target: terrane_staking::types::Target::Device(terrane_devices::testkit::id_of(device)),
            amount: Amount::new(self.exec.genesis().params.staking.min_device_bond),
        };
        [
            self.tx(owner, Payload::RegisterDevice(msg)),
            self.tx(owner, Payload::Stake(bond)),
        ]
    }

    /// A coverage report of `device` for `epoch`, signed with its own key for this chain.
    #[allow(dead_code)] // not every test file signs reports
    pub fn coverage_report(
        &self,
        device: &ed25519::PrivateKey,
        epoch: terrane_primitives::Epoch,
        kind: u8,
        payload: Vec<u8>,
    ) -> terrane_pow::types::SignedReport {
        let ns = self
            .exec
            .genesis()
            .chain_id()
            .namespace(terrane_primitives::Namespace::DeviceReport);
        let report = terrane_pow::types::Report {
            device: terrane_devices::testkit::id_of(device),
            epoch,
            class: terrane_coverage::CLASS,
            kind,
            payload,
        };
        terrane_pow::msg::sign(&ns, report, device)
    }
}
