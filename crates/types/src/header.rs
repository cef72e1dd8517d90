//! The block header: what a finality certificate signs.
//!
//! ```text
//! Header  = Context || parent digest || height u64be || timestamp_ms u64be
//!           || chain (genesis hash) || seed: Option<48-byte VRF signature>
//!           || tx_count u32be || txs_root || state_root || ops_root || OpsRange
//!           || outcomes_root
//! Context = Round || leader (32-byte ed25519 key) || parent view varint || parent digest
//! Round   = consensus epoch varint || view varint
//! OpsRange = start varint || end varint, start < end
//! digest  = SHA-256(encode(Header))
//! ```

use crate::{BlsSignature, Digest, PublicKey};
use bytes::BufMut;
use commonware_codec::{
    Buf, Encode, EncodeSize, Error, FixedSize, MaxEncodeSize, Read, ReadExt, Write, varint::UInt,
};
use commonware_cryptography::{Hasher, Sha256};
use terrane_primitives::{Hash32, Height, TimestampMs, merkle};

const VARINT_U64_MAX: usize = UInt::<u64>::MAX_ENCODE_SIZE;

/// A consensus round: the consensus epoch (validator-set epoch, not a reward epoch) and view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Round {
    /// Consensus epoch.
    pub epoch: u64,
    /// View within the epoch.
    pub view: u64,
}

impl Write for Round {
    fn write(&self, buf: &mut impl BufMut) {
        UInt(self.epoch).write(buf);
        UInt(self.view).write(buf);
    }
}

impl EncodeSize for Round {
    fn encode_size(&self) -> usize {
        UInt(self.epoch).encode_size() + UInt(self.view).encode_size()
    }
}

impl Read for Round {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            epoch: UInt::<u64>::read(buf)?.into(),
            view: UInt::<u64>::read(buf)?.into(),
        })
    }
}

impl MaxEncodeSize for Round {
    const MAX_ENCODE_SIZE: usize = 2 * VARINT_U64_MAX;
}

/// The consensus context a block was proposed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The round of the proposal.
    pub round: Round,
    /// The round's leader (the proposer).
    pub leader: PublicKey,
    /// The view of the parent the proposal builds on.
    pub parent_view: u64,
    /// The parent's digest.
    pub parent: Digest,
}

impl Write for Context {
    fn write(&self, buf: &mut impl BufMut) {
        self.round.write(buf);
        self.leader.write(buf);
        UInt(self.parent_view).write(buf);
        self.parent.write(buf);
    }
}

impl EncodeSize for Context {
    fn encode_size(&self) -> usize {
        self.round.encode_size()
            + PublicKey::SIZE
            + UInt(self.parent_view).encode_size()
            + Digest::SIZE
    }
}

impl Read for Context {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            round: Round::read(buf)?,
            leader: PublicKey::read(buf)?,
            parent_view: UInt::<u64>::read(buf)?.into(),
            parent: Digest::read(buf)?,
        })
    }
}

impl MaxEncodeSize for Context {
    const MAX_ENCODE_SIZE: usize =
        Round::MAX_ENCODE_SIZE + PublicKey::SIZE + VARINT_U64_MAX + Digest::SIZE;
}

/// The range of QMDB operations state sync fetches: `start..end`, never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpsRange {
    start: u64,
    end: u64,
}

impl OpsRange {
    /// `start..end`, or `None` if it is empty.
    pub fn new(start: u64, end: u64) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }

    /// First operation location.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// One past the last operation location.
    pub fn end(&self) -> u64 {
        self.end
    }
}

impl Write for OpsRange {
    fn write(&self, buf: &mut impl BufMut) {
        UInt(self.start).write(buf);
        UInt(self.end).write(buf);
    }
}

impl EncodeSize for OpsRange {
    fn encode_size(&self) -> usize {
        UInt(self.start).encode_size() + UInt(self.end).encode_size()
    }
}

impl Read for OpsRange {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let start: u64 = UInt::<u64>::read(buf)?.into();
        let end: u64 = UInt::<u64>::read(buf)?.into();
        Self::new(start, end).ok_or(Error::Invalid("OpsRange", "start must be < end"))
    }
}

impl MaxEncodeSize for OpsRange {
    const MAX_ENCODE_SIZE: usize = 2 * VARINT_U64_MAX;
}

/// A block header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Consensus context the block was proposed in.
    pub context: Context,
    /// Parent block digest (`Digest::EMPTY` for genesis).
    pub parent: Digest,
    /// Height (genesis 0).
    pub height: Height,
    /// Proposer's timestamp, strictly above the parent's.
    pub timestamp: TimestampMs,
    /// The chain's genesis hash: a block from another chain never verifies.
    pub chain: Hash32,
    /// The VRF seed signature of the parent's round (`None` when the parent is genesis).
    pub seed: Option<BlsSignature>,
    /// Number of transactions.
    pub tx_count: u32,
    /// Merkle root of the transactions' bytes ([`txs_root`]).
    pub txs_root: Hash32,
    /// Canonical root of the QMDB `current` state after this block: what state proofs check.
    pub state_root: Digest,
    /// QMDB operations root after this block: what state sync checks.
    pub ops_root: Digest,
    /// QMDB operation range state sync must fetch.
    pub ops_range: OpsRange,
    /// Merkle root of the per-transaction outcomes.
    pub outcomes_root: Hash32,
}

impl Write for Header {
    fn write(&self, buf: &mut impl BufMut) {
        self.context.write(buf);
        self.parent.write(buf);
        self.height.write(buf);
        self.timestamp.write(buf);
        self.chain.write(buf);
        self.seed.write(buf);
        self.tx_count.write(buf);
        self.txs_root.write(buf);
        self.state_root.write(buf);
        self.ops_root.write(buf);
        self.ops_range.write(buf);
        self.outcomes_root.write(buf);
    }
}

impl EncodeSize for Header {
    fn encode_size(&self) -> usize {
        self.context.encode_size()
            + Digest::SIZE
            + Height::SIZE
            + TimestampMs::SIZE
            + Hash32::SIZE
            + self.seed.encode_size()
            + u32::SIZE
            + Hash32::SIZE
            + 2 * Digest::SIZE
            + self.ops_range.encode_size()
            + Hash32::SIZE
    }
}

impl Read for Header {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            context: Context::read(buf)?,
            parent: Digest::read(buf)?,
            height: Height::read(buf)?,
            timestamp: TimestampMs::read(buf)?,
            chain: Hash32::read(buf)?,
            seed: Option::<BlsSignature>::read(buf)?,
            tx_count: u32::read(buf)?,
            txs_root: Hash32::read(buf)?,
            state_root: Digest::read(buf)?,
            ops_root: Digest::read(buf)?,
            ops_range: OpsRange::read(buf)?,
            outcomes_root: Hash32::read(buf)?,
        })
    }
}

impl MaxEncodeSize for Header {
    const MAX_ENCODE_SIZE: usize = Context::MAX_ENCODE_SIZE
        + Digest::SIZE
        + Height::SIZE
        + TimestampMs::SIZE
        + Hash32::SIZE
        + 1
        + BlsSignature::SIZE
        + u32::SIZE
        + Hash32::SIZE
        + 2 * Digest::SIZE
        + OpsRange::MAX_ENCODE_SIZE
        + Hash32::SIZE;
}

impl Header {
    /// The block digest: SHA-256 of the encoded header.
    pub fn digest(&self) -> Digest {
        Sha256::hash(&[&self.encode()])
    }
}

/// The Merkle root of a transaction list: leaf `i` is the transaction's bytes.
pub fn txs_root<T: AsRef<[u8]>>(txs: &[T]) -> Hash32 {
    let leaves: Vec<Hash32> = txs.iter().map(|t| merkle::leaf(t.as_ref())).collect();
    merkle::root(&leaves)
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_codec::DecodeExt;
    use commonware_cryptography::{Signer as _, ed25519};

    fn header() -> Header {
        Header {
            context: Context {
                round: Round {
                    epoch: 0,
                    view: 300,
                },
                leader: ed25519::PrivateKey::from_seed(3).public_key(),
                parent_view: 299,
                parent: Sha256::hash(&[b"parent"]),
            },
            parent: Sha256::hash(&[b"parent"]),
            height: Height::new(7),
            timestamp: TimestampMs::new(9),
            chain: Hash32::new([4; 32]),
            seed: None,
            tx_count: 0,
            txs_root: Hash32::default(),
            state_root: Sha256::hash(&[b"state"]),
            ops_root: Sha256::hash(&[b"ops"]),
            ops_range: OpsRange::new(1, 1_000).expect("non-empty"),
            outcomes_root: Hash32::default(),
        }
    }

    #[test]
    fn header_round_trips_within_its_maximum_size() {
        let h = header();
        let bytes = h.encode();
        assert!(bytes.len() <= Header::MAX_ENCODE_SIZE);
        assert_eq!(bytes.len(), h.encode_size());
        assert_eq!(Header::decode(bytes).expect("decodes"), h);
    }

    #[test]
    fn header_with_an_empty_ops_range_does_not_decode() {
        let mut bytes = header().encode().to_vec();
        // OpsRange sits before the final 32-byte outcomes root: `01 e8 07` → make end == start.
        let at = bytes.len() - 32 - 3;
        assert_eq!(&bytes[at..at + 3], &[0x01, 0xe8, 0x07]);
        bytes.splice(at..at + 3, [0x01, 0x01]);
        assert!(Header::decode(bytes::Bytes::from(bytes)).is_err());
    }

    #[test]
    fn txs_root_of_no_transactions_is_the_empty_root() {
        assert_eq!(txs_root::<&[u8]>(&[]), merkle::root(&[]));
        assert_ne!(txs_root(&[b"a"]), txs_root(&[b"b"]));
    }
}
