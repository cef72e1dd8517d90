//! The transactions the benchmarks time: transfers carrying a full memo, so their signing bytes
//! are the size of a typical device report (LIMITS.md measures 200-byte messages).

use commonware_codec::Encode;
use commonware_cryptography::ed25519;
use terrane_accounts::{
    msg::{MAX_MEMO_BYTES, Transfer},
    params::AccountsParams,
};
use terrane_app::{
    Payload, SignedTransaction, Transaction,
    testkit::{address_of, min_fee_for, named_key},
};
use terrane_pow::types::SignedReport;
use terrane_primitives::{Address, Amount, ChainId, Namespace, Nonce};

/// The chain id every in-process benchmark runs on.
pub(crate) const CHAIN: &str = "terrane-bench";

/// The memo byte the benchmark transfers carry, [`MAX_MEMO_BYTES`] times.
const MEMO_BYTE: u8 = 0x6d;

pub(crate) fn chain() -> ChainId {
    ChainId::new(CHAIN).expect("benchmark chain id is valid")
}

/// The transaction signing namespace of the benchmark chain.
pub(crate) fn tx_namespace() -> Vec<u8> {
    chain().namespace(Namespace::Transaction)
}

/// The deterministic key of benchmark account `index` (public seeds: never hold value).
pub(crate) fn account_key(index: usize) -> ed25519::PrivateKey {
    named_key(&format!("terrane-bench/{index}"))
}

/// A signed transfer of `amount` with a full memo, paying exactly the minimum fee.
pub(crate) fn transfer(
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
            memo: vec![MEMO_BYTE; MAX_MEMO_BYTES],
        }),
    };
    tx.fee = min_fee_for(&tx, params);
    tx.sign(from, chain)
}

/// One signature ready for verification (a transaction's or a device report's), with
/// everything a verifier would have cached or received already: its decoded key, its encoded
/// body and its signature.
pub(crate) struct SignedItem {
    /// The signer's 32 key bytes, as they arrive in a transaction or report.
    pub(crate) signer: Address,
    /// The signer's key, decoded.
    pub(crate) public_key: ed25519::PublicKey,
    /// The encoded transaction or report the signature covers (after the namespace prefix).
    pub(crate) message: Vec<u8>,
    /// The signature.
    pub(crate) signature: ed25519::Signature,
}

impl SignedItem {
    /// Prepares `tx` for verification.
    ///
    /// # Panics
    /// If the signer is not a valid ed25519 point: benchmark transactions are signed by real keys.
    pub(crate) fn new(tx: &SignedTransaction) -> Self {
        Self {
            signer: tx.tx.signer,
            public_key: tx.public_key().expect("benchmark signer is a valid key"),
            message: tx.tx.encode().to_vec(),
            signature: tx.signature.clone(),
        }
    }

    /// Prepares a device report's signature for verification (under the report namespace).
    ///
    /// # Panics
    /// If the signer is not a valid ed25519 point: benchmark reports are signed by real keys.
    pub(crate) fn report(signed: &SignedReport) -> Self {
        Self {
            signer: Address::from_slice(signed.signer.as_ref()).expect("32 bytes"),
            public_key: terrane_devices::handler::public_key(&signed.signer)
                .expect("benchmark device is a valid key"),
            message: signed.report.encode().to_vec(),
            signature: signed.signature.clone(),
        }
    }
}
