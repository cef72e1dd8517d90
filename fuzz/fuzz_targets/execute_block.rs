//! Block execution on fuzzed transactions: never panics, conserves supply, and keeps the
//! receipt and replay rules.
//!
//! The input is split into up to 8 transactions. Each starts with a mode byte: mode `% 4 == 0`
//! takes the next `u16be` length's worth of raw bytes (arbitrary, mostly undecodable); any other
//! mode builds a transfer between testkit accounts from the following bytes (signer, recipient,
//! nonce, fee, amount and memo choices, and a signing fault), so execution gets past decoding
//! and signature checks; mode bit 7 then flips one byte of the encoding. The transactions
//! execute as block 1 over a testkit genesis on a `MemStore`, and again as block 2.
//!
//! Checked after each block: `sum(balances) + burned == genesis + minted` over every address
//! the block could have touched; every charged transaction (codes 0, 101-103) has its receipt;
//! execution is deterministic; every transaction charged in block 1 is `duplicate_tx` in block 2.
#![no_main]

use commonware_codec::Encode;
use commonware_cryptography::{Signer as _, ed25519};
use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;
use std::{collections::BTreeSet, sync::OnceLock};
use terrane_accounts::{msg::Transfer, outcome::AccountsRejection, params::AccountsParams};
use terrane_app::{
    BlockOutput, Executor, Genesis, Payload, SignedTransaction, Transaction,
    outcome::EnvelopeRejection,
    query,
    state_key::Receipt,
    testkit::{address_of, min_fee_for, named_key},
};
use terrane_primitives::{
    Address, Amount, ChainId, Epoch, Height, Namespace, Nonce, TimestampMs, sha256,
};
use terrane_state::{BlockEnv, MemStore, Overlay, Writes};

const CHAIN: &str = "terrane-devnet";
const NAMES: [&str; 4] = ["alice", "bob", "carol", "dave"];
const MAX_TXS: usize = 8;

struct Fixture {
    exec: Executor,
    keys: Vec<ed25519::PrivateKey>,
    chain: ChainId,
    namespace: Vec<u8>,
    params: AccountsParams,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let keys: Vec<_> = NAMES.iter().map(|n| named_key(n)).collect();
        let genesis = Genesis::for_tests(
            CHAIN,
            &[
                (address_of(&keys[0]), Amount::new(1_000_000)),
                (address_of(&keys[1]), Amount::new(500_000)),
                (address_of(&keys[2]), Amount::new(6_000)),
            ],
        );
        let chain = ChainId::new(CHAIN).expect("valid chain id");
        Fixture {
            params: genesis.params.accounts,
            exec: Executor::new(genesis),
            namespace: chain.namespace(Namespace::Transaction),
            chain,
            keys,
        }
    })
}

/// Reads the fuzz input front to back; past the end every read is zero.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        let got = self.take(8);
        b[..got.len()].copy_from_slice(got);
        u64::from_be_bytes(b)
    }
}

fn build(input: &mut Input<'_>, f: &Fixture) -> Vec<u8> {
    let mode = input.byte();
    if mode % 4 == 0 {
        let len = usize::from(u16::from_be_bytes([input.byte(), input.byte()]));
        return input.take(len).to_vec();
    }
    let from = &f.keys[usize::from(input.byte()) % f.keys.len()];
    let to = match input.byte() % 5 {
        4 => {
            let mut a = [0u8; 32];
            let got = input.take(32);
            a[..got.len()].copy_from_slice(got);
            Address::new(a)
        }
        i => address_of(&f.keys[usize::from(i)]),
    };
    let nonce = match input.byte() {
        0xff => u64::MAX,
        b => u64::from(b % 4),
    };
    let fee_choice = input.byte() % 4;
    let amount = match input.byte() % 4 {
        0 => u64::from(input.byte()),
        1 => input.u64(),
        2 => 0,
        _ => 1_000_000,
    };
    let memo_len = usize::from(input.byte() % 80);
    let memo = input.take(memo_len).to_vec();
    let fault = input.byte();

    let mut tx = Transaction {
        signer: address_of(from),
        nonce: Nonce::new(nonce),
        fee: Amount::ZERO,
        payload: Payload::Transfer(Transfer {
            to,
            amount: Amount::new(amount),
            memo,
        }),
    };
    let min = min_fee_for(&tx, &f.params).get();
    tx.fee = Amount::new(match fee_choice {
        0 => min,
        1 => min.saturating_sub(1),
        2 => input.u64(),
        _ => min.saturating_add(u64::from(input.byte())),
    });
    let mut signed = tx.sign(from, &f.chain);
    match fault % 8 {
        // Signed for another chain.
        0 => {
            let other = ChainId::new("terrane-other").expect("valid chain id");
            signed.signature = from.sign(
                &other.namespace(Namespace::Transaction),
                &signed.tx.encode(),
            );
        }
        // Signed by another account's key.
        1 => {
            let other = &f.keys[(usize::from(fault >> 3) + 1) % f.keys.len()];
            signed.signature = other.sign(&f.namespace, &signed.tx.encode());
        }
        _ => {}
    }
    let mut bytes = signed.encode().to_vec();
    if mode & 0x80 != 0 && !bytes.is_empty() {
        let at = usize::from(u16::from_be_bytes([input.byte(), input.byte()])) % bytes.len();
        bytes[at] ^= input.byte() | 1;
    }
    bytes
}

fn env(height: u64, seed: &[u8]) -> BlockEnv {
    BlockEnv {
        chain_id: fixture().chain.clone(),
        height: Height::new(height),
        // Heights 1 and 2 are in epoch 0 for every valid epoch length (at least 4 blocks).
        epoch: Epoch::ZERO,
        timestamp: TimestampMs::new(height * 1_000),
        randomness: sha256(&[seed, &height.to_be_bytes()]),
    }
}

fn execute(store: &MemStore, env: &BlockEnv, txs: &[Vec<u8>]) -> (BlockOutput, Writes) {
    let mut overlay = Overlay::new(store);
    let out = block_on(fixture().exec.execute(&mut overlay, env, txs)).expect("memory store");
    let (_, writes) = overlay.into_parts();
    (out, writes)
}

fn charged(code: u16) -> bool {
    code == 0
        || [
            AccountsRejection::InsufficientFunds,
            AccountsRejection::ZeroAmount,
            AccountsRejection::BalanceOverflow,
        ]
        .iter()
        .any(|r| r.code() == code)
}

fn receipt(store: &MemStore, id: &terrane_primitives::Hash32) -> Option<Receipt> {
    block_on(query::receipt(&Overlay::new(store), id)).expect("memory store")
}

fn check_block(store: &MemStore, height: u64, txs: &[Vec<u8>], out: &BlockOutput) {
    assert_eq!(out.txs.len(), txs.len());
    for (i, (raw, result)) in txs.iter().zip(&out.txs).enumerate() {
        assert_eq!(result.index as usize, i);
        let code = result.outcome.0;
        assert!(
            terrane_app::outcome::lookup(code).is_some(),
            "unregistered code {code}"
        );
        match SignedTransaction::decode_bounded(raw) {
            Ok(tx) => assert_eq!(result.id, tx.id()),
            Err(_) => assert_eq!(result.id, sha256(&[raw])),
        }
        let r = receipt(store, &result.id);
        if charged(code) {
            let expected = Receipt {
                height: Height::new(height),
                index: result.index,
                code,
            };
            assert_eq!(
                r,
                Some(expected),
                "charged transaction {i} lacks its receipt"
            );
        } else if code == EnvelopeRejection::DuplicateTx.code() {
            assert!(r.is_some(), "duplicate {i} without an original receipt");
        } else if let Some(r) = r {
            // Another copy of the same id was charged; this one was not.
            assert!(
                r.height != Height::new(height) || r.index != result.index,
                "uncharged transaction {i} got a receipt"
            );
        }
    }
}

fn check_invariants_hold(store: &MemStore, holders: &BTreeSet<Address>) {
    block_on(terrane_app::invariants::check_all(
        &Overlay::new(store),
        holders.iter().copied(),
    ))
    .expect("memory store")
    .unwrap_or_else(|v| panic!("{v}"));
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let mut input = Input(data);
    let mut txs = Vec::new();
    while !input.is_empty() && txs.len() < MAX_TXS {
        txs.push(build(&mut input, f));
    }

    let mut holders: BTreeSet<Address> = f.keys.iter().map(address_of).collect();
    for raw in &txs {
        if let Ok(tx) = SignedTransaction::decode_bounded(raw) {
            holders.insert(tx.tx.signer);
            #[allow(irrefutable_let_patterns)]
            if let Payload::Transfer(t) = &tx.tx.payload {
                holders.insert(t.to);
            }
        }
    }

    // Block 1 (writes the genesis state first), executed twice for determinism.
    let mut store = MemStore::new();
    let env1 = env(1, data);
    let (out1, writes1) = execute(&store, &env1, &txs);
    let (again, writes_again) = execute(&MemStore::new(), &env1, &txs);
    assert_eq!(out1, again, "execution is not deterministic");
    assert_eq!(
        writes1, writes_again,
        "execution writes are not deterministic"
    );
    store.apply(writes1);
    check_block(&store, 1, &txs, &out1);
    check_invariants_hold(&store, &holders);

    // Block 2 replays the same bytes: everything charged in block 1 is a duplicate now.
    let (out2, writes2) = execute(&store, &env(2, data), &txs);
    store.apply(writes2);
    check_block(&store, 2, &txs, &out2);
    for (first, second) in out1.txs.iter().zip(&out2.txs) {
        if charged(first.outcome.0) {
            assert_eq!(second.outcome, EnvelopeRejection::DuplicateTx.into());
        }
    }
    check_invariants_hold(&store, &holders);
});
