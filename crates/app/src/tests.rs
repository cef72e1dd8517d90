//! Execution tests: envelope rules, decoding limits, and the workload/auditor property test.

use crate::{
    Executor, Genesis, Outcome,
    outcome::EnvelopeRejection,
    query,
    testkit::{address_of, named_key, transfer},
    tx::{MAX_TX_BYTES, Payload, SignedTransaction, Transaction},
};
use commonware_codec::Encode;
use commonware_cryptography::ed25519;
use futures::executor::block_on;
use proptest::prelude::*;
use std::collections::BTreeMap;
use terrane_accounts::{
    handler, msg::Transfer, outcome::AccountsRejection, params::AccountsParams,
};
use terrane_primitives::{Address, Amount, ChainId, Height, Nonce, TimestampMs};
use terrane_state::{BlockEnv, MemStore, Overlay};

const CHAIN: &str = "test-chain";
const NAMES: [&str; 4] = ["alice", "bob", "carol", "dave"];

fn chain() -> ChainId {
    ChainId::new(CHAIN).unwrap()
}

fn params() -> AccountsParams {
    AccountsParams::default()
}

fn treasury() -> Address {
    genesis().treasury().unwrap()
}

fn genesis() -> Genesis {
    Genesis::for_tests(
        CHAIN,
        &[
            (address_of(&named_key("alice")), Amount::new(10_000_000)),
            (address_of(&named_key("bob")), Amount::new(500_000)),
            (address_of(&named_key("carol")), Amount::new(6_000)),
        ],
    )
}

fn env(height: u64) -> BlockEnv {
    Executor::new(genesis()).block_env(
        Height::new(height),
        TimestampMs::new(height * 1000),
        terrane_primitives::sha256(&[&height.to_be_bytes()]),
    )
}

/// Executes blocks on a MemStore, asserting every module invariant after each.
struct Chain {
    exec: Executor,
    store: MemStore,
    height: u64,
}

impl Chain {
    fn new() -> Self {
        Self {
            exec: Executor::new(genesis()),
            store: MemStore::new(),
            height: 0,
        }
    }

    fn block(&mut self, txs: Vec<Vec<u8>>) -> Vec<Outcome> {
        self.height += 1;
        let mut overlay = Overlay::new(&self.store);
        let out = block_on(self.exec.execute(&mut overlay, &env(self.height), &txs)).unwrap();
        let (_, writes) = overlay.into_parts();
        self.store.apply(writes);
        let holders = NAMES
            .iter()
            .map(|n| address_of(&named_key(n)))
            .chain([treasury()]);
        let state = Overlay::new(&self.store);
        block_on(crate::invariants::check_all(&state, holders))
            .unwrap()
            .unwrap();
        out.txs.iter().map(|t| t.outcome).collect()
    }

    fn balance(&self, name: &str) -> u64 {
        let o = Overlay::new(&self.store);
        block_on(handler::account(&o, &address_of(&named_key(name))))
            .unwrap()
            .balance
            .get()
    }
}

fn send(from: &str, nonce: u64, to: &str, amount: u64) -> SignedTransaction {
    transfer(
        &chain(),
        &params(),
        &named_key(from),
        Nonce::new(nonce),
        address_of(&named_key(to)),
        Amount::new(amount),
    )
}

#[test]
fn first_block_applies_genesis_then_transfers() {
    let mut c = Chain::new();
    let tx = send("alice", 0, "dave", 1_000);
    let fee = tx.tx.fee.get();
    assert_eq!(c.block(vec![tx.encode().to_vec()]), vec![Outcome::OK]);
    assert_eq!(c.balance("dave"), 1_000);
    assert_eq!(c.balance("alice"), 10_000_000 - 1_000 - fee);
}

#[test]
fn rejects_signature_from_another_key() {
    let mut c = Chain::new();
    let mut tx = send("alice", 0, "bob", 1);
    tx.signature = send("bob", 0, "alice", 1).signature;
    assert_eq!(
        c.block(vec![tx.encode().to_vec()]),
        vec![EnvelopeRejection::BadSignature.into()]
    );
}

/// The all-zero key is a small-order point: under ZIP-215 the signature with `R` = identity
/// and `S = 0` verifies for it on any message, so anyone could spend what it holds.
#[test]
fn a_small_order_signer_is_refused_although_its_forged_signature_verifies() {
    let weak = Address::new([0; 32]);
    let g = Genesis::for_tests(CHAIN, &[(weak, Amount::new(1_000_000))]);
    let exec = Executor::new(g);
    let store = MemStore::new();
    let mut tx = Transaction {
        signer: weak,
        nonce: Nonce::ZERO,
        fee: Amount::ZERO,
        payload: Payload::Transfer(Transfer {
            to: address_of(&named_key("dave")),
            amount: Amount::new(500_000),
            memo: Vec::new(),
        }),
    };
    tx.fee = tx.min_fee(&params());
    let mut forged = [0u8; 64];
    forged[0] = 1;
    let signature = <ed25519::Signature as commonware_codec::DecodeExt<()>>::decode(
        bytes::Bytes::copy_from_slice(&forged),
    )
    .unwrap();
    let weak_key = <ed25519::PublicKey as commonware_codec::DecodeExt<()>>::decode(
        bytes::Bytes::copy_from_slice(&[0u8; 32]),
    )
    .unwrap();
    let ns = chain().namespace(terrane_primitives::Namespace::Transaction);
    assert!(
        commonware_cryptography::Verifier::verify(&weak_key, &ns, &tx.encode(), &signature),
        "the forgery is valid ed25519 (ZIP-215)"
    );
    let signed = SignedTransaction { tx, signature };
    let mut overlay = Overlay::new(&store);
    let out = block_on(exec.execute(&mut overlay, &env(1), &[signed.encode().to_vec()])).unwrap();
    assert_eq!(out.txs[0].outcome, EnvelopeRejection::BadSignature.into());
    let balance = block_on(handler::account(&overlay, &weak)).unwrap().balance;
    assert_eq!(balance, Amount::new(1_000_000));
}

#[test]
fn genesis_refuses_a_treasury_or_maker_anyone_could_sign_for() {
    let mut g = genesis();
    g.treasury = "00".repeat(32);
    assert!(matches!(
        g.validate(),
        Err(crate::genesis::GenesisError::BadAddress(_))
    ));
    let mut g = genesis();
    g.makers = vec!["00".repeat(32)];
    assert!(matches!(
        g.validate(),
        Err(crate::genesis::GenesisError::BadAddress(_))
    ));
    assert!(
        genesis().validate().is_ok(),
        "the default treasury is keyless but not weak"
    );
}

#[test]
fn genesis_refuses_an_address_written_in_a_non_canonical_form() {
    for form in [str::to_uppercase, |s: &str| format!("0x{s}")] {
        let mut g = genesis();
        g.allocations[0].address = form(&g.allocations[0].address);
        assert!(matches!(
            g.validate(),
            Err(crate::genesis::GenesisError::NonCanonicalAddress(_))
        ));
    }
}

#[test]
fn rejects_transaction_signed_for_another_chain() {
    let mut c = Chain::new();
    let other = ChainId::new("other-chain").unwrap();
    let tx = transfer(
        &other,
        &params(),
        &named_key("alice"),
        Nonce::new(0),
        address_of(&named_key("bob")),
        Amount::new(5),
    );
    assert_eq!(
        c.block(vec![tx.encode().to_vec()]),
        vec![EnvelopeRejection::BadSignature.into()]
    );
}

#[test]
fn replayed_transaction_is_reported_duplicate_and_keeps_its_receipt() {
    let mut c = Chain::new();
    let tx = send("alice", 0, "bob", 7).encode().to_vec();
    assert_eq!(c.block(vec![tx.clone()]), vec![Outcome::OK]);
    assert_eq!(
        c.block(vec![tx.clone()]),
        vec![EnvelopeRejection::DuplicateTx.into()]
    );
    let id = SignedTransaction::decode_bounded(&tx).unwrap().id();
    let receipt = block_on(query::receipt(&Overlay::new(&c.store), &id))
        .unwrap()
        .unwrap();
    assert_eq!(receipt.height, Height::new(1));
    assert_eq!(receipt.code, 0);
}

#[test]
fn rejected_payload_still_burns_fee_and_consumes_nonce() {
    let mut c = Chain::new();
    let tx = send("carol", 0, "bob", 3_600);
    let fee = tx.tx.fee.get();
    assert!(
        fee + 3_600 > 6_000,
        "test needs the amount to exceed balance after fee"
    );
    assert_eq!(
        c.block(vec![tx.encode().to_vec()]),
        vec![AccountsRejection::InsufficientFunds.into()]
    );
    assert_eq!(c.balance("carol"), 6_000 - fee);
    let next = send("carol", 1, "bob", 1);
    assert_eq!(c.block(vec![next.encode().to_vec()]), vec![Outcome::OK]);
}

#[test]
fn block_with_bad_transactions_still_executes_the_good_ones() {
    let mut c = Chain::new();
    let good = send("alice", 0, "bob", 10).encode().to_vec();
    let truncated = good[..good.len() - 1].to_vec();
    let good2 = send("alice", 1, "carol", 10).encode().to_vec();
    let outcomes = c.block(vec![truncated, good, vec![0xff; 10], good2]);
    assert_eq!(
        outcomes,
        vec![
            EnvelopeRejection::Malformed.into(),
            Outcome::OK,
            EnvelopeRejection::Malformed.into(),
            Outcome::OK
        ]
    );
}

#[test]
fn decoder_rejects_truncated_trailing_and_oversized_input() {
    let good = send("alice", 0, "bob", 10).encode().to_vec();
    assert!(SignedTransaction::decode_bounded(&good).is_ok());
    for cut in [0, 1, 31, 40, good.len() - 1] {
        assert!(
            SignedTransaction::decode_bounded(&good[..cut]).is_err(),
            "cut {cut}"
        );
    }
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(SignedTransaction::decode_bounded(&trailing).is_err());
    let oversized = vec![0u8; MAX_TX_BYTES + 1];
    assert_eq!(
        SignedTransaction::decode_bounded(&oversized),
        Err(crate::tx::DecodeTxError::TooLarge(MAX_TX_BYTES + 1))
    );
}

#[test]
fn decoder_rejects_memo_over_limit_and_unknown_payload_tag() {
    let key = named_key("alice");
    let tx = Transaction {
        signer: address_of(&key),
        nonce: Nonce::new(0),
        fee: Amount::new(1),
        payload: Payload::Transfer(Transfer {
            to: Address::new([1; 32]),
            amount: Amount::new(1),
            memo: vec![b'x'; terrane_accounts::msg::MAX_MEMO_BYTES + 1],
        }),
    }
    .sign(&key, &chain());
    assert!(SignedTransaction::decode_bounded(&tx.encode()).is_err());
    let mut unknown = send("alice", 0, "bob", 1).encode().to_vec();
    unknown[48] = 0xee; // payload tag: after signer(32) + nonce(8) + fee(8)
    assert!(SignedTransaction::decode_bounded(&unknown).is_err());
}

#[test]
fn an_unknown_payload_tag_is_malformed_and_an_unknown_class_is_a_recorded_rejection() {
    use terrane_devices::{msg::Domains, outcome::DevicesRejection, testkit};
    let mut c = Chain::new();
    let mut unknown_payload = send("alice", 0, "bob", 1).encode().to_vec();
    unknown_payload[48] = 0xee; // payload tag: after signer(32) + nonce(8) + fee(8)
    // A maker may attest any bytes; the chain runs no class 0xee.
    let register = testkit::registration(
        &Domains::of(&chain()),
        &address_of(&named_key("alice")),
        &testkit::key("hotspot"),
        testkit::capabilities(0xee, &[1, 2, 3]),
        terrane_geo::offchain::cell_at(52.52, 13.40, 12),
        &testkit::key("maker"),
    );
    let mut tx = Transaction {
        signer: address_of(&named_key("alice")),
        nonce: Nonce::new(0),
        fee: Amount::ZERO,
        payload: Payload::RegisterDevice(register),
    };
    tx.fee = crate::testkit::min_fee_for(&tx, &params());
    let unknown_class = tx.sign(&named_key("alice"), &chain()).encode().to_vec();
    let good = send("alice", 1, "bob", 1).encode().to_vec();
    assert_eq!(
        c.block(vec![unknown_payload, unknown_class, good]),
        vec![
            Outcome::from(EnvelopeRejection::Malformed),
            Outcome::from(DevicesRejection::UnknownClass),
            Outcome::OK
        ]
    );
}

// ---- workload model and auditor ----------------------------------------------------------

/// What the generator asks for; the model predicts the outcome.
#[derive(Clone, Debug)]
enum Intent {
    Valid { from: usize, to: usize, amount: u64 },
    WrongKey { from: usize },
    NonceTooLow { from: usize },
    NonceTooHigh { from: usize, ahead: u64 },
    FeeTooLow { from: usize },
    Overdraw { from: usize },
    ZeroAmount { from: usize },
    Replay,
    Truncated,
    Trailing,
}

fn intent() -> impl Strategy<Value = Intent> {
    prop_oneof![
        6 => (0usize..4, 0usize..4, 1u64..400_000).prop_map(|(from, to, amount)| Intent::Valid { from, to, amount }),
        1 => (0usize..4).prop_map(|from| Intent::WrongKey { from }),
        1 => (0usize..4).prop_map(|from| Intent::NonceTooLow { from }),
        1 => (0usize..4, 1u64..5).prop_map(|(from, ahead)| Intent::NonceTooHigh { from, ahead }),
        1 => (0usize..4).prop_map(|from| Intent::FeeTooLow { from }),
        1 => (0usize..4).prop_map(|from| Intent::Overdraw { from }),
        1 => (0usize..4).prop_map(|from| Intent::ZeroAmount { from }),
        1 => Just(Intent::Replay),
        1 => Just(Intent::Truncated),
        1 => Just(Intent::Trailing),
    ]
}

/// The model: balances and nonces as plain integers.
struct Model {
    balance: BTreeMap<usize, u64>,
    nonce: BTreeMap<usize, u64>,
    executed: Vec<Vec<u8>>,
}

impl Model {
    fn new() -> Self {
        let mut balance = BTreeMap::new();
        balance.insert(0, 10_000_000);
        balance.insert(1, 500_000);
        balance.insert(2, 6_000);
        balance.insert(3, 0);
        Self {
            balance,
            nonce: (0..4).map(|i| (i, 0)).collect(),
            executed: Vec::new(),
        }
    }

    fn key(i: usize) -> ed25519::PrivateKey {
        named_key(NAMES[i])
    }

    /// Builds the bytes for `intent` and predicts their outcome, updating the model.
    fn apply(&mut self, intent: &Intent) -> (Vec<u8>, Outcome) {
        let mk = |from: usize, nonce: u64, to: usize, amount: u64| {
            send(NAMES[from], nonce, NAMES[to], amount)
        };
        match *intent {
            Intent::Valid { from, to, amount } => {
                let tx = mk(from, self.nonce[&from], to, amount);
                self.charge_then(from, tx, amount, to)
            }
            Intent::ZeroAmount { from } => {
                let tx = mk(from, self.nonce[&from], 1, 0);
                self.charge_then(from, tx, 0, 1)
            }
            Intent::Overdraw { from } => {
                let amount = self.balance[&from] + 1;
                let tx = mk(from, self.nonce[&from], 0, amount);
                self.charge_then(from, tx, amount, 0)
            }
            Intent::WrongKey { from } => {
                let mut tx = mk(from, self.nonce[&from], 0, 1);
                tx.signature = mk((from + 1) % 4, 0, 0, 1).signature;
                (tx.encode().to_vec(), EnvelopeRejection::BadSignature.into())
            }
            Intent::NonceTooLow { from } => {
                let n = self.nonce[&from];
                if n == 0 {
                    return self.apply(&Intent::Valid {
                        from,
                        to: 0,
                        amount: 1,
                    });
                }
                // A fresh transaction (different amount) on a used nonce.
                let tx = mk(from, n - 1, 0, 999_999_999);
                (tx.encode().to_vec(), AccountsRejection::NonceTooLow.into())
            }
            Intent::NonceTooHigh { from, ahead } => {
                let tx = mk(from, self.nonce[&from] + ahead, 0, 1);
                (tx.encode().to_vec(), AccountsRejection::NonceTooHigh.into())
            }
            Intent::FeeTooLow { from } => {
                let key = Self::key(from);
                let mut unsigned = mk(from, self.nonce[&from], 0, 1).tx;
                unsigned.fee = Amount::new(unsigned.fee.get() - 1);
                let tx = unsigned.sign(&key, &chain());
                (
                    tx.encode().to_vec(),
                    AccountsRejection::FeeBelowMinimum.into(),
                )
            }
            Intent::Replay => match self.executed.first() {
                Some(bytes) => (bytes.clone(), EnvelopeRejection::DuplicateTx.into()),
                None => (vec![1, 2, 3], EnvelopeRejection::Malformed.into()),
            },
            Intent::Truncated => {
                let mut bytes = mk(0, self.nonce[&0], 1, 1).encode().to_vec();
                bytes.pop();
                (bytes, EnvelopeRejection::Malformed.into())
            }
            Intent::Trailing => {
                let mut bytes = mk(0, self.nonce[&0], 1, 1).encode().to_vec();
                bytes.push(7);
                (bytes, EnvelopeRejection::Malformed.into())
            }
        }
    }

    /// Envelope charge, then the transfer, as the chain does it.
    fn charge_then(
        &mut self,
        from: usize,
        tx: SignedTransaction,
        amount: u64,
        to: usize,
    ) -> (Vec<u8>, Outcome) {
        let bytes = tx.encode().to_vec();
        let fee = tx.tx.fee.get();
        if self.balance[&from] < fee {
            return (bytes, AccountsRejection::FeeUnpayable.into());
        }
        *self.balance.get_mut(&from).unwrap() -= fee;
        *self.nonce.get_mut(&from).unwrap() += 1;
        self.executed.push(bytes.clone());
        let outcome = if amount == 0 {
            AccountsRejection::ZeroAmount.into()
        } else if self.balance[&from] < amount {
            AccountsRejection::InsufficientFunds.into()
        } else {
            *self.balance.get_mut(&from).unwrap() -= amount;
            *self.balance.get_mut(&to).unwrap() += amount;
            Outcome::OK
        };
        (bytes, outcome)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_and_invalid_transactions_get_predicted_codes_and_conserve_supply(
        blocks in proptest::collection::vec(proptest::collection::vec(intent(), 0..12), 1..8)
    ) {
        let mut chain = Chain::new();
        let mut model = Model::new();
        for intents in blocks {
            let (txs, expected): (Vec<_>, Vec<_>) = intents.iter().map(|i| model.apply(i)).unzip();
            let got = chain.block(txs);
            prop_assert_eq!(&got, &expected);
            for (i, name) in NAMES.iter().enumerate() {
                prop_assert_eq!(chain.balance(name), model.balance[&i], "balance of {}", name);
            }
        }
    }
}
