//! The block: a header the finality certificate signs, and the transactions it commits to.
//!
//! ```text
//! Header = context (round, leader, parent view+digest) || parent digest || height u64be
//!          || timestamp_ms u64be || chain (genesis hash) || seed: Option<48-byte VRF signature>
//!          || tx_count u32be || txs_root || state_root || ops_root || ops_range
//!          || outcomes_root
//! Block  = Header || varint(n) || n × (varint(len) || tx bytes) || varint(n) || n × code u16be
//! digest = SHA-256(encode(Header))
//! ```
//! The digest covers only the header, so a light client checks a certificate against a
//! ~300-byte header and proves anything else (a transaction, an outcome, a state value)
//! against the roots inside it. The body also carries each transaction's outcome code (what
//! `outcomes_root` commits to, with the transaction ids), so any node can show a finalized
//! block's outcomes without re-executing it. Both `txs_root` and `outcomes_root` are
//! recomputed while decoding, so a body that does not match its header never decodes (a peer
//! cannot serve altered codes under a finalized digest); validators also re-execute and reject
//! a block whose codes differ from theirs.

use crate::types::{Context, Digest, PublicKey, consensus_context};
use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, MaxEncodeSize, RangeCfg, Read, ReadExt, Write};
use commonware_consensus::{
    Block as ConsensusBlock, BoundedBlock, CertifiableBlock, Heightable,
    types::Height as ConsensusHeight,
};
use commonware_cryptography::{Digestible, Signer as _, ed25519};
use commonware_storage::mmr::Location;
use commonware_utils::{non_empty_range, range::NonEmptyRange};
use terrane_app::params::BlockLimits;
use terrane_primitives::{Hash32, Height, TimestampMs};
pub use terrane_types::header::{Header, OpsRange, Round, txs_root};

/// The header form of a QMDB operation range.
pub fn ops_range(range: &NonEmptyRange<Location>) -> OpsRange {
    OpsRange::new(range.start().as_u64(), range.end().as_u64()).expect("a non-empty range")
}

/// The QMDB form of a header's operation range, `None` if a location exceeds what an MMR holds.
pub fn locations(range: &OpsRange) -> Option<NonEmptyRange<Location>> {
    let (start, end) = (Location::new(range.start()), Location::new(range.end()));
    (start.is_valid() && end.is_valid()).then(|| non_empty_range!(start, end))
}

/// A block: header plus transactions, with its digest cached.
#[derive(Clone, Debug)]
pub struct Block {
    header: Header,
    txs: Vec<bytes::Bytes>,
    outcomes: Vec<u16>,
    digest: Digest,
}

impl PartialEq for Block {
    fn eq(&self, other: &Self) -> bool {
        self.digest == other.digest
    }
}
impl Eq for Block {}

impl Block {
    /// Assembles a block; `header.tx_count`, `header.txs_root` and `header.outcomes_root` are
    /// set from `txs` and `outcomes`.
    ///
    /// # Panics
    /// If `outcomes` does not have one code per transaction.
    pub fn new(mut header: Header, txs: Vec<bytes::Bytes>, outcomes: Vec<u16>) -> Self {
        assert_eq!(txs.len(), outcomes.len(), "one outcome per transaction");
        header.tx_count = u32::try_from(txs.len()).expect("tx count bounded by BlockLimits");
        header.txs_root = txs_root(&txs);
        header.outcomes_root = terrane_app::execute::outcomes_root_of(&txs, &outcomes);
        let digest = header.digest();
        Self {
            header,
            txs,
            outcomes,
            digest,
        }
    }

    /// The genesis block: height 0, no parent, committing to the genesis hash and the empty
    /// state.
    pub fn genesis(
        chain: Hash32,
        genesis_time: TimestampMs,
        ops_root: Digest,
        ops_range: &NonEmptyRange<Location>,
    ) -> Self {
        Self::new(
            Header {
                context: terrane_types::header::Context {
                    round: Round { epoch: 0, view: 0 },
                    // A fixed, well-known key: genesis has no proposer.
                    leader: ed25519::PrivateKey::from_seed(0).public_key(),
                    parent_view: 0,
                    parent: <Digest as commonware_cryptography::Digest>::EMPTY,
                },
                parent: <Digest as commonware_cryptography::Digest>::EMPTY,
                height: Height::ZERO,
                timestamp: genesis_time,
                chain,
                seed: None,
                tx_count: 0,
                txs_root: Hash32::default(),
                state_root: <Digest as commonware_cryptography::Digest>::EMPTY,
                ops_root,
                ops_range: self::ops_range(ops_range),
                outcomes_root: Hash32::default(),
            },
            Vec::new(),
            Vec::new(),
        )
    }

    /// Each transaction's outcome code, in block order.
    pub fn outcomes(&self) -> &[u16] {
        &self.outcomes
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The transactions, as encoded bytes.
    pub fn txs(&self) -> &[bytes::Bytes] {
        &self.txs
    }

    /// The proposer.
    pub fn proposer(&self) -> &PublicKey {
        &self.header.context.leader
    }

    /// Sum of the transactions' lengths.
    pub fn tx_bytes(&self) -> usize {
        self.txs.iter().map(bytes::Bytes::len).sum()
    }
}

impl Write for Block {
    fn write(&self, buf: &mut impl BufMut) {
        self.header.write(buf);
        self.txs.write(buf);
        self.outcomes.write(buf);
    }
}

impl EncodeSize for Block {
    fn encode_size(&self) -> usize {
        self.header.encode_size() + self.txs.encode_size() + self.outcomes.encode_size()
    }
}

impl Read for Block {
    /// The chain's block limits (consensus-critical; from genesis).
    type Cfg = BlockLimits;

    fn read_cfg(buf: &mut impl Buf, limits: &BlockLimits) -> Result<Self, Error> {
        let header = Header::read(buf)?;
        if locations(&header.ops_range).is_none() {
            return Err(Error::Invalid(
                "Block",
                "ops_range exceeds the MMR's capacity",
            ));
        }
        let max_txs = limits.max_txs as usize;
        let max_tx = terrane_app::MAX_TX_BYTES;
        let txs = Vec::<bytes::Bytes>::read_cfg(
            buf,
            &(RangeCfg::from(0..=max_txs), RangeCfg::from(0..=max_tx)),
        )?;
        let total: usize = txs.iter().map(bytes::Bytes::len).sum();
        if total > limits.max_tx_bytes as usize {
            return Err(Error::Invalid("Block", "transactions exceed max_tx_bytes"));
        }
        if header.tx_count as usize != txs.len() || header.txs_root != txs_root(&txs) {
            return Err(Error::Invalid(
                "Block",
                "transactions do not match the header",
            ));
        }
        let outcomes = Vec::<u16>::read_cfg(buf, &(RangeCfg::from(txs.len()..=txs.len()), ()))?;
        // The digest covers the header only: without this check a peer could serve a
        // finalized block with altered codes under the same digest.
        if terrane_app::execute::outcomes_root_of(&txs, &outcomes) != header.outcomes_root {
            return Err(Error::Invalid(
                "Block",
                "outcome codes do not match the header",
            ));
        }
        let digest = header.digest();
        Ok(Self {
            header,
            txs,
            outcomes,
            digest,
        })
    }
}

impl Digestible for Block {
    type Digest = Digest;
    fn digest(&self) -> Digest {
        self.digest
    }
}

impl Heightable for Block {
    fn height(&self) -> ConsensusHeight {
        ConsensusHeight::new(self.header.height.get())
    }
}

impl ConsensusBlock for Block {
    fn parent(&self) -> Digest {
        self.header.parent
    }
}

impl CertifiableBlock for Block {
    type Context = Context;
    fn context(&self) -> Context {
        consensus_context(&self.header.context)
    }
}

impl BoundedBlock for Block {
    fn max_encode_size(limits: &BlockLimits) -> usize {
        // Header, two count varints, and per transaction a length varint, a 2-byte outcome and
        // its bytes (capped in total by the byte limit).
        Header::MAX_ENCODE_SIZE + 10 + (limits.max_txs as usize) * 7 + limits.max_tx_bytes as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::{Decode, Encode};
    use commonware_cryptography::{Hasher, Sha256};

    fn block(txs: Vec<bytes::Bytes>) -> Block {
        let g = Block::genesis(
            Hash32::new([1; 32]),
            TimestampMs::new(5),
            Sha256::hash(&[b"ops"]),
            &non_empty_range!(Location::new(0), Location::new(1)),
        );
        let mut header = g.header().clone();
        header.height = Height::new(1);
        header.parent = g.digest();
        let outcomes = vec![0; txs.len()];
        Block::new(header, txs, outcomes)
    }

    #[test]
    fn block_round_trips_and_digest_covers_the_header() {
        let b = block(vec![
            bytes::Bytes::from_static(b"tx1"),
            bytes::Bytes::from_static(b"tx2"),
        ]);
        let decoded = Block::decode_cfg(b.encode(), &BlockLimits::default()).unwrap();
        assert_eq!(decoded.digest(), b.digest());
        assert_eq!(decoded.txs(), b.txs());
    }

    #[test]
    fn block_whose_transactions_do_not_match_its_header_does_not_decode() {
        let b = block(vec![bytes::Bytes::from_static(b"tx1")]);
        let mut forged = b.clone();
        forged.txs = vec![bytes::Bytes::from_static(b"evil")];
        assert!(Block::decode_cfg(forged.encode(), &BlockLimits::default()).is_err());
    }

    #[test]
    fn block_over_the_transaction_limit_does_not_decode() {
        let txs = vec![bytes::Bytes::from_static(b"x"); 3];
        let b = block(txs);
        let limits = BlockLimits {
            max_txs: 2,
            ..BlockLimits::default()
        };
        assert!(Block::decode_cfg(b.encode(), &limits).is_err());
    }

    #[test]
    fn block_whose_outcome_count_differs_from_its_transactions_does_not_decode() {
        let b = block(vec![bytes::Bytes::from_static(b"tx1")]);
        let mut forged = b.clone();
        forged.outcomes = vec![0, 0];
        assert!(Block::decode_cfg(forged.encode(), &BlockLimits::default()).is_err());
    }

    #[test]
    fn a_finalized_block_served_with_altered_outcome_codes_does_not_decode() {
        let b = block(vec![bytes::Bytes::from_static(b"tx1")]);
        assert!(Block::decode_cfg(b.encode(), &BlockLimits::default()).is_ok());
        let mut forged = b.clone();
        forged.outcomes = vec![1];
        assert_eq!(forged.digest(), b.digest(), "same header, same digest");
        assert!(Block::decode_cfg(forged.encode(), &BlockLimits::default()).is_err());
    }

    #[test]
    fn block_with_trailing_bytes_does_not_decode() {
        let mut bytes = block(vec![]).encode().to_vec();
        bytes.push(0);
        assert!(Block::decode_cfg(bytes::Bytes::from(bytes), &BlockLimits::default()).is_err());
    }
}
