//! The transaction envelope: who signs, which nonce, what fee, and what it does.
//!
//! Wire format (`docs/spec/transactions.md`):
//! ```text
//! SignedTransaction = Transaction || signature[64]
//! Transaction       = signer[32] || nonce u64be || fee u64be || payload_tag u8 || payload
//! signed message    = varint(len(ns)) || ns || encode(Transaction),  ns = "terrane/<chain-id>/tx"
//! transaction id    = SHA-256(encode(Transaction))
//! ```
//! The id covers the unsigned transaction, so re-encoding or re-signing cannot mint a second id
//! for the same intent; replays are stopped by the nonce.

use bytes::BufMut;
use commonware_codec::{
    Buf, DecodeExt, Encode, EncodeSize, Error, FixedSize, Read, ReadExt, Write,
};
use commonware_cryptography::{Signer as _, Verifier as _, ed25519};
use terrane_accounts::msg::Transfer;
use terrane_devices::msg as devices;
use terrane_pow::msg::SubmitReports;
use terrane_primitives::{Address, Amount, ChainId, Hash32, Namespace, Nonce, sha256};
use terrane_rewards::msg::ClaimRewards;

/// Largest encoded signed transaction accepted anywhere (API, mempool, block), in bytes.
pub const MAX_TX_BYTES: usize = 128 * 1024;

/// What a transaction does. The tag byte is stable: never renumber a variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// Tag 0: move tokens ([`terrane_accounts::msg::Transfer`]).
    Transfer(Transfer),
    /// Tag 10: register a device ([`devices::RegisterDevice`]).
    RegisterDevice(devices::RegisterDevice),
    /// Tag 11: give a device to another owner.
    TransferDevice(devices::TransferDevice),
    /// Tag 12: re-assert a device's location.
    AssertLocation(devices::AssertLocation),
    /// Tag 13: deactivate a device.
    DeactivateDevice(devices::DeactivateDevice),
    /// Tag 14: record a session key a device authorized.
    AuthorizeSessionKey(devices::AuthorizeSessionKey),
    /// Tag 15: revoke a session key.
    RevokeSessionKey(devices::RevokeSessionKey),
    /// Tag 20: a bundle of device-signed proof-of-work reports (any relay may submit).
    SubmitReports(SubmitReports),
    /// Tag 30: claim a device's rewards for its owner.
    ClaimRewards(ClaimRewards),
}

impl Payload {
    /// The stable tag written before the payload body.
    pub const fn tag(&self) -> u8 {
        match self {
            Self::Transfer(_) => 0,
            Self::RegisterDevice(_) => 10,
            Self::TransferDevice(_) => 11,
            Self::AssertLocation(_) => 12,
            Self::DeactivateDevice(_) => 13,
            Self::AuthorizeSessionKey(_) => 14,
            Self::RevokeSessionKey(_) => 15,
            Self::SubmitReports(_) => 20,
            Self::ClaimRewards(_) => 30,
        }
    }

    /// A short name for logs, the API and the explorer.
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Transfer(_) => "transfer",
            Self::RegisterDevice(_) => "register_device",
            Self::TransferDevice(_) => "transfer_device",
            Self::AssertLocation(_) => "assert_location",
            Self::DeactivateDevice(_) => "deactivate_device",
            Self::AuthorizeSessionKey(_) => "authorize_session_key",
            Self::RevokeSessionKey(_) => "revoke_session_key",
            Self::SubmitReports(_) => "submit_reports",
            Self::ClaimRewards(_) => "claim_rewards",
        }
    }
}

impl Write for Payload {
    fn write(&self, buf: &mut impl BufMut) {
        self.tag().write(buf);
        match self {
            Self::Transfer(m) => m.write(buf),
            Self::RegisterDevice(m) => m.write(buf),
            Self::TransferDevice(m) => m.write(buf),
            Self::AssertLocation(m) => m.write(buf),
            Self::DeactivateDevice(m) => m.write(buf),
            Self::AuthorizeSessionKey(m) => m.write(buf),
            Self::RevokeSessionKey(m) => m.write(buf),
            Self::SubmitReports(m) => m.write(buf),
            Self::ClaimRewards(m) => m.write(buf),
        }
    }
}

impl EncodeSize for Payload {
    fn encode_size(&self) -> usize {
        1 + match self {
            Self::Transfer(m) => m.encode_size(),
            Self::RegisterDevice(m) => m.encode_size(),
            Self::TransferDevice(m) => m.encode_size(),
            Self::AssertLocation(m) => m.encode_size(),
            Self::DeactivateDevice(m) => m.encode_size(),
            Self::AuthorizeSessionKey(m) => m.encode_size(),
            Self::RevokeSessionKey(m) => m.encode_size(),
            Self::SubmitReports(m) => m.encode_size(),
            Self::ClaimRewards(m) => m.encode_size(),
        }
    }
}

impl Read for Payload {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        match u8::read(buf)? {
            0 => Ok(Self::Transfer(Transfer::read(buf)?)),
            10 => Ok(Self::RegisterDevice(devices::RegisterDevice::read(buf)?)),
            11 => Ok(Self::TransferDevice(devices::TransferDevice::read(buf)?)),
            12 => Ok(Self::AssertLocation(devices::AssertLocation::read(buf)?)),
            13 => Ok(Self::DeactivateDevice(devices::DeactivateDevice::read(
                buf,
            )?)),
            14 => Ok(Self::AuthorizeSessionKey(
                devices::AuthorizeSessionKey::read(buf)?,
            )),
            15 => Ok(Self::RevokeSessionKey(devices::RevokeSessionKey::read(
                buf,
            )?)),
            20 => Ok(Self::SubmitReports(SubmitReports::read(buf)?)),
            30 => Ok(Self::ClaimRewards(ClaimRewards::read(buf)?)),
            other => Err(Error::InvalidEnum(other)),
        }
    }
}

/// An unsigned transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    /// The account that signs, pays the fee and whose nonce is consumed.
    pub signer: Address,
    /// Must equal the signer's next nonce when executed.
    pub nonce: Nonce,
    /// Burned when the transaction executes, whatever its payload's outcome.
    pub fee: Amount,
    /// What the transaction does.
    pub payload: Payload,
}

impl Transaction {
    /// The transaction id: SHA-256 of the unsigned encoding.
    pub fn id(&self) -> Hash32 {
        sha256(&[&self.encode()])
    }

    /// The minimum fee this transaction must pay under `params`, for its signed length (which
    /// does not depend on the fee's value: amounts are fixed-width).
    pub fn min_fee(&self, params: &terrane_accounts::params::AccountsParams) -> Amount {
        params.min_fee(self.encode_size() + ed25519::Signature::SIZE)
    }

    /// Signs for `chain`.
    ///
    /// # Panics
    /// If `key` is not the signer's key: building a transaction for someone else is a bug.
    pub fn sign(self, key: &ed25519::PrivateKey, chain: &ChainId) -> SignedTransaction {
        let public = key.public_key();
        assert_eq!(
            public.as_ref(),
            self.signer.as_bytes(),
            "signing key does not match the transaction's signer"
        );
        let signature = key.sign(&chain.namespace(Namespace::Transaction), &self.encode());
        SignedTransaction {
            tx: self,
            signature,
        }
    }
}

impl Write for Transaction {
    fn write(&self, buf: &mut impl BufMut) {
        self.signer.write(buf);
        self.nonce.write(buf);
        self.fee.write(buf);
        self.payload.write(buf);
    }
}

impl EncodeSize for Transaction {
    fn encode_size(&self) -> usize {
        Address::SIZE + Nonce::SIZE + Amount::SIZE + self.payload.encode_size()
    }
}

impl Read for Transaction {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            signer: Address::read(buf)?,
            nonce: Nonce::read(buf)?,
            fee: Amount::read(buf)?,
            payload: Payload::read(buf)?,
        })
    }
}

/// A transaction with its ed25519 signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedTransaction {
    /// The signed content.
    pub tx: Transaction,
    /// Signature by `tx.signer` over the chain's transaction namespace.
    pub signature: ed25519::Signature,
}

/// Why bytes are not a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeTxError {
    /// Longer than [`MAX_TX_BYTES`].
    #[error("transaction is {0} bytes, the limit is {MAX_TX_BYTES}")]
    TooLarge(usize),
    /// Not a canonical encoding (truncated, trailing bytes, unknown tag, over a field limit).
    #[error("transaction does not decode: {0}")]
    Malformed(String),
}

impl SignedTransaction {
    /// Decodes a signed transaction, enforcing [`MAX_TX_BYTES`] before reading anything.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, DecodeTxError> {
        if bytes.len() > MAX_TX_BYTES {
            return Err(DecodeTxError::TooLarge(bytes.len()));
        }
        Self::decode(bytes::Bytes::copy_from_slice(bytes))
            .map_err(|e| DecodeTxError::Malformed(e.to_string()))
    }

    /// The transaction id.
    pub fn id(&self) -> Hash32 {
        self.tx.id()
    }

    /// The signer's public key, or `None` if the 32 bytes are not a valid ed25519 point or are
    /// one of small order (which anyone could sign for: see [`terrane_primitives::keys`]).
    pub fn public_key(&self) -> Option<ed25519::PublicKey> {
        terrane_primitives::keys::strong_ed25519(self.tx.signer.as_bytes())
    }

    /// Checks the signature for `namespace` (from [`ChainId::namespace`]).
    pub fn verify(&self, namespace: &[u8]) -> bool {
        self.public_key()
            .is_some_and(|pk| pk.verify(namespace, &self.tx.encode(), &self.signature))
    }
}

impl Write for SignedTransaction {
    fn write(&self, buf: &mut impl BufMut) {
        self.tx.write(buf);
        self.signature.write(buf);
    }
}

impl EncodeSize for SignedTransaction {
    fn encode_size(&self) -> usize {
        self.tx.encode_size() + ed25519::Signature::SIZE
    }
}

impl Read for SignedTransaction {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            tx: Transaction::read(buf)?,
            signature: ed25519::Signature::read(buf)?,
        })
    }
}

/// The encoding of a signed transaction as it travels in blocks and over the API.
pub fn encode_signed(tx: &SignedTransaction) -> bytes::Bytes {
    tx.encode()
}
