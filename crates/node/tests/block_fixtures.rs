//! The block and header encodings, pinned to committed fixtures.
//!
//! The tests build deterministic blocks (a genesis block, a height-1 child with two fixed
//! transaction byte strings, and a height-2 block carrying a VRF seed), encode them with the real
//! code and compare with the hex files in `tests/fixtures/`. A mismatch means the header or block
//! format changed, which changes every block digest and breaks every finality certificate and
//! light client: changing a wire format is a deliberate, reviewed act. Update
//! `docs/spec/blocks.md`, then re-bless and commit the fixture diff with it:
//!
//! ```sh
//! TERRANE_BLESS=1 cargo test -p terrane-node --test block_fixtures
//! ```
//!
//! With `TERRANE_BLESS=1` the tests write the current encodings instead of comparing; without
//! it nothing is rewritten and a missing fixture fails.

use bytes::Bytes;
use commonware_codec::{Decode, DecodeExt, Encode};
use commonware_consensus::types::{Epoch, Round, View};
use commonware_cryptography::{
    Digestible, Hasher, Sha256, Signer as _,
    bls12381::primitives::{
        ops,
        variant::{MinSig, Variant},
    },
    ed25519,
};
use commonware_storage::mmr::Location;
use commonware_utils::non_empty_range;
use std::{fs, path::PathBuf};
use terrane_app::params::BlockLimits;
use terrane_app::{
    Executor, Genesis,
    testkit::{address_of, named_key},
};
use terrane_node::{
    application::{genesis_block, randomness},
    block::{Block, Header, ops_range, txs_root},
    types::{Context, Digest, header_context},
};
use terrane_primitives::{Amount, Hash32, Height, TimestampMs, hex, merkle, sha256};

const GENESIS_TIME_MS: u64 = 1_700_000_000_000;
const TX_ZERO: &[u8] = b"terrane fixture tx zero";
const TX_ONE: &[u8] = b"terrane fixture tx one";
/// Both fixture transactions are not transactions at all: execution gives them `malformed`.
const MALFORMED: u16 = 7;

fn blessing() -> bool {
    std::env::var("TERRANE_BLESS").is_ok_and(|v| v == "1")
}

fn pin(name: &str, bytes: &[u8]) {
    let actual = hex::encode(bytes);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    if blessing() {
        fs::create_dir_all(path.parent().expect("fixture dir")).expect("create fixture dir");
        fs::write(&path, format!("{actual}\n")).expect("write fixture");
        eprintln!("blessed {}", path.display());
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "fixture {} is missing ({e}); create it with TERRANE_BLESS=1 after reviewing the format",
            path.display()
        )
    });
    assert!(
        expected.trim_end() == actual,
        "\n\nBLOCK FORMAT CHANGED: {name}\n  fixture: {}\n  now:     {actual}\n\n\
         Changing a wire format is a deliberate, reviewed act: block digests, finality \
         certificates and light clients depend on these bytes. If the change is intended, \
         update docs/spec/blocks.md, rerun with TERRANE_BLESS=1 and commit the fixture diff.\n",
        expected.trim_end()
    );
}

fn fixed_digest(label: &str) -> Digest {
    Sha256::hash(&[label.as_bytes()])
}

/// An ed25519 public key from a fixed RFC 8032 seed (no RNG involved).
fn leader(seed_byte: u8) -> ed25519::PublicKey {
    ed25519::PrivateKey::decode(Bytes::copy_from_slice(&[seed_byte; 32]))
        .expect("any 32 bytes are a seed")
        .public_key()
}

fn genesis() -> Block {
    Block::genesis(
        sha256(&[b"terrane/fixture/genesis"]),
        TimestampMs::new(GENESIS_TIME_MS),
        fixed_digest("terrane/fixture/ops-0"),
        &non_empty_range!(Location::new(0), Location::new(1)),
    )
}

fn fixture_txs() -> Vec<Bytes> {
    vec![Bytes::from_static(TX_ZERO), Bytes::from_static(TX_ONE)]
}

/// The outcomes root execution gives two undecodable transactions: leaf `i` is
/// `index u32be || SHA-256(bytes) || code u16be`.
fn malformed_outcomes_root(txs: &[Bytes]) -> Hash32 {
    let leaves: Vec<Hash32> = txs
        .iter()
        .enumerate()
        .map(|(i, tx)| {
            let mut data = u32::try_from(i)
                .expect("small index")
                .to_be_bytes()
                .to_vec();
            data.extend_from_slice(sha256(&[tx]).as_bytes());
            data.extend_from_slice(&MALFORMED.to_be_bytes());
            merkle::leaf(&data)
        })
        .collect();
    merkle::root(&leaves)
}

fn child() -> Block {
    let parent = genesis();
    let txs = fixture_txs();
    let header = Header {
        context: header_context(&Context {
            round: Round::new(Epoch::zero(), View::new(1)),
            leader: leader(1),
            parent: (View::zero(), parent.digest()),
        }),
        parent: parent.digest(),
        height: Height::new(1),
        timestamp: TimestampMs::new(GENESIS_TIME_MS + 1_000),
        chain: parent.header().chain,
        seed: None,
        tx_count: 0,
        txs_root: Hash32::default(),
        state_root: fixed_digest("terrane/fixture/state-1"),
        ops_root: fixed_digest("terrane/fixture/ops-1"),
        ops_range: ops_range(&non_empty_range!(Location::new(0), Location::new(9))),
        outcomes_root: malformed_outcomes_root(&txs),
    };
    Block::new(header, txs, vec![MALFORMED, MALFORMED])
}

/// A height-2 block whose header carries a seed. The seed is a hash-to-curve G1 point (a valid
/// 48-byte MinSig signature encoding), not a real threshold signature: decoding does not verify
/// seeds, validators do.
fn seeded() -> Block {
    let parent = child();
    let seed = ops::hash::<MinSig>(MinSig::MESSAGE, b"terrane/fixture/seed");
    let header = Header {
        context: header_context(&Context {
            round: Round::new(Epoch::zero(), View::new(2)),
            leader: leader(2),
            parent: (View::new(1), parent.digest()),
        }),
        parent: parent.digest(),
        height: Height::new(2),
        timestamp: TimestampMs::new(GENESIS_TIME_MS + 2_000),
        chain: parent.header().chain,
        seed: Some(seed),
        tx_count: 0,
        txs_root: Hash32::default(),
        state_root: fixed_digest("terrane/fixture/state-2"),
        ops_root: fixed_digest("terrane/fixture/ops-2"),
        ops_range: ops_range(&non_empty_range!(Location::new(3), Location::new(300))),
        outcomes_root: Hash32::default(),
    };
    Block::new(header, Vec::new(), Vec::new())
}

fn decode(bytes: &[u8]) -> Result<Block, commonware_codec::Error> {
    Block::decode_cfg(Bytes::copy_from_slice(bytes), &BlockLimits::default())
}

#[test]
fn genesis_header_encoding_and_digest_are_pinned() {
    let g = genesis();
    let header = g.header().encode();
    assert_eq!(g.digest(), Sha256::hash(&[&header]));
    assert_eq!(g.header().txs_root, Hash32::default());
    pin("genesis.header.hex", &header);
    pin("genesis.digest.hex", g.digest().as_ref());
    pin("genesis.block.hex", &g.encode());
}

#[test]
fn child_header_block_and_digest_are_pinned() {
    let b = child();
    let header = b.header().encode();
    assert_eq!(b.digest(), Sha256::hash(&[&header]));
    assert_eq!(b.header().tx_count, 2);
    // txs_root is the Merkle root over SHA-256(0x00 || tx bytes).
    assert_eq!(
        b.header().txs_root,
        merkle::root(&[merkle::leaf(TX_ZERO), merkle::leaf(TX_ONE)])
    );
    assert_eq!(b.header().txs_root, txs_root(&fixture_txs()));
    // Block = header || varint(2) || (varint(len) || bytes)×2 || varint(2) || code u16be ×2.
    let len = |tx: &[u8]| u8::try_from(tx.len()).expect("one-byte varint");
    let mut body = vec![2u8, len(TX_ZERO)];
    body.extend_from_slice(TX_ZERO);
    body.push(len(TX_ONE));
    body.extend_from_slice(TX_ONE);
    body.extend_from_slice(&[2, 0, 7, 0, 7]);
    assert_eq!(b.encode().as_ref(), [header.as_ref(), &body].concat());

    pin("child.header.hex", &header);
    pin("child.digest.hex", b.digest().as_ref());
    pin("child.txs_root.hex", b.header().txs_root.as_bytes());
    pin("child.block.hex", &b.encode());
}

#[test]
fn seeded_header_digest_and_randomness_are_pinned() {
    let b = seeded();
    let header = b.header().encode();
    let seed = b.header().seed.expect("seeded");
    assert_eq!(seed.encode().len(), 48);
    // randomness = SHA-256("terrane/randomness/v1" || seed signature); zeros without a seed.
    assert_eq!(
        randomness(b.header()),
        sha256(&[b"terrane/randomness/v1", &seed.encode()])
    );
    assert_eq!(randomness(child().header()), Hash32::default());

    pin("seeded.header.hex", &header);
    pin("seeded.digest.hex", b.digest().as_ref());
    pin("seeded.randomness.hex", randomness(b.header()).as_bytes());
}

#[test]
fn pinned_blocks_decode_under_default_limits_and_reencode_identically() {
    for block in [genesis(), child(), seeded()] {
        let bytes = block.encode();
        let decoded = decode(&bytes).expect("pinned block decodes");
        assert_eq!(decoded.digest(), block.digest());
        assert_eq!(decoded.txs(), block.txs());
        assert_eq!(decoded.outcomes(), block.outcomes());
        assert_eq!(decoded.encode(), bytes);
    }
}

#[test]
fn truncated_blocks_never_decode() {
    for block in [genesis(), child(), seeded()] {
        let bytes = block.encode();
        for len in 0..bytes.len() {
            assert!(
                decode(&bytes[..len]).is_err(),
                "a {len}-byte prefix of a {}-byte block decoded",
                bytes.len()
            );
        }
    }
}

#[test]
fn block_with_trailing_byte_does_not_decode() {
    for block in [genesis(), child(), seeded()] {
        for extra in [0u8, 1, 0xff] {
            let mut bytes = block.encode().to_vec();
            bytes.push(extra);
            assert!(decode(&bytes).is_err());
        }
    }
}

#[test]
fn block_with_an_altered_transaction_byte_does_not_decode() {
    let b = child();
    let bytes = b.encode().to_vec();
    let header_len = b.header().encode().len();
    // The transaction bytes (after the count and length varints) are covered by txs_root.
    let first_tx = header_len + 2;
    let tx_ranges = [
        first_tx..first_tx + TX_ZERO.len(),
        first_tx + TX_ZERO.len() + 1..first_tx + TX_ZERO.len() + 1 + TX_ONE.len(),
    ];
    for range in tx_ranges {
        for i in range {
            let mut altered = bytes.clone();
            altered[i] ^= 0x01;
            assert!(decode(&altered).is_err(), "flipping byte {i} still decoded");
        }
    }
}

#[test]
fn block_with_altered_counts_does_not_decode() {
    let b = child();
    let bytes = b.encode().to_vec();
    let header_len = b.header().encode().len();
    for (offset, value) in [(0usize, 1u8), (0, 3)] {
        let mut altered = bytes.clone();
        altered[header_len + offset] = value;
        assert!(decode(&altered).is_err());
    }
    // The outcome count must equal the transaction count.
    let outcome_count = header_len + 2 + TX_ZERO.len() + 1 + TX_ONE.len();
    assert_eq!(bytes[outcome_count], 2);
    for value in [0u8, 1, 3] {
        let mut altered = bytes.clone();
        altered[outcome_count] = value;
        assert!(decode(&altered).is_err());
    }
}

#[test]
fn every_header_byte_is_covered_by_the_digest() {
    for block in [genesis(), child(), seeded()] {
        let bytes = block.encode().to_vec();
        let header_len = block.header().encode().len();
        for i in 0..header_len {
            let mut altered = bytes.clone();
            altered[i] ^= 0x01;
            if let Ok(decoded) = decode(&altered) {
                assert_ne!(
                    decoded.digest(),
                    block.digest(),
                    "flipping header byte {i} kept the digest"
                );
            }
        }
    }
}

#[test]
fn block_over_the_default_limits_does_not_decode() {
    let g = genesis();
    let mut header = g.header().clone();
    header.height = Height::new(1);
    header.parent = g.digest();
    let oversized = vec![Bytes::from(vec![0u8; terrane_app::MAX_TX_BYTES + 1])];
    let b = Block::new(header, oversized, vec![9]);
    assert!(decode(&b.encode()).is_err());
}

/// The real genesis block of the app's test genesis (`Genesis::for_tests("terrane-devnet",
/// [(alice, 1 000 000)])`, pinned in `crates/app/tests/fixtures/`): its `ops_root` and
/// `ops_range` are those of the empty state database, the same for every chain.
#[test]
fn genesis_block_of_the_test_genesis_is_pinned() {
    let alice = address_of(&named_key("alice"));
    let exec = Executor::new(Genesis::for_tests(
        "terrane-devnet",
        &[(alice, Amount::new(1_000_000))],
    ));
    let g = genesis_block::<commonware_runtime::deterministic::Context>(&exec);
    let header = g.header();
    assert_eq!(header.chain, exec.genesis_hash());
    assert_eq!(header.height, Height::ZERO);
    assert_eq!(header.timestamp, exec.genesis().genesis_time());
    assert_eq!(header.seed, None);
    assert_eq!(
        header.state_root,
        commonware_cryptography::sha256::Digest([0u8; 32])
    );
    pin("test_genesis.header.hex", &header.encode());
    pin("test_genesis.digest.hex", g.digest().as_ref());
    pin("empty_state.ops_root.hex", header.ops_root.as_ref());
    pin("empty_state.ops_range.hex", &header.ops_range.encode());
}
