//! One named test per registry rule, both sides.

use crate::{
    genesis, handler,
    handler::ClassCheck,
    msg::{AssertLocation, DeactivateDevice, Domains, RevokeSessionKey, TransferDevice},
    outcome::DevicesRejection,
    params::DevicesParams,
    testkit::{self, address_of, id_of, key},
    types::{Capabilities, DeviceStatus},
};
use futures::executor::block_on;
use terrane_accounts::{genesis as accounts_genesis, handler as accounts, params::AccountsParams};
use terrane_geo::{H3Cell, offchain::cell_at};
use terrane_primitives::{Address, Amount, ChainId, Epoch, Hash32, Height, TimestampMs};
use terrane_state::{BlockEnv, MemStore, Overlay};

fn chain() -> ChainId {
    ChainId::new("devices-test").unwrap()
}

fn domains() -> Domains {
    Domains::of(&chain())
}

fn env(height: u64, epoch: u64) -> BlockEnv {
    BlockEnv {
        chain_id: chain(),
        height: Height::new(height),
        epoch: Epoch::new(epoch),
        timestamp: TimestampMs::new(height * 500),
        randomness: Hash32::default(),
    }
}

fn owner() -> Address {
    address_of(&key("owner"))
}

fn berlin() -> H3Cell {
    cell_at(52.52, 13.405, 12)
}

fn paris() -> H3Cell {
    cell_at(48.8566, 2.3522, 12)
}

/// Capabilities of class 0: the registry stores the bytes without reading them.
fn caps() -> Capabilities {
    testkit::capabilities(0, &[0, 30, 0, 200, 0])
}

/// A chain with a funded owner, a poor owner and one approved maker.
fn setup() -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    accounts_genesis::apply(
        &mut o,
        &[
            (owner(), Amount::from_tokens(1_000).unwrap()),
            (address_of(&key("poor")), Amount::new(5)),
        ],
        &AccountsParams::default(),
    );
    genesis::apply(
        &mut o,
        &[address_of(&key("maker"))],
        &DevicesParams::default(),
    );
    let (_, writes) = o.into_parts();
    let mut store = MemStore::new();
    store.apply(writes);
    Overlay::new(store)
}

fn register(o: &mut Overlay<MemStore>, name: &str) -> Result<(), DevicesRejection> {
    let msg = testkit::registration(
        &domains(),
        &owner(),
        &key(name),
        caps(),
        berlin(),
        &key("maker"),
    );
    block_on(handler::register(
        o,
        &env(1, 0),
        &domains(),
        &owner(),
        &msg,
        ClassCheck::Accepted,
    ))
    .unwrap()
    .map(|_| ())
}

fn submit_registration(
    o: &mut Overlay<MemStore>,
    msg: &crate::msg::RegisterDevice,
) -> Result<Vec<crate::events::DevicesEvent>, DevicesRejection> {
    block_on(handler::register(
        o,
        &env(1, 0),
        &domains(),
        &owner(),
        msg,
        ClassCheck::Accepted,
    ))
    .unwrap()
}

fn authorize(
    o: &mut Overlay<MemStore>,
    height: u64,
    signer: &Address,
    msg: &crate::msg::AuthorizeSessionKey,
) -> Result<Vec<crate::events::DevicesEvent>, DevicesRejection> {
    block_on(handler::authorize_session(
        o,
        &env(height, 0),
        &domains(),
        signer,
        msg,
    ))
    .unwrap()
}

/// The device `session` speaks for at `height`.
fn speaks_for(
    o: &Overlay<MemStore>,
    height: u64,
    session: &commonware_cryptography::ed25519::PrivateKey,
) -> Option<terrane_primitives::DeviceId> {
    block_on(handler::signer_device(o, &env(height, 0), &id_of(session))).unwrap()
}

#[test]
fn registers_device_with_all_three_signatures_and_burns_the_onboarding_fee() {
    let mut o = setup();
    let before = block_on(accounts::account(&o, &owner())).unwrap().balance;
    register(&mut o, "dev").unwrap();
    let d = block_on(handler::device(&o, &id_of(&key("dev"))))
        .unwrap()
        .unwrap();
    assert_eq!(d.owner, owner());
    assert_eq!(d.location, berlin());
    assert_eq!(d.status, DeviceStatus::Active);
    let after = block_on(accounts::account(&o, &owner())).unwrap().balance;
    assert_eq!(
        before.get() - after.get(),
        DevicesParams::default().onboarding_fee
    );
    assert_eq!(block_on(crate::query::totals(&o)).unwrap().active, 1);
}

#[test]
fn rejects_registering_the_same_device_twice() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    assert_eq!(register(&mut o, "dev"), Err(DevicesRejection::DeviceExists));
}

#[test]
fn rejects_maker_that_is_not_approved() {
    let mut o = setup();
    let msg = testkit::registration(
        &domains(),
        &owner(),
        &key("dev"),
        caps(),
        berlin(),
        &key("rogue"),
    );
    let r = submit_registration(&mut o, &msg);
    assert_eq!(r.err(), Some(DevicesRejection::MakerNotApproved));
}

#[test]
fn rejects_maker_attestation_of_other_capabilities() {
    let mut o = setup();
    let mut msg = testkit::registration(
        &domains(),
        &owner(),
        &key("dev"),
        caps(),
        berlin(),
        &key("maker"),
    );
    // A gain inflator: the maker attested 3 dBi, the registration claims 9 dBi.
    msg.capabilities = testkit::capabilities(0, &[0, 90, 0, 200, 0]);
    let r = submit_registration(&mut o, &msg);
    assert_eq!(r.err(), Some(DevicesRejection::BadMakerSignature));
}

#[test]
fn rejects_device_consent_for_another_owner() {
    let mut o = setup();
    let msg = testkit::registration(
        &domains(),
        &owner(),
        &key("dev"),
        caps(),
        berlin(),
        &key("maker"),
    );
    let thief = address_of(&key("poor"));
    let r = block_on(handler::register(
        &mut o,
        &env(1, 0),
        &domains(),
        &thief,
        &msg,
        ClassCheck::Accepted,
    ))
    .unwrap();
    assert_eq!(r.err(), Some(DevicesRejection::BadDeviceSignature));
}

#[test]
fn rejects_location_that_is_not_a_resolution_12_cell() {
    let mut o = setup();
    for bad in [cell_at(52.52, 13.405, 11), H3Cell::from_raw(42)] {
        let msg = testkit::registration(
            &domains(),
            &owner(),
            &key("dev"),
            caps(),
            bad,
            &key("maker"),
        );
        let r = submit_registration(&mut o, &msg);
        assert_eq!(r.err(), Some(DevicesRejection::InvalidLocation));
    }
}

#[test]
fn refuses_capabilities_the_class_refuses_with_the_class_code_and_writes_nothing() {
    for (check, code) in [
        (ClassCheck::UnknownClass, DevicesRejection::UnknownClass),
        (
            ClassCheck::Malformed,
            DevicesRejection::CapabilitiesMalformed,
        ),
        (
            ClassCheck::OutOfRange,
            DevicesRejection::CapabilitiesOutOfRange,
        ),
    ] {
        let mut o = setup();
        let msg = testkit::registration(
            &domains(),
            &owner(),
            &key("dev"),
            caps(),
            berlin(),
            &key("maker"),
        );
        let before = block_on(accounts::account(&o, &owner())).unwrap().balance;
        let r = block_on(handler::register(
            &mut o,
            &env(1, 0),
            &domains(),
            &owner(),
            &msg,
            check,
        ))
        .unwrap();
        assert_eq!(r.err(), Some(code));
        assert!(
            block_on(handler::device(&o, &msg.device))
                .unwrap()
                .is_none()
        );
        let after = block_on(accounts::account(&o, &owner())).unwrap().balance;
        assert_eq!(before, after, "no fee is burned for a refused registration");
    }
}

#[test]
fn rejects_registration_the_owner_cannot_pay_for_and_writes_nothing() {
    let mut o = setup();
    let poor = address_of(&key("poor"));
    let msg = testkit::registration(
        &domains(),
        &poor,
        &key("dev"),
        caps(),
        berlin(),
        &key("maker"),
    );
    let r = block_on(handler::register(
        &mut o,
        &env(1, 0),
        &domains(),
        &poor,
        &msg,
        ClassCheck::Accepted,
    ))
    .unwrap();
    assert_eq!(r.err(), Some(DevicesRejection::FeeUnpayable));
    assert!(
        block_on(handler::device(&o, &id_of(&key("dev"))))
            .unwrap()
            .is_none()
    );
}

#[test]
fn rejects_device_key_that_is_not_an_ed25519_point() {
    let mut o = setup();
    let mut msg = testkit::registration(
        &domains(),
        &owner(),
        &key("dev"),
        caps(),
        berlin(),
        &key("maker"),
    );
    // Not the encoding of a curve point (y = 2 is not on the curve).
    let mut raw = [0u8; 32];
    raw[0] = 2;
    msg.device = terrane_primitives::DeviceId::new(raw);
    let r = submit_registration(&mut o, &msg);
    assert_eq!(r.err(), Some(DevicesRejection::InvalidDeviceKey));
}

#[test]
fn only_the_owner_transfers_a_device_and_not_to_itself() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let id = id_of(&key("dev"));
    let new = address_of(&key("buyer"));
    let stranger = address_of(&key("stranger"));
    let msg = TransferDevice {
        device: id,
        new_owner: new,
    };
    assert_eq!(
        block_on(handler::transfer(&mut o, &stranger, &msg))
            .unwrap()
            .err(),
        Some(DevicesRejection::NotOwner)
    );
    let same = TransferDevice {
        device: id,
        new_owner: owner(),
    };
    assert_eq!(
        block_on(handler::transfer(&mut o, &owner(), &same))
            .unwrap()
            .err(),
        Some(DevicesRejection::SameOwner)
    );
    block_on(handler::transfer(&mut o, &owner(), &msg))
        .unwrap()
        .unwrap();
    assert_eq!(
        block_on(handler::device(&o, &id)).unwrap().unwrap().owner,
        new
    );
}

#[test]
fn relocation_burns_the_fee_and_moves_the_device() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let id = id_of(&key("dev"));
    let before = block_on(accounts::account(&o, &owner())).unwrap().balance;
    let msg = AssertLocation {
        device: id,
        location: paris(),
    };
    block_on(handler::assert_location(&mut o, &owner(), &msg))
        .unwrap()
        .unwrap();
    let d = block_on(handler::device(&o, &id)).unwrap().unwrap();
    assert_eq!(d.location, paris());
    assert_eq!(d.relocations, 1);
    let after = block_on(accounts::account(&o, &owner())).unwrap().balance;
    assert_eq!(
        before.get() - after.get(),
        DevicesParams::default().location_fee
    );
}

#[test]
fn rejects_relocation_to_the_same_cell_or_by_a_stranger_or_of_an_inactive_device() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let id = id_of(&key("dev"));
    let same = AssertLocation {
        device: id,
        location: berlin(),
    };
    assert_eq!(
        block_on(handler::assert_location(&mut o, &owner(), &same))
            .unwrap()
            .err(),
        Some(DevicesRejection::SameLocation)
    );
    let stranger = address_of(&key("stranger"));
    let moved = AssertLocation {
        device: id,
        location: paris(),
    };
    assert_eq!(
        block_on(handler::assert_location(&mut o, &stranger, &moved))
            .unwrap()
            .err(),
        Some(DevicesRejection::NotOwner)
    );
    block_on(handler::deactivate(
        &mut o,
        &owner(),
        &DeactivateDevice { device: id },
    ))
    .unwrap()
    .unwrap();
    assert_eq!(
        block_on(handler::assert_location(&mut o, &owner(), &moved))
            .unwrap()
            .err(),
        Some(DevicesRejection::DeviceInactive)
    );
}

#[test]
fn deactivation_is_once_and_lowers_the_active_count() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let msg = DeactivateDevice {
        device: id_of(&key("dev")),
    };
    block_on(handler::deactivate(&mut o, &owner(), &msg))
        .unwrap()
        .unwrap();
    assert_eq!(block_on(crate::query::totals(&o)).unwrap().active, 0);
    assert_eq!(
        block_on(handler::deactivate(&mut o, &owner(), &msg))
            .unwrap()
            .err(),
        Some(DevicesRejection::DeviceInactive)
    );
}

#[test]
fn session_key_speaks_for_its_device_until_it_expires_or_is_revoked() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let id = id_of(&key("dev"));
    let sk = key("session");
    let msg = testkit::session(&domains(), &key("dev"), &sk, Height::new(50));
    authorize(&mut o, 10, &owner(), &msg).unwrap();
    assert_eq!(speaks_for(&o, 50, &sk), Some(id));
    assert_eq!(speaks_for(&o, 51, &sk), None);
    let revoke = RevokeSessionKey {
        device: id,
        session_key: id_of(&sk),
    };
    block_on(handler::revoke_session(&mut o, &owner(), &revoke))
        .unwrap()
        .unwrap();
    assert_eq!(speaks_for(&o, 20, &sk), None);
    assert_eq!(
        block_on(handler::revoke_session(&mut o, &owner(), &revoke))
            .unwrap()
            .err(),
        Some(DevicesRejection::UnknownSessionKey)
    );
}

#[test]
fn rejects_session_key_not_signed_by_the_device_or_living_too_long() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let sk = key("session");
    let forged = testkit::session(&domains(), &key("not-the-device"), &sk, Height::new(50));
    let mut forged = forged;
    forged.device = id_of(&key("dev"));
    assert_eq!(
        authorize(&mut o, 10, &owner(), &forged).err(),
        Some(DevicesRejection::BadDeviceSignature)
    );
    let far = Height::new(10 + DevicesParams::default().max_session_blocks + 1);
    let long = testkit::session(&domains(), &key("dev"), &sk, far);
    assert_eq!(
        authorize(&mut o, 10, &owner(), &long).err(),
        Some(DevicesRejection::SessionExpiryInvalid)
    );
    let past = testkit::session(&domains(), &key("dev"), &sk, Height::new(9));
    assert_eq!(
        authorize(&mut o, 10, &owner(), &past).err(),
        Some(DevicesRejection::SessionExpiryInvalid)
    );
}

#[test]
fn stored_records_satisfy_the_registry_invariants() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let d = block_on(handler::device(&o, &id_of(&key("dev"))))
        .unwrap()
        .unwrap();
    crate::invariants::check_record(&d).unwrap();
}

#[test]
fn device_record_round_trips_through_its_encoding() {
    use commonware_codec::{DecodeExt, Encode};
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let d = block_on(handler::device(&o, &id_of(&key("dev"))))
        .unwrap()
        .unwrap();
    let back = crate::types::Device::decode(d.encode()).unwrap();
    assert_eq!(back, d);
}

// ---- the owner / cell / class lists --------------------------------------------------------

use crate::index;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn transfer_and_relocation_move_a_device_between_lists() {
    let mut o = setup();
    register(&mut o, "d1").unwrap();
    register(&mut o, "d2").unwrap();
    let (d1, d2) = (id_of(&key("d1")), id_of(&key("d2")));
    let buyer = address_of(&key("buyer"));
    block_on(handler::transfer(
        &mut o,
        &owner(),
        &TransferDevice {
            device: d1,
            new_owner: buyer,
        },
    ))
    .unwrap()
    .unwrap();
    assert_eq!(
        block_on(index::by_owner(&o, &owner(), 10)).unwrap(),
        vec![d2]
    );
    assert_eq!(block_on(index::by_owner(&o, &buyer, 10)).unwrap(), vec![d1]);
    block_on(handler::assert_location(
        &mut o,
        &owner(),
        &AssertLocation {
            device: d2,
            location: paris(),
        },
    ))
    .unwrap()
    .unwrap();
    let berlin8 = berlin().parent(index::INDEX_RESOLUTION).unwrap().raw();
    let paris8 = paris().parent(index::INDEX_RESOLUTION).unwrap().raw();
    assert_eq!(
        block_on(index::by_index_cell(&o, berlin8, 10)).unwrap(),
        vec![d1]
    );
    assert_eq!(
        block_on(index::by_index_cell(&o, paris8, 10)).unwrap(),
        vec![d2]
    );
    assert_eq!(
        block_on(index::by_class(&o, terrane_primitives::ClassId::new(0), 10))
            .unwrap()
            .len(),
        2
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Random registrations and transfers keep every owner list equal to a model, with each
    /// device's recorded slot pointing at itself.
    #[test]
    fn owner_lists_match_a_model_under_random_transfers(ops in proptest::collection::vec((0u8..6, 0u8..3), 1..40)) {
        let mut o = setup();
        let owners: Vec<Address> = (0..3).map(|i| address_of(&key(&format!("o{i}")))).collect();
        let mut model: BTreeMap<Address, BTreeSet<terrane_primitives::DeviceId>> = BTreeMap::new();
        let mut current: BTreeMap<terrane_primitives::DeviceId, Address> = BTreeMap::new();
        for (dev, to) in ops {
            let id = id_of(&key(&format!("p{dev}")));
            let to = owners[usize::from(to)];
            match current.get(&id).copied() {
                None => {
                    register(&mut o, &format!("p{dev}")).unwrap();
                    block_on(handler::transfer(&mut o, &owner(), &TransferDevice { device: id, new_owner: to })).unwrap().unwrap();
                    model.entry(to).or_default().insert(id);
                    current.insert(id, to);
                }
                Some(from) if from != to => {
                    block_on(handler::transfer(&mut o, &from, &TransferDevice { device: id, new_owner: to })).unwrap().unwrap();
                    model.get_mut(&from).unwrap().remove(&id);
                    model.entry(to).or_default().insert(id);
                    current.insert(id, to);
                }
                Some(_) => {}
            }
        }
        for a in &owners {
            let listed = block_on(index::by_owner(&o, a, 100)).unwrap();
            let set: BTreeSet<_> = listed.iter().copied().collect();
            prop_assert_eq!(set.len(), listed.len());
            let expected = model.get(a).cloned().unwrap_or_default();
            prop_assert_eq!(&set, &expected);
            for (slot, id) in listed.iter().enumerate() {
                let d = block_on(handler::device(&o, id)).unwrap().unwrap();
                prop_assert_eq!(d.owner_slot as usize, slot);
            }
        }
    }
}

#[test]
fn a_transfer_silences_every_session_key_the_seller_authorized() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let id = id_of(&key("dev"));
    let sk = key("session");
    let msg = testkit::session(&domains(), &key("dev"), &sk, Height::new(500));
    authorize(&mut o, 10, &owner(), &msg).unwrap();
    assert_eq!(speaks_for(&o, 11, &sk), Some(id));
    let buyer = address_of(&key("buyer"));
    block_on(handler::transfer(
        &mut o,
        &owner(),
        &TransferDevice {
            device: id,
            new_owner: buyer,
        },
    ))
    .unwrap()
    .unwrap();
    assert_eq!(speaks_for(&o, 12, &sk), None);
    // The buyer has nothing to revoke, and may authorize the same key for itself.
    let revoke = RevokeSessionKey {
        device: id,
        session_key: id_of(&sk),
    };
    assert_eq!(
        block_on(handler::revoke_session(&mut o, &buyer, &revoke))
            .unwrap()
            .err(),
        Some(DevicesRejection::UnknownSessionKey)
    );
    authorize(&mut o, 13, &buyer, &msg).unwrap();
    assert_eq!(speaks_for(&o, 14, &sk), Some(id));
    let s = block_on(o.get::<crate::state_key::SessionKeys>(&id_of(&sk)))
        .unwrap()
        .unwrap();
    let d = block_on(handler::device(&o, &id)).unwrap().unwrap();
    crate::invariants::check_session(&s, Some(&d)).unwrap();
}

#[test]
fn an_expired_session_key_may_be_authorized_again_but_a_live_one_may_not() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    let sk = key("session");
    let first = testkit::session(&domains(), &key("dev"), &sk, Height::new(50));
    authorize(&mut o, 10, &owner(), &first).unwrap();
    let again = testkit::session(&domains(), &key("dev"), &sk, Height::new(90));
    assert_eq!(
        authorize(&mut o, 20, &owner(), &again).err(),
        Some(DevicesRejection::SessionKeyExists)
    );
    authorize(&mut o, 51, &owner(), &again).unwrap();
    assert_eq!(speaks_for(&o, 60, &sk), Some(id_of(&key("dev"))));
}

#[test]
fn a_device_key_cannot_be_another_devices_session_key() {
    let mut o = setup();
    register(&mut o, "dev").unwrap();
    register(&mut o, "other").unwrap();
    let msg = testkit::session(&domains(), &key("dev"), &key("other"), Height::new(50));
    assert_eq!(
        authorize(&mut o, 10, &owner(), &msg).err(),
        Some(DevicesRejection::SessionKeyExists)
    );
}

/// The all-zero key is a small-order point anyone can sign for (ZIP-215): as a device it
/// would let anyone speak for the hardware.
#[test]
fn rejects_a_small_order_device_key() {
    let mut o = setup();
    let mut msg = testkit::registration(
        &domains(),
        &owner(),
        &key("dev"),
        caps(),
        berlin(),
        &key("maker"),
    );
    msg.device = terrane_primitives::DeviceId::new([0; 32]);
    let r = submit_registration(&mut o, &msg);
    assert_eq!(r.err(), Some(DevicesRejection::InvalidDeviceKey));
}

#[test]
fn capabilities_round_trip_and_longer_ones_are_refused_by_the_decoder() {
    use commonware_codec::{DecodeExt, Encode};
    let c = testkit::capabilities(7, &[1, 2, 3]);
    assert_eq!(Capabilities::decode(c.encode()).unwrap(), c);
    assert_eq!(c.encode().as_ref(), &[7, 3, 1, 2, 3]);
    let max = crate::types::MAX_CAPABILITY_BYTES;
    assert!(Capabilities::new(terrane_primitives::ClassId::new(0), &vec![0; max + 1]).is_none());
    let mut long = vec![0u8, u8::try_from(max + 1).unwrap()];
    long.extend(vec![0; max + 1]);
    assert!(Capabilities::decode(bytes::Bytes::from(long)).is_err());
}
