//! Checks and execution for the device registry.
//!
//! Every function checks all its rules before it writes anything and returns
//! `Ok(Err(rejection))` without writing when one fails; `Err` is a storage fault.

use crate::{
    events::DevicesEvent,
    msg::{
        AssertLocation, AuthorizeSessionKey, DeactivateDevice, Domains, RegisterDevice,
        RevokeSessionKey, TransferDevice, maker_message, registration_message, session_message,
    },
    outcome::DevicesRejection,
    params::DevicesParams,
    state_key::{Devices, Makers, PARAMS_KEY, Params, RegistryTotals, SINGLETON, SessionKeys},
    types::{Device, DeviceStatus, Registry, SessionKey},
};
use commonware_codec::DecodeExt;
use commonware_cryptography::{Verifier as _, ed25519};
use terrane_accounts::handler as accounts;
use terrane_geo::{DEVICE_RESOLUTION, H3Cell};
use terrane_primitives::{Address, DeviceId};
use terrane_state::{BlockEnv, Overlay, StateError, StateRead};

/// A module call's result: a storage fault, or an accepted value / a rejection.
pub type Executed<T> = Result<Result<T, DevicesRejection>, StateError>;

/// The registry parameters.
///
/// # Panics
/// If genesis did not write them.
pub async fn params<S: StateRead>(state: &Overlay<S>) -> Result<DevicesParams, StateError> {
    Ok(state
        .get::<Params>(&PARAMS_KEY)
        .await?
        .expect("devices params are written at genesis"))
}

/// The device `id`, if registered.
pub async fn device<S: StateRead>(
    state: &Overlay<S>,
    id: &DeviceId,
) -> Result<Option<Device>, StateError> {
    state.get::<Devices>(id).await
}

/// The ed25519 key of a device, session key or maker, if its 32 bytes are a valid point not
/// of small order (see [`terrane_primitives::keys`]).
pub fn public_key(id: &DeviceId) -> Option<ed25519::PublicKey> {
    terrane_primitives::keys::strong_ed25519(id.as_bytes())
}

fn valid_location(cell: H3Cell) -> bool {
    cell.validate(DEVICE_RESOLUTION).is_ok()
}

async fn owned<S: StateRead>(
    state: &Overlay<S>,
    signer: &Address,
    id: &DeviceId,
) -> Executed<Device> {
    let Some(d) = device(state, id).await? else {
        return Ok(Err(DevicesRejection::UnknownDevice));
    };
    if &d.owner != signer {
        return Ok(Err(DevicesRejection::NotOwner));
    }
    Ok(Ok(d))
}

async fn totals<S: StateRead>(state: &Overlay<S>) -> Result<Registry, StateError> {
    Ok(state
        .get::<RegistryTotals>(&SINGLETON)
        .await?
        .unwrap_or_default())
}

/// What the device's resource class said of the capabilities a registration carries. The
/// classes sit above this crate, so the caller asks the class (`ClassVerifier::check_capabilities`
/// in `terrane-app`) and passes the answer; the registry checks it in its place among the
/// other rules, so which code a registration breaking several rules gets is fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassCheck {
    /// The class accepts them.
    Accepted,
    /// The chain runs no class with this id.
    UnknownClass,
    /// The bytes are not the class's encoding.
    Malformed,
    /// A value is outside the class's limits.
    OutOfRange,
}

/// Registers a device owned by `signer`, burning the onboarding fee. `class_check` is the
/// device's class's verdict on `msg.capabilities`.
pub async fn register<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    domains: &Domains,
    signer: &Address,
    msg: &RegisterDevice,
    class_check: ClassCheck,
) -> Executed<Vec<DevicesEvent>> {
    let params = params(state).await?;
    let Some(device_key) = public_key(&msg.device) else {
        return Ok(Err(DevicesRejection::InvalidDeviceKey));
    };
    if !valid_location(msg.location) {
        return Ok(Err(DevicesRejection::InvalidLocation));
    }
    match class_check {
        ClassCheck::Accepted => {}
        ClassCheck::UnknownClass => return Ok(Err(DevicesRejection::UnknownClass)),
        ClassCheck::Malformed => return Ok(Err(DevicesRejection::CapabilitiesMalformed)),
        ClassCheck::OutOfRange => return Ok(Err(DevicesRejection::CapabilitiesOutOfRange)),
    }
    if device(state, &msg.device).await?.is_some() {
        return Ok(Err(DevicesRejection::DeviceExists));
    }
    if state.get::<Makers>(&msg.maker).await?.is_none() {
        return Ok(Err(DevicesRejection::MakerNotApproved));
    }
    let maker_key = ed25519::PublicKey::decode(bytes::Bytes::copy_from_slice(msg.maker.as_bytes()))
        .expect("approved makers are valid keys");
    if !maker_key.verify(
        &domains.maker,
        &maker_message(&msg.device, &msg.capabilities),
        &msg.maker_signature,
    ) {
        return Ok(Err(DevicesRejection::BadMakerSignature));
    }
    if !device_key.verify(
        &domains.registration,
        &registration_message(signer, &msg.device, msg.location, &msg.maker),
        &msg.device_signature,
    ) {
        return Ok(Err(DevicesRejection::BadDeviceSignature));
    }
    if accounts::burn(state, signer, params.onboarding_fee())
        .await?
        .is_err()
    {
        return Ok(Err(DevicesRejection::FeeUnpayable));
    }
    let mut record = Device {
        id: msg.device,
        owner: *signer,
        capabilities: msg.capabilities,
        maker: msg.maker,
        location: msg.location,
        status: DeviceStatus::Active,
        registered_at: env.height,
        registered_epoch: env.epoch,
        relocations: 0,
        owner_slot: 0,
        cell_slot: 0,
        class_slot: 0,
        session_generation: 0,
    };
    crate::index::insert(state, &mut record).await?;
    state.put::<Devices>(&msg.device, &record);
    let mut t = totals(state).await?;
    t.registered += 1;
    t.active += 1;
    state.put::<RegistryTotals>(&SINGLETON, &t);
    Ok(Ok(vec![DevicesEvent::Registered {
        device: msg.device,
        owner: *signer,
        class: msg.capabilities.class(),
        location: msg.location,
    }]))
}

/// Gives a device to a new owner.
pub async fn transfer<S: StateRead>(
    state: &mut Overlay<S>,
    signer: &Address,
    msg: &TransferDevice,
) -> Executed<Vec<DevicesEvent>> {
    let mut d = match owned(state, signer, &msg.device).await? {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    if d.owner == msg.new_owner {
        return Ok(Err(DevicesRejection::SameOwner));
    }
    let from = d.owner;
    crate::index::change_owner(state, &mut d, msg.new_owner).await?;
    // Every session key the seller authorized stops counting (see `SessionKey::live_for`).
    d.session_generation = d.session_generation.wrapping_add(1);
    state.put::<Devices>(&msg.device, &d);
    Ok(Ok(vec![DevicesEvent::OwnerChanged {
        device: msg.device,
        from,
        to: msg.new_owner,
    }]))
}

/// Re-asserts a device's location, burning the location fee. What a move costs a device in
/// its class (coverage's reward cooldown) is the class's reaction to the `Relocated` event.
pub async fn assert_location<S: StateRead>(
    state: &mut Overlay<S>,
    signer: &Address,
    msg: &AssertLocation,
) -> Executed<Vec<DevicesEvent>> {
    let params = params(state).await?;
    let mut d = match owned(state, signer, &msg.device).await? {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    if d.status != DeviceStatus::Active {
        return Ok(Err(DevicesRejection::DeviceInactive));
    }
    if !valid_location(msg.location) {
        return Ok(Err(DevicesRejection::InvalidLocation));
    }
    if d.location == msg.location {
        return Ok(Err(DevicesRejection::SameLocation));
    }
    if accounts::burn(state, signer, params.location_fee())
        .await?
        .is_err()
    {
        return Ok(Err(DevicesRejection::FeeUnpayable));
    }
    let from = d.location;
    let old_cell = crate::index::index_cell(&d);
    d.location = msg.location;
    crate::index::change_cell(state, &mut d, old_cell).await?;
    d.relocations = d.relocations.saturating_add(1);
    state.put::<Devices>(&msg.device, &d);
    Ok(Ok(vec![DevicesEvent::Relocated {
        device: msg.device,
        from,
        to: msg.location,
    }]))
}

/// Deactivates a device.
pub async fn deactivate<S: StateRead>(
    state: &mut Overlay<S>,
    signer: &Address,
    msg: &DeactivateDevice,
) -> Executed<Vec<DevicesEvent>> {
    let mut d = match owned(state, signer, &msg.device).await? {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    if d.status != DeviceStatus::Active {
        return Ok(Err(DevicesRejection::DeviceInactive));
    }
    d.status = DeviceStatus::Deactivated;
    state.put::<Devices>(&msg.device, &d);
    let mut t = totals(state).await?;
    t.active = t.active.saturating_sub(1);
    state.put::<RegistryTotals>(&SINGLETON, &t);
    Ok(Ok(vec![DevicesEvent::Deactivated { device: msg.device }]))
}

/// Records a session key the device signed for.
pub async fn authorize_session<S: StateRead>(
    state: &mut Overlay<S>,
    env: &BlockEnv,
    domains: &Domains,
    signer: &Address,
    msg: &AuthorizeSessionKey,
) -> Executed<Vec<DevicesEvent>> {
    let params = params(state).await?;
    let d = match owned(state, signer, &msg.device).await? {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    if d.status != DeviceStatus::Active {
        return Ok(Err(DevicesRejection::DeviceInactive));
    }
    if public_key(&msg.session_key).is_none() {
        return Ok(Err(DevicesRejection::InvalidDeviceKey));
    }
    let max = env.height.get().saturating_add(params.max_session_blocks);
    if msg.expires_at <= env.height || msg.expires_at.get() > max {
        return Ok(Err(DevicesRejection::SessionExpiryInvalid));
    }
    let device_key = public_key(&msg.device).expect("registered devices have valid keys");
    if !device_key.verify(
        &domains.session,
        &session_message(&msg.device, &msg.session_key, msg.expires_at),
        &msg.device_signature,
    ) {
        return Ok(Err(DevicesRejection::BadDeviceSignature));
    }
    // A key still live for some device is taken; an expired or superseded record is dead
    // weight and may be replaced (it is never deleted otherwise).
    if let Some(existing) = state.get::<SessionKeys>(&msg.session_key).await? {
        let live = match device(state, &existing.device).await? {
            Some(holder) => existing.live_for(&holder, env.height),
            None => false,
        };
        if live {
            return Ok(Err(DevicesRejection::SessionKeyExists));
        }
    }
    if state.get::<Devices>(&msg.session_key).await?.is_some() {
        // A device key cannot double as another device's session key.
        return Ok(Err(DevicesRejection::SessionKeyExists));
    }
    state.put::<SessionKeys>(
        &msg.session_key,
        &SessionKey {
            device: msg.device,
            expires_at: msg.expires_at,
            generation: d.session_generation,
        },
    );
    Ok(Ok(vec![DevicesEvent::SessionAuthorized {
        device: msg.device,
        session_key: msg.session_key,
        expires_at: msg.expires_at,
    }]))
}

/// Revokes a session key.
pub async fn revoke_session<S: StateRead>(
    state: &mut Overlay<S>,
    signer: &Address,
    msg: &RevokeSessionKey,
) -> Executed<Vec<DevicesEvent>> {
    let d = match owned(state, signer, &msg.device).await? {
        Ok(d) => d,
        Err(r) => return Ok(Err(r)),
    };
    // Only the current generation's keys are the owner's to revoke; a previous owner's are
    // already dead.
    match state.get::<SessionKeys>(&msg.session_key).await? {
        Some(s) if s.device == msg.device && s.generation == d.session_generation => {}
        _ => return Ok(Err(DevicesRejection::UnknownSessionKey)),
    }
    state.delete::<SessionKeys>(&msg.session_key);
    Ok(Ok(vec![DevicesEvent::SessionRevoked {
        device: msg.device,
        session_key: msg.session_key,
    }]))
}

/// The device a report signer speaks for at `env.height`: the device itself, or the device
/// whose unexpired session key it is. `None` if neither.
pub async fn signer_device<S: StateRead>(
    state: &Overlay<S>,
    env: &BlockEnv,
    signer: &DeviceId,
) -> Result<Option<DeviceId>, StateError> {
    if state.get::<Devices>(signer).await?.is_some() {
        return Ok(Some(*signer));
    }
    let Some(s) = state.get::<SessionKeys>(signer).await? else {
        return Ok(None);
    };
    let Some(d) = device(state, &s.device).await? else {
        return Ok(None);
    };
    Ok(s.live_for(&d, env.height).then_some(s.device))
}
