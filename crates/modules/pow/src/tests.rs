//! One named test per framework rule, both sides.

use crate::{
    genesis,
    handler::{self, Precheck},
    msg::{sign, signature_valid},
    outcome::PowRejection,
    params::PowParams,
    schedule,
    types::{Report, Verdict},
};
use futures::executor::block_on;
use proptest::prelude::*;
use terrane_accounts::{genesis as accounts_genesis, params::AccountsParams};
use terrane_devices::{
    genesis as devices_genesis, handler as devices,
    msg::{DeactivateDevice, Domains},
    params::DevicesParams,
    testkit::{self, address_of, id_of, key},
    types::Capabilities,
};
use terrane_geo::offchain::cell_at;

/// Class 0's bytes for a registration (pow does not read them; the class checks them above
/// this crate).
fn coverage_caps() -> Capabilities {
    testkit::capabilities(0, &[0, 30, 0, 200, 0])
}
use terrane_primitives::{
    Amount, ChainId, ClassId, DeviceId, Epoch, Hash32, Height, Namespace, TimestampMs,
};
use terrane_state::{BlockEnv, MemStore, Overlay};

fn chain() -> ChainId {
    ChainId::new("pow-test").unwrap()
}

fn ns() -> Vec<u8> {
    chain().namespace(Namespace::DeviceReport)
}

fn env(height: u64, epoch: u64) -> BlockEnv {
    BlockEnv {
        chain_id: chain(),
        height: Height::new(height),
        epoch: Epoch::new(epoch),
        timestamp: TimestampMs::new(height * 500),
        randomness: Hash32::new([u8::try_from(epoch % 255).expect("below 255") + 1; 32]),
    }
}

/// Two coverage devices and a storage device, owned by one funded owner, epoch 0 open.
fn setup() -> Overlay<MemStore> {
    let owner = address_of(&key("owner"));
    let mut o = Overlay::new(MemStore::new());
    accounts_genesis::apply(
        &mut o,
        &[(owner, Amount::from_tokens(1_000).unwrap())],
        &AccountsParams::default(),
    );
    devices_genesis::apply(
        &mut o,
        &[address_of(&key("maker"))],
        &DevicesParams::default(),
    );
    genesis::apply(&mut o, &PowParams::default());
    handler::open_epoch(&mut o, Epoch::ZERO, Hash32::new([1; 32]), Height::new(1));
    let domains = Domains::of(&chain());
    let regs = [
        ("a", coverage_caps(), cell_at(52.52, 13.40, 12)),
        ("b", coverage_caps(), cell_at(52.53, 13.41, 12)),
        (
            "s",
            testkit::capabilities(1, &[0, 0, 0, 100]),
            cell_at(52.50, 13.38, 12),
        ),
    ];
    for (name, caps, cell) in regs {
        let msg = testkit::registration(&domains, &owner, &key(name), caps, cell, &key("maker"));
        block_on(devices::register(
            &mut o,
            &env(1, 0),
            &domains,
            &owner,
            &msg,
            terrane_devices::handler::ClassCheck::Accepted,
        ))
        .unwrap()
        .unwrap();
    }
    let (_, writes) = o.into_parts();
    let mut store = MemStore::new();
    store.apply(writes);
    Overlay::new(store)
}

fn report(device: &str, epoch: u64, class: ClassId, payload: &[u8]) -> Report {
    Report {
        device: id_of(&key(device)),
        epoch: Epoch::new(epoch),
        class,
        kind: 0,
        payload: payload.to_vec(),
    }
}

fn check(o: &Overlay<MemStore>, env: &BlockEnv, r: Report, signer: &str) -> Precheck {
    let signed = sign(&ns(), r, &key(signer));
    let ok = signature_valid(&ns(), &signed);
    block_on(handler::precheck(o, env, &signed, ok)).unwrap()
}

fn rejected(p: Precheck) -> (PowRejection, bool) {
    match p {
        Precheck::Rejected { code, charged, .. } => (code, charged.is_some()),
        Precheck::Accepted(_) => panic!("expected a rejection"),
    }
}

#[test]
fn accepts_a_report_signed_by_its_device() {
    let o = setup();
    assert!(matches!(
        check(&o, &env(2, 0), report("a", 0, ClassId::new(0), b"x"), "a"),
        Precheck::Accepted(_)
    ));
}

#[test]
fn accepts_a_report_signed_by_a_live_session_key_of_its_device() {
    let mut o = setup();
    let owner = address_of(&key("owner"));
    let msg = testkit::session(
        &Domains::of(&chain()),
        &key("a"),
        &key("a-session"),
        Height::new(100),
    );
    block_on(devices::authorize_session(
        &mut o,
        &env(2, 0),
        &Domains::of(&chain()),
        &owner,
        &msg,
    ))
    .unwrap()
    .unwrap();
    assert!(matches!(
        check(
            &o,
            &env(3, 0),
            report("a", 0, ClassId::new(0), b"x"),
            "a-session"
        ),
        Precheck::Accepted(_)
    ));
}

#[test]
fn rejects_a_report_from_an_unknown_signer() {
    let o = setup();
    let p = check(
        &o,
        &env(2, 0),
        report("ghost", 0, ClassId::new(0), b"x"),
        "ghost",
    );
    assert_eq!(rejected(p), (PowRejection::UnknownDevice, false));
}

#[test]
fn rejects_a_signer_speaking_for_another_device() {
    let o = setup();
    let p = check(&o, &env(2, 0), report("a", 0, ClassId::new(0), b"x"), "b");
    assert_eq!(rejected(p), (PowRejection::SignerMismatch, false));
}

#[test]
fn rejects_a_bad_signature_without_charging_the_device() {
    let o = setup();
    let mut signed = sign(&ns(), report("a", 0, ClassId::new(0), b"x"), &key("a"));
    signed.report.payload = b"tampered".to_vec();
    let ok = signature_valid(&ns(), &signed);
    assert!(!ok);
    let p = block_on(handler::precheck(&o, &env(2, 0), &signed, ok)).unwrap();
    assert_eq!(rejected(p), (PowRejection::BadReportSignature, false));
}

#[test]
fn rejects_reports_of_a_deactivated_device() {
    let mut o = setup();
    let owner = address_of(&key("owner"));
    block_on(devices::deactivate(
        &mut o,
        &owner,
        &DeactivateDevice {
            device: id_of(&key("a")),
        },
    ))
    .unwrap()
    .unwrap();
    let p = check(&o, &env(2, 0), report("a", 0, ClassId::new(0), b"x"), "a");
    assert_eq!(rejected(p), (PowRejection::DeviceInactive, false));
}

#[test]
fn rejects_stale_reports_without_charging_and_future_reports_with_charging() {
    let o = setup();
    let stale = check(&o, &env(500, 1), report("a", 0, ClassId::new(0), b"x"), "a");
    assert_eq!(rejected(stale), (PowRejection::StaleEpoch, false));
    let future = check(&o, &env(2, 0), report("a", 1, ClassId::new(0), b"x"), "a");
    assert_eq!(rejected(future), (PowRejection::FutureEpoch, true));
}

#[test]
fn rejects_a_report_of_another_class_than_its_device() {
    let o = setup();
    let p = check(&o, &env(2, 0), report("s", 0, ClassId::new(0), b"x"), "s");
    assert_eq!(rejected(p), (PowRejection::WrongClass, true));
}

#[test]
fn a_report_counts_once_and_its_replay_is_a_duplicate() {
    let mut o = setup();
    let e = env(2, 0);
    let r = report("a", 0, ClassId::new(0), b"x");
    let Precheck::Accepted(pre) = check(&o, &e, r.clone(), "a") else {
        panic!("accepted")
    };
    let p = PowParams::default();
    block_on(handler::record(
        &mut o,
        &e,
        &p,
        &pre.device,
        &pre.report,
        pre.report_id,
        Verdict::Valid { units: 5 },
    ))
    .unwrap();
    assert_eq!(
        rejected(check(&o, &e, r, "a")),
        (PowRejection::DuplicateReport, false)
    );
}

#[test]
fn valid_units_enter_the_epoch_ledger_once_per_device_with_its_density_cell() {
    let mut o = setup();
    let e = env(2, 0);
    let p = PowParams::default();
    for payload in [b"1", b"2"] {
        let Precheck::Accepted(pre) = check(&o, &e, report("a", 0, ClassId::new(0), payload), "a")
        else {
            panic!("accepted")
        };
        block_on(handler::record(
            &mut o,
            &e,
            &p,
            &pre.device,
            &pre.report,
            pre.report_id,
            Verdict::Valid { units: 3 },
        ))
        .unwrap();
    }
    let workers = block_on(handler::workers(&o, Epoch::ZERO)).unwrap();
    assert_eq!(workers.len(), 1);
    assert_eq!(workers[0].1.units, 6);
    let cell = workers[0].1.density_cell;
    assert_eq!(
        block_on(handler::cell_workers(&o, Epoch::ZERO, cell)).unwrap(),
        1
    );
    block_on(crate::invariants::check_epoch(&o, Epoch::ZERO))
        .unwrap()
        .unwrap();
}

#[test]
fn invalid_verdicts_lower_reputation_and_refused_ones_do_not() {
    let mut o = setup();
    let e = env(2, 0);
    let p = PowParams::default();
    let start = p.reputation_start_ppm;
    let judge = |payload: &[u8], v: Verdict, o: &mut Overlay<MemStore>| {
        let Precheck::Accepted(pre) = check(o, &e, report("a", 0, ClassId::new(0), payload), "a")
        else {
            panic!("accepted")
        };
        block_on(handler::record(
            o,
            &e,
            &p,
            &pre.device,
            &pre.report,
            pre.report_id,
            v,
        ))
        .unwrap();
        block_on(handler::device_work(o, &p, &id_of(&key("a")), Epoch::ZERO))
            .unwrap()
            .reputation_ppm
    };
    assert_eq!(judge(b"r", Verdict::Refused(409), &mut o), start);
    assert!(judge(b"i", Verdict::Invalid(406), &mut o) < start);
}

#[test]
fn outcome_ring_keeps_the_newest_outcomes_first() {
    let mut o = setup();
    let e = env(2, 0);
    let p = PowParams {
        outcomes_kept: 3,
        ..PowParams::default()
    };
    for i in 0u8..5 {
        let Precheck::Accepted(pre) = check(&o, &e, report("a", 0, ClassId::new(0), &[i]), "a")
        else {
            panic!("accepted")
        };
        block_on(handler::record(
            &mut o,
            &e,
            &p,
            &pre.device,
            &pre.report,
            pre.report_id,
            Verdict::Invalid(400 + u16::from(i)),
        ))
        .unwrap();
    }
    let codes: Vec<u16> = block_on(handler::recent_outcomes(&o, &p, &id_of(&key("a"))))
        .unwrap()
        .iter()
        .map(|r| r.code)
        .collect();
    assert_eq!(codes, vec![404, 403, 402]);
}

#[test]
fn a_window_has_a_work_phase_then_a_reveal_phase() {
    use schedule::Phase;
    let start = Height::new(101);
    let (a, b) = schedule::window_bounds(start, 100, 10, 3, 1);
    assert_eq!((a.get(), b.get()), (131, 161));
    let at = |h: u64| schedule::phase(Height::new(h), start, 100, 10, 3, 1);
    assert_eq!(at(130), Phase::Before);
    assert_eq!(at(131), Phase::Work);
    assert_eq!(at(160), Phase::Work);
    assert_eq!(at(161), Phase::Reveal);
    assert_eq!(at(170), Phase::Reveal);
    assert_eq!(at(171), Phase::After);
}

#[test]
fn pending_reports_change_reputation_only_when_judged_late() {
    let mut o = setup();
    let e = env(2, 0);
    let p = PowParams::default();
    let Precheck::Accepted(pre) = check(&o, &e, report("a", 0, ClassId::new(0), b"p"), "a") else {
        panic!("accepted")
    };
    block_on(handler::record(
        &mut o,
        &e,
        &p,
        &pre.device,
        &pre.report,
        pre.report_id,
        Verdict::Pending,
    ))
    .unwrap();
    let id = id_of(&key("a"));
    let w = block_on(handler::device_work(&o, &p, &id, Epoch::ZERO)).unwrap();
    assert_eq!(
        (w.reputation_ppm, w.valid_reports),
        (p.reputation_start_ppm, 0)
    );
    let record = crate::types::OutcomeRecord {
        report_id: pre.report_id,
        height: Height::new(3),
        epoch: Epoch::ZERO,
        kind: 0,
        code: 417,
        units: 0,
    };
    block_on(handler::record_late(
        &mut o,
        &e,
        &p,
        &pre.device,
        record,
        Some(false),
    ))
    .unwrap();
    let w = block_on(handler::device_work(&o, &p, &id, Epoch::ZERO)).unwrap();
    assert!(w.reputation_ppm < p.reputation_start_ppm);
    assert_eq!(w.invalid_reports, 1);
}

#[test]
fn windows_depend_on_the_epoch_randomness() {
    let devices: Vec<DeviceId> = (0..64).map(|i| id_of(&key(&format!("d{i}")))).collect();
    let w1: Vec<u32> = devices
        .iter()
        .map(|d| schedule::window_of(&Hash32::new([1; 32]), d, 4))
        .collect();
    let w2: Vec<u32> = devices
        .iter()
        .map(|d| schedule::window_of(&Hash32::new([2; 32]), d, 4))
        .collect();
    assert_ne!(w1, w2, "another epoch randomness reschedules devices");
    for w in 0..4 {
        assert!(w1.contains(&w), "every window is used");
    }
}

proptest! {
    #[test]
    fn work_phases_partition_the_epoch_before_its_grace_and_every_reveal_phase_ends_inside_it(
        len in 4u64..2_000, grace in 0u64..200, windows in 1u32..16, start in 1u64..1_000_000
    ) {
        prop_assume!(grace < len && u64::from(windows) <= len - grace);
        let start = Height::new(start);
        let mut covered = 0;
        for w in 0..windows {
            let (a, b) = schedule::window_bounds(start, len, grace, windows, w);
            prop_assert!(a < b);
            prop_assert!(b.get() + grace <= start.get() + len, "reveal phase leaves the epoch");
            covered += b.get() - a.get();
        }
        prop_assert_eq!(covered, len - grace);
    }

    #[test]
    fn epoch_of_and_epoch_start_agree(h in 1u64..10_000_000, len in 1u64..10_000) {
        let e = schedule::epoch_of(Height::new(h), len);
        let s = schedule::epoch_start(e, len);
        prop_assert!(s.get() <= h && h < s.get() + len);
        prop_assert_eq!(schedule::is_epoch_start(Height::new(h), len), s.get() == h);
    }
}

/// Declares epochs `[start, start + epochs)` of maintenance for device `name`.
fn rest(o: &mut Overlay<MemStore>, name: &str, start: u64, epochs: u32) {
    use terrane_maintenance::{genesis as mgen, handler as mh, params::MaintenanceParams};
    mgen::apply(o, &MaintenanceParams::default());
    let at = mh::At {
        height: Height::new(0),
        epoch: Epoch::ZERO,
        epoch_length_blocks: PowParams::default().epoch_length_blocks,
    };
    block_on(mh::declare(
        o,
        at,
        &id_of(&key(name)),
        Epoch::new(start),
        epochs,
    ))
    .unwrap()
    .unwrap();
}

#[test]
fn a_report_inside_a_declared_maintenance_window_is_refused_without_fault() {
    let mut o = setup();
    rest(&mut o, "a", 2, 2);
    let Precheck::Rejected { charged, code, .. } =
        check(&o, &env(900, 2), report("a", 2, ClassId::new(0), b"p"), "a")
    else {
        panic!("a resting device's report is refused")
    };
    assert_eq!((charged, code), (None, PowRejection::InMaintenance));
    assert!(matches!(
        check(
            &o,
            &env(1700, 4),
            report("a", 4, ClassId::new(0), b"p"),
            "a"
        ),
        Precheck::Accepted(_)
    ));
}

#[test]
fn reputation_does_not_decay_over_the_epochs_of_a_maintenance_window() {
    let p = PowParams::default();
    let id = id_of(&key("a"));
    let high = |o: &mut Overlay<MemStore>| {
        let mut w = crate::reputation::fresh(&p, Epoch::ZERO);
        w.reputation_ppm = 900_000;
        o.put::<crate::state_key::Work>(&id, &w);
    };
    let mut plain = setup();
    high(&mut plain);
    let mut rested = setup();
    high(&mut rested);
    rest(&mut rested, "a", 3, 5);
    let at = |o: &Overlay<MemStore>, e| {
        block_on(handler::device_work(o, &p, &id, Epoch::new(e)))
            .unwrap()
            .reputation_ppm
    };
    // Epochs 0..10 with 5 of them excused decay as far as 5 idle epochs do.
    assert_eq!(at(&rested, 10), at(&plain, 5));
    assert!(at(&rested, 10) > at(&plain, 10));
    assert_eq!(at(&rested, 3), at(&plain, 3), "before the window: the same");
    // Settling stores the excused record: later reads decay only from there.
    block_on(handler::settle(&mut rested, &p, &id, Epoch::new(10))).unwrap();
    assert_eq!(at(&rested, 12), at(&plain, 7));
}
