//! `Block::decode_cfg` with the default block limits on arbitrary bytes: never panics, and a
//! decoded block re-encodes to exactly the input, matches its header, and has
//! `digest = SHA-256(header)`.
#![no_main]

use commonware_codec::{Decode, Encode};
use commonware_cryptography::{Digestible, Hasher, Sha256};
use libfuzzer_sys::fuzz_target;
use terrane_app::params::BlockLimits;
use terrane_node::{
    application::randomness,
    block::{Block, txs_root},
};

fuzz_target!(|data: &[u8]| {
    let limits = BlockLimits::default();
    let Ok(block) = Block::decode_cfg(bytes::Bytes::copy_from_slice(data), &limits) else {
        return;
    };
    assert_eq!(
        block.encode().as_ref(),
        data,
        "a decoded block re-encodes differently"
    );
    let header = block.header();
    assert_eq!(block.digest(), Sha256::hash(&[&header.encode()]));
    assert_eq!(block.txs().len(), header.tx_count as usize);
    assert_eq!(block.outcomes().len(), block.txs().len());
    assert!(block.txs().len() <= limits.max_txs as usize);
    assert!(block.tx_bytes() <= limits.max_tx_bytes as usize);
    assert_eq!(txs_root(block.txs()), header.txs_root);
    let _ = randomness(header);
});
