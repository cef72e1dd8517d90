//! Device transactions and the exact bytes each signature covers.
//!
//! Every signature uses the commonware framing `varint(len(ns)) || ns || message` with
//! `ns = "terrane/<chain-id>/<kind>"` (`docs/spec/encoding.md`):
//!
//! | signer | kind | message |
//! |---|---|---|
//! | maker | `maker-attestation` | `device[32] || encode(capabilities)` |
//! | device | `device-registration` | `owner[32] || device[32] || location u64be || maker[32]` |
//! | device | `session-key` | `device[32] || session_key[32] || expires_at u64be` |

use crate::types::Capabilities;
use bytes::BufMut;
use commonware_codec::{Buf, Encode, EncodeSize, Error, FixedSize, Read, ReadExt, Write};
use commonware_cryptography::ed25519;
use terrane_geo::H3Cell;
use terrane_primitives::{Address, ChainId, DeviceId, Height, Namespace};

/// The signing namespaces of one chain, computed once.
#[derive(Clone, Debug)]
pub struct Domains {
    /// Maker attestations.
    pub maker: Vec<u8>,
    /// Device registration consent.
    pub registration: Vec<u8>,
    /// Session key authorization.
    pub session: Vec<u8>,
}

impl Domains {
    /// The namespaces of `chain`.
    pub fn of(chain: &ChainId) -> Self {
        Self {
            maker: chain.namespace(Namespace::MakerAttestation),
            registration: chain.namespace(Namespace::DeviceRegistration),
            session: chain.namespace(Namespace::SessionKey),
        }
    }
}

/// What a maker signs: this device has these capabilities.
pub fn maker_message(device: &DeviceId, capabilities: &Capabilities) -> Vec<u8> {
    let mut m = device.as_bytes().to_vec();
    m.extend_from_slice(&capabilities.encode());
    m
}

/// What a device signs to accept its owner, location and maker.
pub fn registration_message(
    owner: &Address,
    device: &DeviceId,
    location: H3Cell,
    maker: &Address,
) -> Vec<u8> {
    let mut m = Vec::with_capacity(104);
    m.extend_from_slice(owner.as_bytes());
    m.extend_from_slice(device.as_bytes());
    m.extend_from_slice(&location.raw().to_be_bytes());
    m.extend_from_slice(maker.as_bytes());
    m
}

/// What a device signs to authorize a session key until `expires_at`.
pub fn session_message(device: &DeviceId, session_key: &DeviceId, expires_at: Height) -> Vec<u8> {
    let mut m = Vec::with_capacity(72);
    m.extend_from_slice(device.as_bytes());
    m.extend_from_slice(session_key.as_bytes());
    m.extend_from_slice(&expires_at.get().to_be_bytes());
    m
}

/// Register a device (the transaction's signer becomes its owner).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterDevice {
    /// The device's public key.
    pub device: DeviceId,
    /// Its class and capabilities (the class is the capabilities' tag).
    pub capabilities: Capabilities,
    /// Asserted location, an H3 cell at resolution 12.
    pub location: H3Cell,
    /// The maker's key (must be approved).
    pub maker: Address,
    /// The maker's attestation ([`maker_message`]).
    pub maker_signature: ed25519::Signature,
    /// The device's consent ([`registration_message`]).
    pub device_signature: ed25519::Signature,
}

impl Write for RegisterDevice {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.capabilities.write(buf);
        self.location.write(buf);
        self.maker.write(buf);
        self.maker_signature.write(buf);
        self.device_signature.write(buf);
    }
}

impl EncodeSize for RegisterDevice {
    fn encode_size(&self) -> usize {
        32 + self.capabilities.encode_size() + 8 + 32 + 64 + 64
    }
}

impl Read for RegisterDevice {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            capabilities: Capabilities::read(buf)?,
            location: H3Cell::read(buf)?,
            maker: Address::read(buf)?,
            maker_signature: ed25519::Signature::read(buf)?,
            device_signature: ed25519::Signature::read(buf)?,
        })
    }
}

/// Give a device to another owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferDevice {
    /// The device.
    pub device: DeviceId,
    /// Its new owner.
    pub new_owner: Address,
}

impl Write for TransferDevice {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.new_owner.write(buf);
    }
}

impl Read for TransferDevice {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            new_owner: Address::read(buf)?,
        })
    }
}

impl FixedSize for TransferDevice {
    const SIZE: usize = 64;
}

/// Re-assert a device's location (fee burned; coverage rewards pause for a cooldown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertLocation {
    /// The device.
    pub device: DeviceId,
    /// New H3 cell at resolution 12.
    pub location: H3Cell,
}

impl Write for AssertLocation {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.location.write(buf);
    }
}

impl Read for AssertLocation {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            location: H3Cell::read(buf)?,
        })
    }
}

impl FixedSize for AssertLocation {
    const SIZE: usize = 40;
}

/// Switch a device off: its reports are rejected from then on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeactivateDevice {
    /// The device.
    pub device: DeviceId,
}

impl Write for DeactivateDevice {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
    }
}

impl Read for DeactivateDevice {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
        })
    }
}

impl FixedSize for DeactivateDevice {
    const SIZE: usize = 32;
}

/// Record a session key the device authorized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizeSessionKey {
    /// The device.
    pub device: DeviceId,
    /// The session public key.
    pub session_key: DeviceId,
    /// Last height at which the key's signatures count.
    pub expires_at: Height,
    /// The device's authorization ([`session_message`]).
    pub device_signature: ed25519::Signature,
}

impl Write for AuthorizeSessionKey {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.session_key.write(buf);
        self.expires_at.write(buf);
        self.device_signature.write(buf);
    }
}

impl Read for AuthorizeSessionKey {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            session_key: DeviceId::read(buf)?,
            expires_at: Height::read(buf)?,
            device_signature: ed25519::Signature::read(buf)?,
        })
    }
}

impl FixedSize for AuthorizeSessionKey {
    const SIZE: usize = 32 + 32 + 8 + 64;
}

/// Revoke a session key before it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokeSessionKey {
    /// The device.
    pub device: DeviceId,
    /// The session public key.
    pub session_key: DeviceId,
}

impl Write for RevokeSessionKey {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.session_key.write(buf);
    }
}

impl Read for RevokeSessionKey {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            session_key: DeviceId::read(buf)?,
        })
    }
}

impl FixedSize for RevokeSessionKey {
    const SIZE: usize = 64;
}
