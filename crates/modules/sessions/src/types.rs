//! A data session, and the receipt a consumer signs.

use bytes::BufMut;
use commonware_codec::{Buf, Encode, Error, FixedSize, Read, ReadExt, Write};
use terrane_credits::types::{Credits, EscrowId};
use terrane_primitives::{Address, ChainId, DeviceId, Height, Namespace};

/// An open data session. Its id is its escrow's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// The consumer: who deposited, whose key signs receipts, who gets the refund.
    pub payer: Address,
    /// The hotspot serving it (its usage ledger is paid).
    pub device: DeviceId,
    /// Credits deposited (held in the escrow).
    pub deposit: Credits,
    /// Bytes per credit, frozen at opening.
    pub bytes_per_credit: u32,
    /// Bytes of the last paid receipt.
    pub paid_bytes: u64,
    /// Credits paid so far (`paid_bytes / bytes_per_credit`).
    pub paid: Credits,
    /// Nonce of the last paid receipt (0: none yet).
    pub last_nonce: u64,
    /// The height that opened it.
    pub opened: Height,
    /// The last height at which the session runs; receipts are still accepted for a grace
    /// period after it.
    pub expires: Height,
    /// Its place in the payer's list of open sessions.
    pub payer_slot: u32,
}

impl Write for Session {
    fn write(&self, buf: &mut impl BufMut) {
        self.payer.write(buf);
        self.device.write(buf);
        self.deposit.write(buf);
        self.bytes_per_credit.write(buf);
        self.paid_bytes.write(buf);
        self.paid.write(buf);
        self.last_nonce.write(buf);
        self.opened.write(buf);
        self.expires.write(buf);
        self.payer_slot.write(buf);
    }
}

impl Read for Session {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            payer: Address::read(buf)?,
            device: DeviceId::read(buf)?,
            deposit: Credits::read(buf)?,
            bytes_per_credit: u32::read(buf)?,
            paid_bytes: u64::read(buf)?,
            paid: Credits::read(buf)?,
            last_nonce: u64::read(buf)?,
            opened: Height::read(buf)?,
            expires: Height::read(buf)?,
            payer_slot: u32::read(buf)?,
        })
    }
}

impl FixedSize for Session {
    const SIZE: usize = 32 + 32 + 8 + 4 + 8 + 8 + 8 + 8 + 8 + 4;
}

/// What a consumer signs as a hotspot delivers: "you have delivered `bytes` in all on
/// `session`". Cumulative, so the latest receipt supersedes every earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The session.
    pub session: EscrowId,
    /// Bytes delivered since the session opened.
    pub bytes: u64,
    /// Strictly increasing per session (the consumer's counter).
    pub nonce: u64,
}

impl Receipt {
    /// The bytes a consumer's key signs: `ns = "terrane/<chain>/usage-receipt"`, then the
    /// receipt's encoding (what commonware's ed25519 signs with `ns` as its namespace).
    pub fn signing_namespace(chain: &ChainId) -> Vec<u8> {
        chain.namespace(Namespace::UsageReceipt)
    }

    /// The signed message (the receipt's encoding).
    pub fn message(&self) -> Vec<u8> {
        self.encode().to_vec()
    }
}

impl Write for Receipt {
    fn write(&self, buf: &mut impl BufMut) {
        self.session.write(buf);
        self.bytes.write(buf);
        self.nonce.write(buf);
    }
}

impl Read for Receipt {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            session: EscrowId::read(buf)?,
            bytes: u64::read(buf)?,
            nonce: u64::read(buf)?,
        })
    }
}

impl FixedSize for Receipt {
    const SIZE: usize = 24;
}
