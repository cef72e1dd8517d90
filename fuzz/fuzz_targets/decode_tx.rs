//! `SignedTransaction::decode_bounded` on arbitrary bytes: never panics, and whatever decodes
//! re-encodes to exactly the input (strict, canonical decoding) with a stable id.
#![no_main]

use commonware_codec::Encode;
use libfuzzer_sys::fuzz_target;
use terrane_app::SignedTransaction;
use terrane_primitives::sha256;

fuzz_target!(|data: &[u8]| {
    let Ok(tx) = SignedTransaction::decode_bounded(data) else {
        return;
    };
    assert_eq!(
        tx.encode().as_ref(),
        data,
        "a decoded transaction re-encodes differently"
    );
    assert!(data.len() <= terrane_app::MAX_TX_BYTES);
    assert_eq!(tx.id(), sha256(&[&tx.tx.encode()]));
    let _ = tx.verify(b"terrane/terrane-devnet/tx");
});
