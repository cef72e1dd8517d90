//! Deterministic keys and transaction builders for tests, simulations, benchmarks and devnet.
//!
//! Keys here are derived from public seeds: anyone can recompute them. Never use them for
//! value on a real network.

use crate::tx::{Payload, SignedTransaction, Transaction};
use commonware_cryptography::{Signer as _, ed25519};
use terrane_accounts::{msg::Transfer, params::AccountsParams};
use terrane_primitives::{Address, Amount, ChainId, Nonce, sha256};

/// The ed25519 key derived from `name` (e.g. "alice").
pub fn named_key(name: &str) -> ed25519::PrivateKey {
    let digest = sha256(&[b"terrane/testkit/key", name.as_bytes()]);
    let seed = u64::from_be_bytes(digest.as_bytes()[..8].try_into().expect("8 bytes"));
    ed25519::PrivateKey::from_seed(seed)
}

/// The address of an ed25519 key.
pub fn address_of(key: &ed25519::PrivateKey) -> Address {
    Address::from_slice(key.public_key().as_ref()).expect("ed25519 keys are 32 bytes")
}

/// A signed transfer paying exactly the minimum fee under `params`.
pub fn transfer(
    chain: &ChainId,
    params: &AccountsParams,
    from: &ed25519::PrivateKey,
    nonce: Nonce,
    to: Address,
    amount: Amount,
) -> SignedTransaction {
    let mut tx = Transaction {
        signer: address_of(from),
        nonce,
        fee: Amount::ZERO,
        payload: Payload::Transfer(Transfer {
            to,
            amount,
            memo: Vec::new(),
        }),
    };
    tx.fee = min_fee_for(&tx, params);
    tx.sign(from, chain)
}

/// The minimum fee for `tx` once signed.
pub fn min_fee_for(tx: &Transaction, params: &AccountsParams) -> Amount {
    tx.min_fee(params)
}
