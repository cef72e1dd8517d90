//! The sessions messages.

use crate::types::Receipt;
use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use commonware_cryptography::ed25519;
use terrane_credits::types::{Credits, EscrowId};
use terrane_primitives::DeviceId;

/// The signer (the consumer) opens a session with a hotspot, escrowing `deposit` credits for
/// `duration_blocks` blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenSession {
    /// The hotspot.
    pub device: DeviceId,
    /// Credits to escrow.
    pub deposit: Credits,
    /// How long the session runs, in blocks.
    pub duration_blocks: u64,
}

impl Write for OpenSession {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.deposit.write(buf);
        self.duration_blocks.write(buf);
    }
}

impl Read for OpenSession {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            deposit: Credits::read(buf)?,
            duration_blocks: u64::read(buf)?,
        })
    }
}

impl FixedSize for OpenSession {
    const SIZE: usize = 32 + 8 + 8;
}

/// A consumer-signed receipt, submitted by anyone (the hotspot, its owner, a relay).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitReceipt {
    /// The receipt.
    pub receipt: Receipt,
    /// The session payer's signature over it (see [`Receipt::signing_namespace`]).
    pub signature: ed25519::Signature,
}

impl Write for SubmitReceipt {
    fn write(&self, buf: &mut impl BufMut) {
        self.receipt.write(buf);
        self.signature.write(buf);
    }
}

impl Read for SubmitReceipt {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            receipt: Receipt::read(buf)?,
            signature: ed25519::Signature::read(buf)?,
        })
    }
}

impl FixedSize for SubmitReceipt {
    const SIZE: usize = Receipt::SIZE + ed25519::Signature::SIZE;
}

/// Closes a session: the hotspot's owner at any time, the consumer after expiry and grace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CloseSession {
    /// The session.
    pub session: EscrowId,
}

impl Write for CloseSession {
    fn write(&self, buf: &mut impl BufMut) {
        self.session.write(buf);
    }
}

impl Read for CloseSession {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            session: EscrowId::read(buf)?,
        })
    }
}

impl FixedSize for CloseSession {
    const SIZE: usize = 8;
}
