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
use terrane_state::{StateError, StateRead};

use crate::{
    events::EventKind,
    module::{Message as _, TxCtx},
    outcome::Outcome,
};

/// Largest encoded signed transaction accepted anywhere (API, mempool, block), in bytes.
pub const MAX_TX_BYTES: usize = 128 * 1024;

/// Declares [`Payload`] from one list of `tag => Variant(Message) "kind"` lines: the enum, its
/// tags and kind names, its encoding, its decoding, [`PAYLOADS`] and the one-line dispatch to
/// each message's [`Message::execute`](crate::module::Message::execute). Adding a payload is one
/// line here.
macro_rules! payloads {
    ($( $(#[$doc:meta])* $tag:literal => $variant:ident($msg:ty) $kind:literal, )*) => {
        /// What a transaction does. The tag byte is stable: never renumber a variant.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Payload {
            $( $(#[$doc])* $variant($msg), )*
        }

        /// Every payload as `(tag, kind)`, in tag order: the registry behind [`Payload::tag`] and
        /// [`Payload::kind`], for the API and the docs.
        pub const PAYLOADS: &[(u8, &str)] = &[$( ($tag, $kind), )*];

        impl Payload {
            /// The stable tag written before the payload body.
            pub const fn tag(&self) -> u8 {
                match self { $( Self::$variant(_) => $tag, )* }
            }

            /// A short name for logs, the API and the explorer.
            pub const fn kind(&self) -> &'static str {
                match self { $( Self::$variant(_) => $kind, )* }
            }

            /// Executes a charged transaction's payload: each arm hands the message to the
            /// module that owns it.
            pub(crate) async fn execute<S: StateRead>(
                &self,
                ctx: &mut TxCtx<'_, S>,
            ) -> Result<Result<Vec<EventKind>, Outcome>, StateError> {
                match self { $( Self::$variant(m) => m.execute(ctx).await, )* }
            }
        }

        impl Write for Payload {
            fn write(&self, buf: &mut impl BufMut) {
                self.tag().write(buf);
                match self { $( Self::$variant(m) => m.write(buf), )* }
            }
        }

        impl EncodeSize for Payload {
            fn encode_size(&self) -> usize {
                1 + match self { $( Self::$variant(m) => m.encode_size(), )* }
            }
        }

        impl Read for Payload {
            type Cfg = ();
            fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
                match u8::read(buf)? {
                    $( $tag => Ok(Self::$variant(<$msg>::read(buf)?)), )*
                    other => Err(Error::InvalidEnum(other)),
                }
            }
        }
    };
}

payloads! {
    /// Tag 0: move tokens ([`terrane_accounts::msg::Transfer`]).
    0 => Transfer(Transfer) "transfer",
    /// Tag 10: register a device ([`devices::RegisterDevice`]).
    10 => RegisterDevice(devices::RegisterDevice) "register_device",
    /// Tag 11: give a device to another owner.
    11 => TransferDevice(devices::TransferDevice) "transfer_device",
    /// Tag 12: re-assert a device's location.
    12 => AssertLocation(devices::AssertLocation) "assert_location",
    /// Tag 13: deactivate a device.
    13 => DeactivateDevice(devices::DeactivateDevice) "deactivate_device",
    /// Tag 14: record a session key a device authorized.
    14 => AuthorizeSessionKey(devices::AuthorizeSessionKey) "authorize_session_key",
    /// Tag 15: revoke a session key.
    15 => RevokeSessionKey(devices::RevokeSessionKey) "revoke_session_key",
    /// Tag 20: a bundle of device-signed proof-of-work reports (any relay may submit).
    20 => SubmitReports(SubmitReports) "submit_reports",
    /// Tag 30: claim a device's rewards for its owner.
    30 => ClaimRewards(ClaimRewards) "claim_rewards",
    /// Tag 40: an oracle key's TRN/USD price report ([`terrane_oracle::msg::SubmitPrice`]).
    40 => SubmitPrice(terrane_oracle::msg::SubmitPrice) "submit_price",
    /// Tag 50: burn TRN for data credits ([`terrane_credits::msg::BurnForCredits`]).
    50 => BurnForCredits(terrane_credits::msg::BurnForCredits) "burn_for_credits",
    /// Tag 60: open a paid data session with a hotspot ([`terrane_sessions::msg::OpenSession`]).
    60 => OpenSession(terrane_sessions::msg::OpenSession) "open_session",
    /// Tag 61: a consumer-signed usage receipt (any relay may submit).
    61 => SubmitReceipt(terrane_sessions::msg::SubmitReceipt) "submit_receipt",
    /// Tag 62: close a data session and refund its unpaid deposit.
    62 => CloseSession(terrane_sessions::msg::CloseSession) "close_session",
    /// Tag 70: bond or delegate TRN behind a device or validator ([`terrane_staking::msg::Stake`]).
    70 => Stake(terrane_staking::msg::Stake) "stake",
    /// Tag 71: start unbonding stake (released after the unbonding period).
    71 => Unstake(terrane_staking::msg::Unstake) "unstake",
    /// Tag 72: withdraw every unbonding entry whose release epoch has come.
    72 => WithdrawUnbonded(terrane_staking::msg::WithdrawUnbonded) "withdraw_unbonded",
    /// Tag 73: an operator schedules a new commission for its pool.
    73 => SetCommission(terrane_staking::msg::SetCommission) "set_commission",
    /// Tag 74: claim a position's share of its pool's rewards.
    74 => ClaimStakeRewards(terrane_staking::msg::ClaimStakeRewards) "claim_stake_rewards",
    /// Tag 80: evidence of an offence; the signer earns the bounty if it executes
    /// ([`terrane_slashing::msg::SubmitEvidence`]).
    80 => SubmitEvidence(terrane_slashing::msg::SubmitEvidence) "submit_evidence",
    /// Tag 81: the accused's counter-proof to a pending slash.
    81 => AppealSlash(terrane_slashing::msg::AppealSlash) "appeal_slash",
    /// Tag 90: the owner declares a device's maintenance window ahead of time
    /// ([`terrane_maintenance::msg::DeclareMaintenance`]).
    90 => DeclareMaintenance(terrane_maintenance::msg::DeclareMaintenance) "declare_maintenance",
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
