//! Every key the app layer stores: receipts and the chain head.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use terrane_primitives::{Hash32, Height, TimestampMs};
use terrane_state::{Table, tables};

/// Where and how a transaction was executed. Stored under its id, so a wallet or device can
/// prove its transaction's outcome against a state root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Block height.
    pub height: Height,
    /// Position in the block.
    pub index: u32,
    /// Outcome code (0 = ok).
    pub code: u16,
}

impl Write for Receipt {
    fn write(&self, buf: &mut impl BufMut) {
        self.height.write(buf);
        self.index.write(buf);
        self.code.write(buf);
    }
}

impl Read for Receipt {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            height: Height::read(buf)?,
            index: u32::read(buf)?,
            code: u16::read(buf)?,
        })
    }
}

impl FixedSize for Receipt {
    const SIZE: usize = Height::SIZE + u32::SIZE + u16::SIZE;
}

/// `tx id -> Receipt`.
pub struct Receipts;
impl Table for Receipts {
    const ID: terrane_state::TableId = tables::RECEIPTS;
    const NAME: &'static str = "receipts";
    type Key = Hash32;
    type Value = Receipt;
    fn value_cfg() {}
}

/// The last executed block as execution saw it. Proving this record proves which height a
/// state root belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainHead {
    /// Height of the last executed block.
    pub height: Height,
    /// Its timestamp.
    pub timestamp: TimestampMs,
    /// The genesis hash of the chain.
    pub genesis: Hash32,
}

impl Write for ChainHead {
    fn write(&self, buf: &mut impl BufMut) {
        self.height.write(buf);
        self.timestamp.write(buf);
        self.genesis.write(buf);
    }
}

impl Read for ChainHead {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            height: Height::read(buf)?,
            timestamp: TimestampMs::read(buf)?,
            genesis: Hash32::read(buf)?,
        })
    }
}

impl FixedSize for ChainHead {
    const SIZE: usize = Height::SIZE + TimestampMs::SIZE + Hash32::SIZE;
}

/// The key of the chain head singleton.
pub const HEAD_KEY: u8 = 0;

/// `HEAD_KEY -> ChainHead`.
pub struct Head;
impl Table for Head {
    const ID: terrane_state::TableId = tables::CHAIN_HEAD;
    const NAME: &'static str = "chain_head";
    type Key = u8;
    type Value = ChainHead;
    fn value_cfg() {}
}
