//! Deterministic device keys and signed registrations for tests, simulations and devnet.
//!
//! Keys here derive from public names: never use them for a real device.

use crate::{
    msg::{
        AuthorizeSessionKey, Domains, RegisterDevice, maker_message, registration_message,
        session_message,
    },
    types::Capabilities,
};
use commonware_cryptography::{Signer as _, ed25519};
use terrane_geo::H3Cell;
use terrane_primitives::{Address, DeviceId, Height, sha256};

/// The ed25519 key derived from `name`.
pub fn key(name: &str) -> ed25519::PrivateKey {
    let d = sha256(&[b"terrane/testkit/device", name.as_bytes()]);
    ed25519::PrivateKey::from_seed(u64::from_be_bytes(d.as_bytes()[..8].try_into().expect("8")))
}

/// The device id of a key.
pub fn id_of(key: &ed25519::PrivateKey) -> DeviceId {
    DeviceId::from_slice(key.public_key().as_ref()).expect("32 bytes")
}

/// The address of a key (for makers and owners).
pub fn address_of(key: &ed25519::PrivateKey) -> Address {
    Address::from_slice(key.public_key().as_ref()).expect("32 bytes")
}

/// Capabilities of `class` with the class's encoding `bytes` (the class's own testkit builds
/// meaningful ones).
pub fn capabilities(class: u8, bytes: &[u8]) -> Capabilities {
    Capabilities::new(terrane_primitives::ClassId::new(class), bytes).expect("short enough")
}

/// A registration of `device` for `owner`, attested by `maker`.
pub fn registration(
    domains: &Domains,
    owner: &Address,
    device: &ed25519::PrivateKey,
    capabilities: Capabilities,
    location: H3Cell,
    maker: &ed25519::PrivateKey,
) -> RegisterDevice {
    let id = id_of(device);
    let maker_addr = address_of(maker);
    RegisterDevice {
        device: id,
        capabilities,
        location,
        maker: maker_addr,
        maker_signature: maker.sign(&domains.maker, &maker_message(&id, &capabilities)),
        device_signature: device.sign(
            &domains.registration,
            &registration_message(owner, &id, location, &maker_addr),
        ),
    }
}

/// A session key authorization signed by `device`.
pub fn session(
    domains: &Domains,
    device: &ed25519::PrivateKey,
    session_key: &ed25519::PrivateKey,
    expires_at: Height,
) -> AuthorizeSessionKey {
    let id = id_of(device);
    let sk = id_of(session_key);
    AuthorizeSessionKey {
        device: id,
        session_key: sk,
        expires_at,
        device_signature: device.sign(&domains.session, &session_message(&id, &sk, expires_at)),
    }
}
