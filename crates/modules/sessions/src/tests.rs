//! One named test per sessions rule, both sides, and the payment channel's bound as a property.

use crate::{
    genesis, handler,
    handler::Emitted,
    msg::{CloseSession, OpenSession, SubmitReceipt},
    outcome::SessionsRejection,
    params::SessionsParams,
    types::Receipt,
};
use commonware_cryptography::{Signer as _, ed25519};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_accounts::{genesis as accounts_genesis, params::AccountsParams};
use terrane_credits::{
    genesis as credits_genesis, handler as credits, invariants as credit_invariants,
    msg::BurnForCredits,
    params::CreditsParams,
    types::{Credits, EscrowId},
};
use terrane_devices::{
    genesis as devices_genesis, handler as devices,
    handler::ClassCheck,
    msg::{DeactivateDevice, Domains},
    params::DevicesParams,
    testkit::{self, address_of, id_of, key},
};
use terrane_geo::offchain::cell_at;
use terrane_oracle::{
    genesis as oracle_genesis, handler as oracle, msg::SubmitPrice, params::OracleParams,
    types::MicroUsdPerTrn,
};
use terrane_primitives::{Address, Amount, ChainId, DeviceId, Epoch, Hash32, Height, TimestampMs};
use terrane_state::{BlockEnv, MemStore, Overlay};

fn chain() -> ChainId {
    ChainId::new("sessions-test").unwrap()
}

fn env(height: u64) -> BlockEnv {
    BlockEnv {
        chain_id: chain(),
        height: Height::new(height),
        epoch: Epoch::new(height / 100),
        timestamp: TimestampMs::new(1_000_000 + height * 500),
        randomness: Hash32::default(),
    }
}

fn consumer_key() -> ed25519::PrivateKey {
    key("consumer")
}
fn consumer() -> Address {
    address_of(&consumer_key())
}
fn owner() -> Address {
    address_of(&key("owner"))
}
fn hotspot() -> DeviceId {
    id_of(&key("hotspot"))
}

/// A consumer with 100,000 credits ($1), a hotspot owned by `owner`, a class-7 device.
fn setup() -> Overlay<MemStore> {
    let mut o = Overlay::new(MemStore::new());
    accounts_genesis::apply(
        &mut o,
        &[
            (consumer(), Amount::from_tokens(1_000).unwrap()),
            (owner(), Amount::from_tokens(1_000).unwrap()),
        ],
        &AccountsParams::default(),
    );
    let oracle_key = address_of(&key("oracle"));
    oracle_genesis::apply(
        &mut o,
        &OracleParams {
            oracles: vec![oracle_key.to_string()],
            ..OracleParams::default()
        },
    );
    credits_genesis::apply(&mut o, &CreditsParams::default());
    devices_genesis::apply(
        &mut o,
        &[address_of(&key("maker"))],
        &DevicesParams::default(),
    );
    genesis::apply(&mut o, &SessionsParams::default());
    block_on(oracle::submit(
        &mut o,
        &env(1),
        &oracle_key,
        &SubmitPrice {
            price: MicroUsdPerTrn::new(1_000_000),
            timestamp: env(1).timestamp,
        },
    ))
    .unwrap()
    .unwrap();
    block_on(credits::buy(
        &mut o,
        &env(1),
        &consumer(),
        &BurnForCredits {
            to: consumer(),
            amount: Amount::from_tokens(1).unwrap(),
        },
    ))
    .unwrap()
    .unwrap();
    for (name, class) in [("hotspot", 0), ("meter", 7)] {
        let domains = Domains::of(&chain());
        let msg = testkit::registration(
            &domains,
            &owner(),
            &key(name),
            testkit::capabilities(class, &[0, 30, 0, 200, 0]),
            cell_at(52.52, 13.405, 12),
            &key("maker"),
        );
        block_on(devices::register(
            &mut o,
            &env(1),
            &domains,
            &owner(),
            &msg,
            ClassCheck::Accepted,
        ))
        .unwrap()
        .unwrap();
    }
    o
}

fn open_with(
    o: &mut Overlay<MemStore>,
    device: DeviceId,
    deposit: u64,
    duration: u64,
) -> Result<EscrowId, SessionsRejection> {
    let msg = OpenSession {
        device,
        deposit: Credits::new(deposit),
        duration_blocks: duration,
    };
    block_on(handler::open(o, &env(2), &consumer(), &msg))
        .unwrap()
        .map(|e| match e.sessions[0] {
            crate::events::SessionsEvent::Opened { session, .. } => session,
            _ => unreachable!(),
        })
}

/// A 10,000-credit session (240,000 bytes at 24 bytes a credit) running to height 102.
fn open(o: &mut Overlay<MemStore>) -> EscrowId {
    open_with(o, hotspot(), 10_000, 100).unwrap()
}

fn signed(session: EscrowId, bytes: u64, nonce: u64, by: &ed25519::PrivateKey) -> SubmitReceipt {
    let receipt = Receipt {
        session,
        bytes,
        nonce,
    };
    SubmitReceipt {
        receipt,
        signature: by.sign(&Receipt::signing_namespace(&chain()), &receipt.message()),
    }
}

fn submit_at(
    o: &mut Overlay<MemStore>,
    height: u64,
    msg: &SubmitReceipt,
) -> Result<Emitted, SessionsRejection> {
    block_on(handler::submit_receipt(o, &env(height), msg)).unwrap()
}

fn receipt(
    o: &mut Overlay<MemStore>,
    session: EscrowId,
    bytes: u64,
    nonce: u64,
) -> Result<u64, SessionsRejection> {
    submit_at(o, 3, &signed(session, bytes, nonce, &consumer_key())).map(|e| match e.sessions[0] {
        crate::events::SessionsEvent::ReceiptPaid { credits, .. } => credits.get(),
        _ => unreachable!(),
    })
}

fn close_by(
    o: &mut Overlay<MemStore>,
    height: u64,
    who: &Address,
    session: EscrowId,
) -> Result<Emitted, SessionsRejection> {
    block_on(handler::close(
        o,
        &env(height),
        who,
        &CloseSession { session },
    ))
    .unwrap()
}

fn paid_to_hotspot(o: &Overlay<MemStore>) -> u64 {
    block_on(credits::lifetime_usage(o, &hotspot()))
        .unwrap()
        .get()
}

fn dc(o: &Overlay<MemStore>, who: &Address) -> u64 {
    block_on(credits::balance(o, who)).unwrap().get()
}

fn check(o: &Overlay<MemStore>) {
    let burned = block_on(terrane_accounts::handler::supply(o))
        .unwrap()
        .burned;
    block_on(credit_invariants::check(o, [consumer(), owner()], burned))
        .unwrap()
        .unwrap();
}

#[test]
fn cumulative_receipts_pay_only_their_new_whole_credits_to_the_hotspot() {
    let mut o = setup();
    let s = open(&mut o);
    assert_eq!(dc(&o, &consumer()), 90_000, "the deposit left the balance");
    assert_eq!(
        receipt(&mut o, s, 2_400, 1),
        Ok(100),
        "2,400 bytes are 100 credits"
    );
    assert_eq!(
        receipt(&mut o, s, 2_450, 2),
        Ok(2),
        "50 more bytes complete two more credits"
    );
    assert_eq!(
        receipt(&mut o, s, 2_460, 3),
        Ok(0),
        "10 bytes are not yet a credit"
    );
    assert_eq!(
        receipt(&mut o, s, 2_472, 4),
        Ok(1),
        "the carried remainder pays once it is whole"
    );
    assert_eq!(paid_to_hotspot(&o), 103);
    assert_eq!(
        block_on(credits::device_usage(&o, Epoch::ZERO, &hotspot()))
            .unwrap()
            .get(),
        103
    );
    check(&o);
}

#[test]
fn a_replayed_or_reordered_receipt_is_refused_and_pays_nothing_twice() {
    let mut o = setup();
    let s = open(&mut o);
    let first = signed(s, 2_400, 1, &consumer_key());
    let second = signed(s, 4_800, 2, &consumer_key());
    submit_at(&mut o, 3, &second).unwrap();
    assert_eq!(
        submit_at(&mut o, 3, &second),
        Err(SessionsRejection::StaleReceipt),
        "a replay"
    );
    assert_eq!(
        submit_at(&mut o, 3, &first),
        Err(SessionsRejection::StaleReceipt),
        "an older one, late"
    );
    assert_eq!(
        receipt(&mut o, s, 4_800, 3),
        Err(SessionsRejection::NoNewBytes),
        "a new nonce, no new bytes"
    );
    assert_eq!(
        receipt(&mut o, s, 100, 4),
        Err(SessionsRejection::NoNewBytes),
        "fewer bytes than paid"
    );
    assert_eq!(paid_to_hotspot(&o), 200, "only the 4,800 bytes, once");
    check(&o);
}

#[test]
fn a_receipt_above_the_deposit_or_not_signed_by_the_payer_is_refused() {
    let mut o = setup();
    let s = open(&mut o);
    // 10,000 credits pay for 240,023 bytes at most (the 23 bytes make no credit).
    assert_eq!(
        receipt(&mut o, s, 240_024, 1),
        Err(SessionsRejection::OverEscrow)
    );
    assert_eq!(receipt(&mut o, s, 240_023, 1), Ok(10_000));
    let mut o = setup();
    let s = open(&mut o);
    let forged = signed(s, 2_400, 1, &key("hotspot"));
    assert_eq!(
        submit_at(&mut o, 3, &forged),
        Err(SessionsRejection::BadSignature)
    );
    let mut wrong_session = signed(s, 2_400, 1, &consumer_key());
    wrong_session.receipt.session = EscrowId::new(s.get() + 1);
    assert_eq!(
        submit_at(&mut o, 3, &wrong_session),
        Err(SessionsRejection::UnknownSession)
    );
    // A receipt signed for session s cannot be moved onto another session of the same payer.
    let t = open(&mut o);
    let mut moved = signed(s, 2_400, 1, &consumer_key());
    moved.receipt.session = t;
    assert_eq!(
        submit_at(&mut o, 3, &moved),
        Err(SessionsRejection::BadSignature)
    );
    assert_eq!(paid_to_hotspot(&o), 0);
    check(&o);
}

#[test]
fn opening_needs_an_active_hotspot_a_deposit_a_duration_and_credits() {
    let mut o = setup();
    let p = SessionsParams::default();
    assert_eq!(
        open_with(&mut o, id_of(&key("nobody")), 10_000, 10),
        Err(SessionsRejection::UnknownDevice)
    );
    assert_eq!(
        open_with(&mut o, id_of(&key("meter")), 10_000, 10),
        Err(SessionsRejection::NotAHotspot)
    );
    assert_eq!(
        open_with(&mut o, hotspot(), p.min_deposit - 1, 10),
        Err(SessionsRejection::DepositTooSmall)
    );
    assert_eq!(
        open_with(&mut o, hotspot(), 10_000, 0),
        Err(SessionsRejection::DurationOutOfRange)
    );
    assert_eq!(
        open_with(&mut o, hotspot(), 10_000, p.max_duration_blocks + 1),
        Err(SessionsRejection::DurationOutOfRange)
    );
    assert_eq!(
        open_with(&mut o, hotspot(), 100_001, 10),
        Err(SessionsRejection::InsufficientCredits)
    );
    assert_eq!(
        dc(&o, &consumer()),
        100_000,
        "nothing escrowed by a refusal"
    );
    for _ in 0..p.max_open_per_payer {
        open_with(&mut o, hotspot(), p.min_deposit, 10).unwrap();
    }
    assert_eq!(
        open_with(&mut o, hotspot(), p.min_deposit, 10),
        Err(SessionsRejection::TooManyOpen)
    );
    let mut fresh = setup();
    block_on(devices::deactivate(
        &mut fresh,
        &owner(),
        &DeactivateDevice { device: hotspot() },
    ))
    .unwrap()
    .unwrap();
    assert_eq!(
        open_with(&mut fresh, hotspot(), 10_000, 10),
        Err(SessionsRejection::DeviceInactive)
    );
    check(&o);
}

#[test]
fn the_payer_closes_only_after_expiry_and_grace_the_owner_any_time_and_the_rest_is_refunded() {
    let grace = SessionsParams::default().settle_grace_blocks;
    let mut o = setup();
    let s = open(&mut o); // opened at 2, expires at 102
    receipt(&mut o, s, 24_000, 1).unwrap(); // 1,000 credits
    assert_eq!(
        close_by(&mut o, 50, &address_of(&key("stranger")), s).unwrap_err(),
        SessionsRejection::NotAParty
    );
    assert_eq!(
        close_by(&mut o, 102 + grace, &consumer(), s).unwrap_err(),
        SessionsRejection::NotExpired
    );
    // Receipts are paid through the grace period, not after it.
    submit_at(&mut o, 102 + grace, &signed(s, 48_000, 2, &consumer_key())).unwrap();
    assert_eq!(
        submit_at(&mut o, 103 + grace, &signed(s, 72_000, 3, &consumer_key())),
        Err(SessionsRejection::SettlementOver)
    );
    close_by(&mut o, 103 + grace, &consumer(), s).unwrap();
    assert_eq!(
        dc(&o, &consumer()),
        90_000 + 8_000,
        "10,000 deposited, 2,000 paid"
    );
    assert_eq!(
        receipt(&mut o, s, 96_000, 4),
        Err(SessionsRejection::UnknownSession),
        "closed is gone"
    );
    assert_eq!(block_on(handler::open_count(&o, &consumer())).unwrap(), 0);
    // The hotspot's owner may end a session early; the consumer gets the rest back at once.
    let t = open(&mut o);
    close_by(&mut o, 10, &owner(), t).unwrap();
    assert_eq!(dc(&o, &consumer()), 98_000);
    let l = block_on(credits::ledger(&o)).unwrap();
    assert_eq!(
        (l.spent.get(), l.escrowed.get(), l.escrows_open),
        (2_000, 0, 0)
    );
    check(&o);
}

proptest! {
    /// Whatever receipts arrive, in whatever order, replayed or forged, the hotspot is paid
    /// exactly the credits of the largest accepted cumulative byte count, never above the
    /// deposit, and the payer gets back the rest.
    #[test]
    fn a_session_pays_exactly_the_best_accepted_receipt_and_never_above_its_deposit(
        receipts in prop::collection::vec((0u64..300_000, 0u64..20, any::<bool>()), 1..30),
    ) {
        let mut o = setup();
        let s = open(&mut o);
        let mut best_paid_bytes = 0u64;
        for (bytes, nonce, forged) in receipts {
            let by = if forged { key("mallory") } else { consumer_key() };
            if submit_at(&mut o, 3, &signed(s, bytes, nonce, &by)).is_ok() {
                prop_assert!(!forged);
                prop_assert!(bytes > best_paid_bytes);
                best_paid_bytes = bytes;
            }
            let paid = paid_to_hotspot(&o);
            prop_assert_eq!(paid, best_paid_bytes / 24);
            prop_assert!(paid <= 10_000);
            check(&o);
        }
        close_by(&mut o, 10, &owner(), s).unwrap();
        prop_assert_eq!(dc(&o, &consumer()) + paid_to_hotspot(&o), 100_000, "every credit is the payer's or the hotspot's");
    }
}

#[test]
fn the_payers_list_of_open_sessions_stays_contiguous_as_sessions_close() {
    let mut o = setup();
    let ids: Vec<EscrowId> = (0..4).map(|_| open(&mut o)).collect();
    close_by(&mut o, 10, &owner(), ids[1]).unwrap();
    close_by(&mut o, 10, &owner(), ids[3]).unwrap();
    let listed = block_on(handler::sessions_of(&o, &consumer())).unwrap();
    let listed_ids: Vec<EscrowId> = listed.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        listed_ids,
        vec![ids[0], ids[2]],
        "the last slot moved into the freed one"
    );
    for (slot, (_, s)) in listed.iter().enumerate() {
        assert_eq!(s.payer_slot as usize, slot);
    }
    close_by(&mut o, 10, &owner(), ids[0]).unwrap();
    close_by(&mut o, 10, &owner(), ids[2]).unwrap();
    assert!(
        block_on(handler::sessions_of(&o, &consumer()))
            .unwrap()
            .is_empty()
    );
    check(&o);
}
