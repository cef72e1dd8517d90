//! One named test per coverage rule (both sides), the commit-reveal flow, and epoch close.
// Placing test devices uses floating-point geography; state code never does.
#![allow(clippy::float_arithmetic)]

use crate::radio::{Band, capabilities as coverage};
use crate::{
    KIND_BEACON, KIND_WITNESS, genesis, handler,
    msg::{Beacon, Witness, commitment},
    outcome::CoverageRejection,
    params::CoverageParams,
    types::BeaconRecord,
    verify::{self, Judgement},
};
use commonware_codec::Encode;
use futures::executor::block_on;
use terrane_accounts::{genesis as accounts_genesis, params::AccountsParams};
use terrane_devices::{
    genesis as devices_genesis, handler as devices,
    msg::Domains,
    params::DevicesParams,
    testkit::{self, address_of, id_of, key},
    types::{Device, DeviceStatus},
};
use terrane_geo::{
    H3Cell,
    offchain::{cell_at, offset},
};
use terrane_pow::{
    genesis as pow_genesis,
    handler::{self as pow, Precheck},
    msg::{sign, signature_valid},
    params::PowParams,
    schedule,
    types::{Report, Verdict},
};
use terrane_primitives::{
    Address, Amount, ChainId, DeviceId, Epoch, Hash32, Height, Namespace, TimestampMs,
};
use terrane_state::{BlockEnv, MemStore, Overlay};

const FREQ: u32 = 868_100;
const BERLIN: (f64, f64) = (52.52, 13.405);

fn at_km_north(km: f64) -> H3Cell {
    let (lat, lng) = offset(BERLIN.0, BERLIN.1, km * 1000.0, 0.0);
    cell_at(lat, lng, 12)
}

fn device(name: &str, owner: &str, cell: H3Cell) -> Device {
    Device {
        id: id_of(&key(name)),
        owner: address_of(&key(owner)),
        capabilities: coverage(30, 270, Band::Eu868),
        maker: address_of(&key("maker")),
        location: cell,
        status: DeviceStatus::Active,
        registered_at: Height::new(1),
        registered_epoch: Epoch::ZERO,
        relocations: 0,
        owner_slot: 0,
        cell_slot: 0,
        class_slot: 0,
        session_generation: 0,
    }
}

fn witness_body(beaconer: &Device, rssi_dbm_x10: i16) -> Witness {
    Witness {
        beaconer: beaconer.id,
        commitment: commitment(&beaconer.id, &[7; 16]),
        rssi_dbm_x10,
        snr_db_x10: 50,
        frequency_khz: FREQ,
        timestamp_ms: 1_000_500,
    }
}

fn p() -> CoverageParams {
    CoverageParams::default()
}

fn code(r: Result<u32, Judgement>) -> Option<(CoverageRejection, bool)> {
    r.err().map(|j| (j.code, j.accountable))
}

// ---- pure witness rules --------------------------------------------------------------------

#[test]
fn accepts_a_plausible_witness_two_km_away() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(2.0));
    let d = verify::check_witness(&w, &b, &witness_body(&b, -900), &p()).unwrap();
    // Cell centers are within ~16 m of the points, so 2 km comes back within a few tens of m.
    assert!((1_950..=2_050).contains(&d), "distance {d}");
}

#[test]
fn rejects_self_witness() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    assert_eq!(
        code(verify::check_witness(&b, &b, &witness_body(&b, -900), &p())),
        Some((CoverageRejection::SelfWitness, true))
    );
}

#[test]
fn rejects_witness_owned_by_the_beaconers_owner() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let ring = device("ring-member", "alice", at_km_north(2.0));
    assert_eq!(
        code(verify::check_witness(
            &ring,
            &b,
            &witness_body(&b, -900),
            &p()
        )),
        Some((CoverageRejection::SameOwnerWitness, true))
    );
}

#[test]
fn rejects_witness_closer_than_minimum_distance_without_blame() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(0.1));
    assert_eq!(
        code(verify::check_witness(&w, &b, &witness_body(&b, -600), &p())),
        Some((CoverageRejection::WitnessTooClose, false))
    );
}

#[test]
fn rejects_witness_farther_than_max_distance_without_blame() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(150.0));
    assert_eq!(
        code(verify::check_witness(
            &w,
            &b,
            &witness_body(&b, -1300),
            &p()
        )),
        Some((CoverageRejection::WitnessTooFar, false))
    );
}

#[test]
fn rejects_signal_stronger_than_free_space_loss_allows() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(2.0));
    // At 2 km and 868 MHz, 27 dBm with 3 dBi antennas arrives at about -64 dBm at best.
    assert!(verify::check_witness(&w, &b, &witness_body(&b, -650), &p()).is_ok());
    assert_eq!(
        code(verify::check_witness(&w, &b, &witness_body(&b, -500), &p())),
        Some((CoverageRejection::SignalTooStrong, false))
    );
}

#[test]
fn rejects_signal_below_the_noise_floor() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(2.0));
    assert_eq!(
        code(verify::check_witness(
            &w,
            &b,
            &witness_body(&b, -1500),
            &p()
        )),
        Some((CoverageRejection::SignalBelowNoise, true))
    );
}

#[test]
fn rejects_implausible_snr() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(2.0));
    let mut body = witness_body(&b, -900);
    body.snr_db_x10 = 500;
    assert_eq!(
        code(verify::check_witness(&w, &b, &body, &p())),
        Some((CoverageRejection::SnrImplausible, true))
    );
}

#[test]
fn rejects_witness_frequency_outside_the_beaconers_band() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(2.0));
    let mut body = witness_body(&b, -900);
    body.frequency_khz = 915_000;
    assert_eq!(
        code(verify::check_witness(&w, &b, &body, &p())),
        Some((CoverageRejection::WitnessFrequencyOutOfBand, true))
    );
}

#[test]
fn rejects_witness_of_a_device_that_is_not_a_coverage_hotspot() {
    let mut b = device("beaconer", "alice", at_km_north(0.0));
    b.capabilities = testkit::capabilities(1, &[0, 0, 0, 1]);
    let w = device("witness", "bob", at_km_north(2.0));
    assert_eq!(
        code(verify::check_witness(&w, &b, &witness_body(&b, -900), &p())),
        Some((CoverageRejection::UnknownBeaconer, false))
    );
}

#[test]
fn rejects_witness_when_an_asserted_location_is_missing() {
    let b = device("beaconer", "alice", H3Cell::from_raw(0));
    let w = device("witness", "bob", at_km_north(2.0));
    assert_eq!(
        code(verify::check_witness(&w, &b, &witness_body(&b, -900), &p())),
        Some((CoverageRejection::NoAssertedLocation, false))
    );
}

// ---- pure beacon rules ---------------------------------------------------------------------

fn beacon() -> Beacon {
    Beacon {
        nonce: [7; 16],
        frequency_khz: FREQ,
        timestamp_ms: 1_000_000,
    }
}

#[test]
fn accepts_a_beacon_in_band_on_time_in_its_window() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    assert!(verify::check_beacon(&b, &beacon(), &p(), 1_000_000, true, false).is_ok());
}

#[test]
fn rejects_beacon_outside_the_scheduled_window() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let r = verify::check_beacon(&b, &beacon(), &p(), 1_000_000, false, false);
    assert_eq!(
        r.err().map(|j| j.code),
        Some(CoverageRejection::BeaconOutsideWindow)
    );
}

#[test]
fn rejects_beacon_frequency_out_of_band() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let mut bc = beacon();
    bc.frequency_khz = 2_400_000;
    let r = verify::check_beacon(&b, &bc, &p(), 1_000_000, true, false);
    assert_eq!(
        r.err().map(|j| j.code),
        Some(CoverageRejection::BeaconFrequencyOutOfBand)
    );
}

#[test]
fn rejects_stale_or_future_beacon_timestamp() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let skew = p().max_beacon_skew_ms;
    for block in [1_000_000 + skew + 1, 1_000_000 - skew - 1] {
        let r = verify::check_beacon(&b, &beacon(), &p(), block, true, false);
        assert_eq!(
            r.err().map(|j| j.code),
            Some(CoverageRejection::BeaconTimestampSkew)
        );
    }
    assert!(verify::check_beacon(&b, &beacon(), &p(), 1_000_000 + skew, true, false).is_ok());
}

#[test]
fn rejects_a_second_beacon_in_the_same_epoch() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let r = verify::check_beacon(&b, &beacon(), &p(), 1_000_000, true, true);
    assert_eq!(
        r.err().map(|j| j.code),
        Some(CoverageRejection::DuplicateBeacon)
    );
}

// ---- rules applied at epoch close ----------------------------------------------------------

fn revealed(b: &Device) -> BeaconRecord {
    BeaconRecord {
        commitment: commitment(&b.id, &[7; 16]),
        report_id: Hash32::default(),
        frequency_khz: FREQ,
        timestamp_ms: 1_000_000,
        revealed_at: Height::new(10),
    }
}

#[test]
fn witness_matching_the_revealed_beacon_counts() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    assert!(
        verify::check_against_beacon(&b.id, &witness_body(&b, -900), Some(&revealed(&b)), &p())
            .is_ok()
    );
}

#[test]
fn a_witness_is_unmatched_by_another_reveal_and_unconfirmed_without_one() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let mut body = witness_body(&b, -900);
    body.commitment = commitment(&b.id, &[8; 16]);
    assert_eq!(
        verify::check_against_beacon(&b.id, &body, Some(&revealed(&b)), &p()),
        Err(CoverageRejection::UnmatchedWitness)
    );
    assert_eq!(
        verify::check_against_beacon(&b.id, &witness_body(&b, -900), None, &p()),
        Err(CoverageRejection::BeaconNotRevealed)
    );
}

#[test]
fn witness_on_another_frequency_than_the_beacon_does_not_count() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let mut body = witness_body(&b, -900);
    body.frequency_khz = FREQ + p().frequency_tolerance_khz + 1;
    assert_eq!(
        verify::check_against_beacon(&b.id, &body, Some(&revealed(&b)), &p()),
        Err(CoverageRejection::WitnessFrequencyMismatch)
    );
}

#[test]
fn witness_before_the_beacon_or_too_late_does_not_count() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    for ts in [999_999, 1_000_000 + p().max_witness_delay_ms + 1] {
        let mut body = witness_body(&b, -900);
        body.timestamp_ms = ts;
        assert_eq!(
            verify::check_against_beacon(&b.id, &body, Some(&revealed(&b)), &p()),
            Err(CoverageRejection::WitnessTimingInvalid)
        );
    }
}

#[test]
fn beaconer_units_saturate_and_witness_units_shrink_with_more_witnesses() {
    let p = p();
    assert_eq!(verify::beacon_units(0, &p), 0);
    assert!(verify::beacon_units(2, &p) < verify::beacon_units(4, &p));
    assert_eq!(verify::beacon_units(4, &p), verify::beacon_units(14, &p));
    assert_eq!(verify::witness_units(1, &p), verify::witness_units(4, &p));
    assert!(verify::witness_units(8, &p) < verify::witness_units(4, &p));
    for n in 1..=14 {
        assert!(
            u64::from(n) * verify::witness_units(n, &p)
                <= p.witness_units * u64::from(p.witness_saturation)
        );
    }
}

#[test]
fn witness_selection_ignores_arrival_order_and_depends_on_the_closing_randomness() {
    let b = id_of(&key("beaconer"));
    let ws: Vec<DeviceId> = (0..20).map(|i| id_of(&key(&format!("w{i}")))).collect();
    let order = |r: u8, ws: &[DeviceId]| {
        let mut v: Vec<(Hash32, DeviceId)> = ws
            .iter()
            .map(|w| (verify::selection_draw(&Hash32::new([r; 32]), &b, w), *w))
            .collect();
        v.sort();
        v.into_iter().take(14).map(|(_, w)| w).collect::<Vec<_>>()
    };
    let mut reversed = ws.clone();
    reversed.reverse();
    assert_eq!(order(1, &ws), order(1, &reversed));
    assert_ne!(order(1, &ws), order(2, &ws));
}

// ---- the handler: commit-reveal and close --------------------------------------------------

struct World {
    o: Overlay<MemStore>,
    ns: Vec<u8>,
}

fn chain() -> ChainId {
    ChainId::new("coverage-test").unwrap()
}

fn env(height: u64) -> BlockEnv {
    BlockEnv {
        chain_id: chain(),
        height: Height::new(height),
        epoch: Epoch::ZERO,
        // A block every 250 ms from 1 000 000 ms at height 1.
        timestamp: TimestampMs::new(1_000_000 + height.saturating_sub(1) * 250),
        randomness: Hash32::new([9; 32]),
    }
}

fn pow_params() -> PowParams {
    PowParams {
        windows_per_epoch: 1,
        ..PowParams::default()
    }
}

/// A beaconer owned by alice at the origin and witnesses owned by others `km` north.
fn world(witnesses: &[(&str, &str, f64)]) -> World {
    world_funded(&[], witnesses)
}

/// Like [`world`], after `(funder, new owner)` transfers at height 1 that create the new
/// owners' accounts.
fn world_funded(funding: &[(&str, &str)], witnesses: &[(&str, &str, f64)]) -> World {
    let mut o = Overlay::new(MemStore::new());
    let owners: Vec<(Address, Amount)> = ["alice", "bob", "carol", "dave", "erin"]
        .iter()
        .map(|n| (address_of(&key(n)), Amount::from_tokens(1_000).unwrap()))
        .collect();
    accounts_genesis::apply(&mut o, &owners, &AccountsParams::default());
    devices_genesis::apply(
        &mut o,
        &[address_of(&key("maker"))],
        &DevicesParams::default(),
    );
    pow_genesis::apply(&mut o, &pow_params());
    genesis::apply(&mut o, &CoverageParams::default());
    pow::open_epoch(&mut o, Epoch::ZERO, Hash32::new([1; 32]), Height::new(1));
    for (funder, owner) in funding {
        let t = terrane_accounts::msg::Transfer {
            to: address_of(&key(owner)),
            amount: Amount::from_tokens(10).unwrap(),
            memo: vec![],
        };
        block_on(terrane_accounts::handler::transfer(
            &mut o,
            &address_of(&key(funder)),
            &t,
            Height::new(1),
        ))
        .unwrap()
        .unwrap();
    }
    let domains = Domains::of(&chain());
    let mut regs = vec![("beaconer", "alice", 0.0)];
    regs.extend_from_slice(witnesses);
    for (name, owner, km) in regs {
        let owner = address_of(&key(owner));
        let msg = testkit::registration(
            &domains,
            &owner,
            &key(name),
            coverage(30, 270, Band::Eu868),
            at_km_north(km),
            &key("maker"),
        );
        block_on(devices::register(
            &mut o,
            &env(1),
            &domains,
            &owner,
            &msg,
            terrane_devices::handler::ClassCheck::Accepted,
        ))
        .unwrap()
        .unwrap();
    }
    World {
        o,
        ns: chain().namespace(Namespace::DeviceReport),
    }
}

impl World {
    fn submit(&mut self, name: &str, kind: u8, payload: Vec<u8>, height: u64) -> Verdict {
        let report = Report {
            device: id_of(&key(name)),
            epoch: Epoch::ZERO,
            class: crate::CLASS,
            kind,
            payload,
        };
        let signed = sign(&self.ns, report, &key(name));
        let ok = signature_valid(&self.ns, &signed);
        let e = env(height);
        match block_on(pow::precheck(&self.o, &e, &signed, ok)).unwrap() {
            Precheck::Accepted(pre) => {
                let v =
                    block_on(handler::verify_report(&mut self.o, &e, &pow_params(), &pre)).unwrap();
                block_on(pow::record(
                    &mut self.o,
                    &e,
                    &pow_params(),
                    &pre.device,
                    &pre.report,
                    pre.report_id,
                    v,
                ))
                .unwrap();
                v
            }
            Precheck::Rejected { code, .. } => Verdict::Invalid(code.code()),
        }
    }

    fn witness(&mut self, name: &str, rssi: i16, height: u64) -> Verdict {
        self.witness_of_nonce(name, rssi, height, [7; 16])
    }

    /// A witness committing to `nonce` (the beaconer reveals `[7; 16]`).
    fn witness_of_nonce(&mut self, name: &str, rssi: i16, height: u64, nonce: [u8; 16]) -> Verdict {
        let b = id_of(&key("beaconer"));
        let body = Witness {
            beaconer: b,
            commitment: commitment(&b, &nonce),
            rssi_dbm_x10: rssi,
            snr_db_x10: 50,
            frequency_khz: FREQ,
            timestamp_ms: 1_000_500,
        };
        self.submit(name, KIND_WITNESS, body.encode().to_vec(), height)
    }

    /// Reveals `declared` in the first block of the reveal phase.
    fn reveal_declared(&mut self, declared: &Beacon) -> Verdict {
        self.submit(
            "beaconer",
            KIND_BEACON,
            declared.encode().to_vec(),
            reveal_phase(),
        )
    }

    fn reveal(&mut self, height: u64) -> Verdict {
        self.submit("beaconer", KIND_BEACON, beacon().encode().to_vec(), height)
    }

    fn close(&mut self) -> crate::events::CloseSummary {
        let e = env(pow_params().epoch_length_blocks + 1);
        block_on(handler::close_epoch(
            &mut self.o,
            &e,
            &pow_params(),
            Epoch::ZERO,
            &Hash32::new([5; 32]),
        ))
        .unwrap()
    }

    fn units(&self, name: &str) -> u64 {
        block_on(pow::workers(&self.o, Epoch::ZERO))
            .unwrap()
            .into_iter()
            .find(|(d, _)| *d == id_of(&key(name)))
            .map_or(0, |(_, w)| w.units)
    }
}

/// The first height of the (single) window's reveal phase.
fn reveal_phase() -> u64 {
    let p = pow_params();
    let (_, end) = schedule::window_bounds(
        Height::new(1),
        p.epoch_length_blocks,
        p.window_grace_blocks,
        1,
        0,
    );
    end.get()
}

#[test]
fn a_beacon_revealed_during_the_work_phase_is_outside_its_window() {
    // Separate worlds: a judged report id is spent, so the same reveal cannot be retried in one.
    assert_eq!(
        world(&[]).reveal(reveal_phase() - 1),
        Verdict::Invalid(CoverageRejection::BeaconOutsideWindow.code())
    );
    assert_eq!(world(&[]).reveal(reveal_phase()), Verdict::Pending);
}

#[test]
fn a_witness_the_reveal_contradicts_costs_reputation_at_close_only() {
    let mut w = world(&[("w1", "bob", 2.0)]);
    let id = id_of(&key("w1"));
    let pp = pow_params();
    assert_eq!(w.witness_of_nonce("w1", -900, 5, [8; 16]), Verdict::Pending);
    assert_eq!(w.reveal(reveal_phase()), Verdict::Pending);
    let before = block_on(pow::device_work(&w.o, &pp, &id, Epoch::ZERO)).unwrap();
    assert_eq!(
        before.reputation_ppm, pp.reputation_start_ppm,
        "pending is not yet judged"
    );
    let s = w.close();
    assert_eq!(s.unmatched, 1);
    let after = block_on(pow::device_work(&w.o, &pp, &id, Epoch::ZERO)).unwrap();
    assert!(after.reputation_ppm < pp.reputation_start_ppm);
    assert_eq!(after.invalid_reports, 1);
}

#[test]
fn a_beacon_most_of_its_witnesses_contradict_is_at_fault_and_they_are_paid_as_if_it_were_honest() {
    // The witnesses heard the beacon at FREQ at 1_000_500 ms (their reports reached blocks at
    // 1 001 000 and 1 001 250); the beaconer declares a time after the hearing yet within the
    // clock skew of those blocks, one 49.5 s before it (within the report lag), or a channel
    // 200 kHz away (in band): the clock refutes none, the witnesses' majority does.
    let skewed = [
        Beacon {
            timestamp_ms: 1_004_000,
            ..beacon()
        },
        Beacon {
            timestamp_ms: 951_000,
            ..beacon()
        },
        Beacon {
            frequency_khz: FREQ + 200,
            ..beacon()
        },
    ];
    for declared in skewed {
        let (code, work, units) = judged_declaration(declared);
        assert_eq!(
            code,
            CoverageRejection::BeaconDisputed.code(),
            "{declared:?}"
        );
        assert_eq!(work.invalid_reports, 1, "the declaration was at fault");
        assert_eq!(units, 0);
    }
}

#[test]
fn a_witness_contradicting_the_beacon_and_most_witnesses_is_refused_without_fault() {
    let mut w = world(&[
        ("w1", "bob", 2.0),
        ("w2", "carol", 3.0),
        ("w3", "dave", 4.0),
    ]);
    let pp = pow_params();
    let p = CoverageParams::default();
    assert_eq!(w.witness("w1", -900, 5), Verdict::Pending);
    assert_eq!(w.witness("w2", -950, 6), Verdict::Pending);
    let b = id_of(&key("beaconer"));
    let early = Witness {
        beaconer: b,
        commitment: commitment(&b, &[7; 16]),
        rssi_dbm_x10: -960,
        snr_db_x10: 50,
        frequency_khz: FREQ,
        // 40 s after the beacon and 39.5 s after the others: no one transmission explains all.
        timestamp_ms: 1_040_000,
    };
    // Reported at height 161 (1 040 000 ms): late but still in the work phase.
    assert_eq!(
        w.submit("w3", KIND_WITNESS, early.encode().to_vec(), 161),
        Verdict::Pending
    );
    assert_eq!(w.reveal(reveal_phase()), Verdict::Pending);
    w.close();
    let w3 = id_of(&key("w3"));
    let after = block_on(pow::device_work(&w.o, &pp, &w3, Epoch::ZERO)).unwrap();
    assert_eq!(after.reputation_ppm, pp.reputation_start_ppm);
    assert_eq!((after.valid_reports, after.invalid_reports), (0, 0));
    let last = block_on(pow::recent_outcomes(&w.o, &pp, &w3)).unwrap();
    assert_eq!(last[0].code, CoverageRejection::WitnessTimingInvalid.code());
    assert_eq!(w.units("w3"), 0);
    // The others share by the two that count: the refused report dilutes nothing.
    assert_eq!(w.units("w1"), verify::witness_units(2, &p));
    assert_eq!(w.units("beaconer"), verify::beacon_units(2, &p));
}

#[test]
fn witnesses_telling_one_story_all_count_whatever_the_declaration_splits() {
    // Heard at 1 000 100 and 1 000 400; the beaconer declares 1 000 200, after the first.
    let mut w = world(&[("w1", "bob", 2.0), ("w2", "carol", 3.0)]);
    let b = id_of(&key("beaconer"));
    for (name, t, h) in [("w1", 1_000_100, 5), ("w2", 1_000_400, 6)] {
        let body = Witness {
            beaconer: b,
            commitment: commitment(&b, &[7; 16]),
            rssi_dbm_x10: -900,
            snr_db_x10: 50,
            frequency_khz: FREQ,
            timestamp_ms: t,
        };
        assert_eq!(
            w.submit(name, KIND_WITNESS, body.encode().to_vec(), h),
            Verdict::Pending
        );
    }
    let declared = Beacon {
        timestamp_ms: 1_000_200,
        ..beacon()
    };
    assert_eq!(w.reveal_declared(&declared), Verdict::Pending);
    w.close();
    let p = CoverageParams::default();
    for name in ["w1", "w2"] {
        assert_eq!(w.units(name), verify::witness_units(2, &p), "{name}");
    }
    // Half of them contradict the declaration: not most, so the beacon is not at fault.
    assert_eq!(w.units("beaconer"), verify::beacon_units(2, &p));
}

#[test]
fn a_beaconer_that_never_reveals_cannot_cost_its_witnesses_reputation() {
    let mut w = world(&[("w1", "bob", 2.0)]);
    let id = id_of(&key("w1"));
    let pp = pow_params();
    assert_eq!(w.witness("w1", -900, 5), Verdict::Pending);
    w.close();
    let after = block_on(pow::device_work(&w.o, &pp, &id, Epoch::ZERO)).unwrap();
    assert_eq!(after.reputation_ppm, pp.reputation_start_ppm);
    assert_eq!((after.valid_reports, after.invalid_reports), (0, 0));
    let last = block_on(pow::recent_outcomes(&w.o, &pp, &id)).unwrap();
    assert_eq!(last[0].code, CoverageRejection::BeaconNotRevealed.code());
}

#[test]
fn a_beacon_nobody_heard_earns_nothing_and_does_not_count_towards_vetting() {
    let mut w = world(&[]);
    let id = id_of(&key("beaconer"));
    let pp = pow_params();
    assert_eq!(w.reveal(reveal_phase()), Verdict::Pending);
    w.close();
    let after = block_on(pow::device_work(&w.o, &pp, &id, Epoch::ZERO)).unwrap();
    assert_eq!(after.reputation_ppm, pp.reputation_start_ppm);
    assert_eq!(after.valid_reports, 0);
    assert_eq!(w.units("beaconer"), 0);
}

#[test]
fn witnesses_before_the_reveal_earn_units_for_themselves_and_the_beaconer() {
    let mut w = world(&[("w1", "bob", 2.0), ("w2", "carol", 3.0)]);
    assert_eq!(w.witness("w1", -900, 5), Verdict::Pending);
    assert_eq!(w.witness("w2", -950, 6), Verdict::Pending);
    assert_eq!(w.reveal(reveal_phase()), Verdict::Pending);
    let s = w.close();
    assert_eq!(
        (s.beacons, s.witnesses, s.selected, s.unmatched),
        (1, 2, 2, 0)
    );
    let p = CoverageParams::default();
    assert_eq!(w.units("beaconer"), verify::beacon_units(2, &p));
    assert_eq!(w.units("w1"), verify::witness_units(2, &p));
    block_on(crate::invariants::check_slot(
        &w.o,
        &p,
        Epoch::ZERO,
        &id_of(&key("beaconer")),
    ))
    .unwrap()
    .unwrap();
}

#[test]
fn witness_after_the_reveal_is_refused() {
    let mut w = world(&[("w1", "bob", 2.0)]);
    w.reveal(reveal_phase());
    assert_eq!(
        w.witness("w1", -900, reveal_phase() + 1),
        Verdict::Refused(CoverageRejection::WitnessAfterReveal.code())
    );
}

#[test]
fn a_device_witnesses_a_beaconer_once_per_epoch() {
    let mut w = world(&[("w1", "bob", 2.0)]);
    assert_eq!(w.witness("w1", -900, 5), Verdict::Pending);
    assert_eq!(
        w.witness("w1", -901, 6),
        Verdict::Invalid(CoverageRejection::DuplicateWitness.code())
    );
}

#[test]
fn a_witness_with_no_revealed_beacon_earns_nothing() {
    let mut w = world(&[("w1", "bob", 2.0)]);
    w.witness("w1", -900, 5);
    let s = w.close();
    assert_eq!(s.unmatched, 1);
    assert_eq!(w.units("w1"), 0);
    assert_eq!(w.units("beaconer"), 0);
}

#[test]
fn witness_arriving_after_the_work_phase_is_late() {
    let mut w = world(&[("w1", "bob", 2.0)]);
    let p = pow_params();
    let (_, end) = schedule::window_bounds(
        Height::new(1),
        p.epoch_length_blocks,
        p.window_grace_blocks,
        1,
        0,
    );
    let late = end.get();
    assert_eq!(
        w.witness("w1", -900, late),
        Verdict::Refused(CoverageRejection::WitnessLate.code())
    );
}

#[test]
fn only_the_drawn_witnesses_are_paid_when_too_many_heard_the_beacon() {
    let names: Vec<String> = (0..16).map(|i| format!("w{i}")).collect();
    let owners = ["bob", "carol", "dave", "erin"];
    let regs: Vec<(&str, &str, f64)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), owners[i % 4], 1.0 + i as f64 * 0.5))
        .collect();
    let mut w = world(&regs);
    for (i, n) in names.iter().enumerate() {
        // Weaker with distance, within physics.
        let rssi = -900 - i16::try_from(i).unwrap() * 10;
        assert_eq!(w.witness(n, rssi, 5 + i as u64), Verdict::Pending);
    }
    w.reveal(reveal_phase());
    let s = w.close();
    let p = CoverageParams::default();
    assert_eq!(s.selected, p.max_witnesses_selected);
    let paid = names.iter().filter(|n| w.units(n) > 0).count();
    assert_eq!(u32::try_from(paid).unwrap(), p.max_witnesses_selected);
}

#[test]
fn malformed_coverage_payload_is_an_invalid_report() {
    let mut w = world(&[]);
    assert_eq!(
        w.submit("beaconer", KIND_BEACON, vec![1, 2, 3], 5),
        Verdict::Invalid(terrane_pow::outcome::PowRejection::MalformedReport.code())
    );
    assert_eq!(
        w.submit("beaconer", 9, vec![], 6),
        Verdict::Invalid(CoverageRejection::UnknownKind.code())
    );
}

// ---- the class's capabilities and cooldown ------------------------------------------------

#[test]
fn registration_is_refused_for_antenna_gain_or_power_above_the_class_limit() {
    use crate::radio::Radio;
    use terrane_devices::handler::ClassCheck;
    let p = p();
    let ok = coverage(30, 200, Band::Eu868);
    assert_eq!(Radio::check(&ok, &p), ClassCheck::Accepted);
    let limit = coverage(
        p.max_antenna_gain_dbi_x10,
        p.max_tx_power_dbm_x10,
        Band::Us915,
    );
    assert_eq!(Radio::check(&limit, &p), ClassCheck::Accepted);
    for (gain, power) in [
        (p.max_antenna_gain_dbi_x10 + 1, 200),
        (-1, 200),
        (30, p.max_tx_power_dbm_x10 + 1),
        (30, crate::radio::MIN_TX_POWER_DBM_X10 - 1),
    ] {
        assert_eq!(
            Radio::check(&coverage(gain, power, Band::Eu868), &p),
            ClassCheck::OutOfRange,
            "gain {gain} power {power}"
        );
    }
}

#[test]
fn capabilities_of_another_length_or_band_or_class_are_malformed() {
    use crate::radio::Radio;
    use terrane_devices::handler::ClassCheck;
    let good = coverage(30, 200, Band::Ism2400);
    assert_eq!(Radio::decode(&good).unwrap().band, Band::Ism2400);
    let short = testkit::capabilities(0, &good.bytes()[..4]);
    let mut unknown_band = good.bytes().to_vec();
    unknown_band[4] = 9;
    let unknown_band = testkit::capabilities(0, &unknown_band);
    let other_class = testkit::capabilities(3, good.bytes());
    for caps in [short, unknown_band, other_class] {
        assert_eq!(Radio::check(&caps, &p()), ClassCheck::Malformed, "{caps:?}");
    }
}

#[test]
fn a_relocation_pauses_rewards_for_whole_epochs_after_the_move() {
    let mut o = Overlay::new(MemStore::new());
    crate::genesis::apply(&mut o, &p());
    let id = id_of(&key("mover"));
    assert_eq!(block_on(handler::eligible_from(&o, &id)).unwrap(), None);
    block_on(handler::start_cooldown(&mut o, &id, Epoch::new(3))).unwrap();
    let cooldown = p().relocation_cooldown_epochs;
    assert_eq!(
        block_on(handler::eligible_from(&o, &id)).unwrap(),
        Some(Epoch::new(3 + cooldown + 1))
    );
}

// ---- link budget and locality ----------------------------------------------------------------

#[test]
fn a_near_free_space_reading_sixty_km_away_is_refused_without_fault_as_too_strong() {
    let b = device("beaconer", "alice", at_km_north(0.0));
    let w = device("witness", "bob", at_km_north(60.0));
    // 27 dBm and 3 dBi at both ends: free space allows ~-94 dBm at 60 km, a ground link with
    // 10 m antennas ~-118 dBm (two-ray past the 3.6 km crossover).
    assert_eq!(
        code(verify::check_witness(&w, &b, &witness_body(&b, -960), &p())),
        Some((CoverageRejection::SignalTooStrong, false))
    );
    assert!(verify::check_witness(&w, &b, &witness_body(&b, -1200), &p()).is_ok());
    // Under free-space rules (exponent 2) the relayed reading would have passed.
    let free_space = CoverageParams {
        far_path_loss_exponent_x10: 20,
        ..p()
    };
    assert!(verify::check_witness(&w, &b, &witness_body(&b, -960), &free_space).is_ok());
}

#[test]
fn a_link_whose_credible_maximum_is_below_the_noise_floor_is_out_of_range_without_fault() {
    let weak = Device {
        capabilities: coverage(0, -200, Band::Eu868),
        ..device("beaconer", "alice", at_km_north(0.0))
    };
    // -20 dBm into 0 dBi and 3 dBi: ~-168 dBm at best 60 km away, far below -140 dBm.
    let w = device("witness", "bob", at_km_north(60.0));
    assert_eq!(
        code(verify::check_witness(
            &w,
            &weak,
            &witness_body(&weak, -1390),
            &p()
        )),
        Some((CoverageRejection::WitnessBeyondRange, false))
    );
    // The same radio 2 km away is in range.
    let near = device("witness", "bob", at_km_north(2.0));
    assert!(verify::check_witness(&near, &weak, &witness_body(&weak, -1300), &p()).is_ok());
}

fn outcome_code(w: &World, name: &str) -> u16 {
    let id = id_of(&key(name));
    block_on(pow::recent_outcomes(&w.o, &pow_params(), &id)).unwrap()[0].code
}

#[test]
fn a_far_witness_no_nearer_witness_corroborates_is_refused_without_fault_and_dilutes_nothing() {
    let mut w = world(&[("w1", "bob", 2.0), ("far", "carol", 40.0)]);
    let pp = pow_params();
    let p = CoverageParams::default();
    assert_eq!(w.witness("w1", -900, 5), Verdict::Pending);
    assert_eq!(w.witness("far", -1200, 6), Verdict::Pending);
    assert_eq!(w.reveal(reveal_phase()), Verdict::Pending);
    w.close();
    assert_eq!(
        outcome_code(&w, "far"),
        CoverageRejection::WitnessUncorroborated.code()
    );
    let far = block_on(pow::device_work(
        &w.o,
        &pp,
        &id_of(&key("far")),
        Epoch::ZERO,
    ))
    .unwrap();
    assert_eq!(far.reputation_ppm, pp.reputation_start_ppm);
    assert_eq!((far.valid_reports, far.invalid_reports), (0, 0));
    assert_eq!(w.units("far"), 0);
    assert_eq!(w.units("w1"), verify::witness_units(1, &p));
    assert_eq!(w.units("beaconer"), verify::beacon_units(1, &p));
}

#[test]
fn a_far_witness_counts_through_a_chain_of_nearer_witnesses_of_other_owners() {
    // 2 km and 14 km are inside the radius; 25 km is 11 km from the 14 km one; 38 km is 13 km
    // from the 25 km one (and 24 km from any other).
    let mut w = world(&[
        ("w1", "bob", 2.0),
        ("w2", "carol", 14.0),
        ("w3", "dave", 25.0),
        ("w4", "erin", 38.0),
    ]);
    for (name, h) in [("w1", 5), ("w2", 6), ("w3", 7), ("w4", 8)] {
        assert_eq!(w.witness(name, -1250, h), Verdict::Pending);
    }
    assert_eq!(w.reveal(reveal_phase()), Verdict::Pending);
    w.close();
    let p = CoverageParams::default();
    for name in ["w1", "w2", "w3", "w4"] {
        assert_eq!(outcome_code(&w, name), 0, "{name}");
        assert_eq!(w.units(name), verify::witness_units(4, &p), "{name}");
    }
}

#[test]
fn a_far_witness_is_not_corroborated_by_a_device_of_its_own_owner() {
    let mut w = world(&[
        ("w1", "bob", 2.0),
        ("w2", "carol", 14.0),
        ("w3", "carol", 25.0),
    ]);
    for (name, h) in [("w1", 5), ("w2", 6), ("w3", 7)] {
        assert_eq!(w.witness(name, -1250, h), Verdict::Pending);
    }
    assert_eq!(w.reveal(reveal_phase()), Verdict::Pending);
    w.close();
    assert_eq!(outcome_code(&w, "w2"), 0);
    assert_eq!(
        outcome_code(&w, "w3"),
        CoverageRejection::WitnessUncorroborated.code()
    );
}

// ---- no fault without evidence: a property over every accepted declaration -------------------

/// Honest witnesses (owner, km north, delay ms, frequency error kHz) of a beacon really sent at
/// 1 000 000 ms on `FREQ`, and the beacon revealed with `declared` time and frequency: each
/// witness's (units, reputation, invalid reports) after the close.
fn judged_under(honest: &[(&str, &str, f64, u64, i32)], declared: Beacon) -> Vec<(u64, u32, u64)> {
    let regs: Vec<(&str, &str, f64)> = honest.iter().map(|h| (h.0, h.1, h.2)).collect();
    let mut w = world(&regs);
    let b = id_of(&key("beaconer"));
    for (i, &(name, _, _, delay, err)) in honest.iter().enumerate() {
        let body = Witness {
            beaconer: b,
            commitment: commitment(&b, &[7; 16]),
            rssi_dbm_x10: -1100,
            snr_db_x10: 50,
            frequency_khz: FREQ.checked_add_signed(err).unwrap(),
            timestamp_ms: 1_000_000 + delay,
        };
        let v = w.submit(name, KIND_WITNESS, body.encode().to_vec(), 5 + i as u64);
        assert_eq!(v, Verdict::Pending, "{name}");
    }
    let revealed = w.reveal_declared(&declared);
    assert_eq!(
        revealed,
        Verdict::Pending,
        "the chain accepts the declaration"
    );
    w.close();
    honest
        .iter()
        .map(|&(name, ..)| {
            let id = id_of(&key(name));
            let work = block_on(pow::device_work(&w.o, &pow_params(), &id, Epoch::ZERO)).unwrap();
            (w.units(name), work.reputation_ppm, work.invalid_reports)
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever time and frequency the beaconer declares (any the chain accepts at the reveal:
    /// in band, within the skew of the block, even a provable lie), none of its honest witnesses ends with fewer
    /// units, less reputation or an invalid report than if it had declared the truth.
    #[test]
    fn no_beacon_declaration_costs_an_honest_witness_units_or_reputation(
        n in 1_usize..=4,
        delays in proptest::collection::vec(20_u64..500, 4),
        errors in proptest::collection::vec(-3_i32..=3, 4),
        // The reveal block is at 1 090 000 ms: every time within max_beacon_skew_ms of it.
        skew in -210_000_i64..=390_000,
        frequency in 863_000_u32..=870_000,
    ) {
        let names = [("w1", "bob", 2.0), ("w2", "carol", 3.5), ("w3", "dave", 5.0), ("w4", "erin", 7.5)];
        let honest: Vec<(&str, &str, f64, u64, i32)> = (0..n)
            .map(|i| (names[i].0, names[i].1, names[i].2, delays[i], errors[i]))
            .collect();
        let truth = judged_under(&honest, beacon());
        let lie = judged_under(
            &honest,
            Beacon {
                timestamp_ms: 1_000_000_u64.checked_add_signed(skew).unwrap(),
                frequency_khz: frequency,
                ..beacon()
            },
        );
        for (i, (t, l)) in truth.iter().zip(&lie).enumerate() {
            proptest::prop_assert!(l.0 >= t.0, "witness {i}: units {} < {}", l.0, t.0);
            proptest::prop_assert!(l.1 >= t.1, "witness {i}: reputation {} < {}", l.1, t.1);
            proptest::prop_assert_eq!(l.2, 0, "witness {} was charged", i);
        }
    }
}

// ---- the chain's clock binds the declared times ----------------------------------------------

/// Two honest witnesses heard the beacon on FREQ at 1 000 500 ms and reached blocks at
/// 1 001 000 and 1 001 250; the beaconer reveals `declared`. Checks both witnesses were paid
/// and charged nothing; returns the beacon's outcome code, the beaconer's work record and units.
fn judged_declaration(declared: Beacon) -> (u16, terrane_pow::types::DeviceWork, u64) {
    let mut w = world(&[("w1", "bob", 2.0), ("w2", "carol", 3.0)]);
    let pp = pow_params();
    let p = CoverageParams::default();
    assert_eq!(w.witness("w1", -900, 5), Verdict::Pending);
    assert_eq!(w.witness("w2", -950, 6), Verdict::Pending);
    assert_eq!(w.reveal_declared(&declared), Verdict::Pending);
    w.close();
    for name in ["w1", "w2"] {
        let id = id_of(&key(name));
        let after = block_on(pow::device_work(&w.o, &pp, &id, Epoch::ZERO)).unwrap();
        assert_eq!(
            (after.valid_reports, after.invalid_reports),
            (1, 0),
            "{name}"
        );
        assert_eq!(w.units(name), verify::witness_units(2, &p), "{name}");
    }
    let b = id_of(&key("beaconer"));
    let last = block_on(pow::recent_outcomes(&w.o, &pp, &b)).unwrap();
    let work = block_on(pow::device_work(&w.o, &pp, &b, Epoch::ZERO)).unwrap();
    (last[0].code, work, w.units("beaconer"))
}

#[test]
fn a_beacon_declaring_a_time_after_its_first_witness_reached_the_chain_is_at_fault() {
    // 19 s after a block already held a witness of it.
    let (code, work, units) = judged_declaration(Beacon {
        timestamp_ms: 1_020_000,
        ..beacon()
    });
    assert_eq!(code, CoverageRejection::BeaconAfterWitness.code());
    assert_eq!(work.invalid_reports, 1, "a provable lie is charged");
    assert_eq!(units, 0);
}

#[test]
fn a_beacon_declared_long_before_its_witnesses_reached_the_chain_is_refused_without_fault() {
    // 100 s before the block that first held a witness: beyond the 60 s report lag, so not a
    // moment of its work phase; but slow witnesses could cause that, so no fault.
    let (code, work, units) = judged_declaration(Beacon {
        timestamp_ms: 901_000,
        ..beacon()
    });
    assert_eq!(code, CoverageRejection::BeaconBeforeWork.code());
    assert_eq!(
        (work.invalid_reports, work.reputation_ppm),
        (0, pow_params().reputation_start_ppm),
        "refused without fault"
    );
    assert_eq!(units, 0);
}

#[test]
fn a_witness_claiming_to_have_heard_after_its_own_block_is_invalid() {
    let mut w = world(&[("w1", "bob", 2.0)]);
    let b = id_of(&key("beaconer"));
    let body = Witness {
        beaconer: b,
        commitment: commitment(&b, &[7; 16]),
        rssi_dbm_x10: -900,
        snr_db_x10: 50,
        frequency_khz: FREQ,
        // The block at height 5 is at 1 001 000 ms: 39 s ahead of it, beyond the 5 s skew.
        timestamp_ms: 1_040_000,
    };
    assert_eq!(
        w.submit("w1", KIND_WITNESS, body.encode().to_vec(), 5),
        Verdict::Invalid(CoverageRejection::WitnessFromFuture.code())
    );
    let within = Witness {
        timestamp_ms: 1_005_900,
        ..body
    };
    let mut w = world(&[("w1", "bob", 2.0)]);
    assert_eq!(
        w.submit("w1", KIND_WITNESS, within.encode().to_vec(), 5),
        Verdict::Pending,
        "within the clock skew"
    );
}

#[test]
fn an_early_junk_witness_cannot_pin_an_honest_beacons_time() {
    // An attacker reports a commitment of its own for the beaconer at the start of the work
    // phase; the honest witness hears the real beacon later. Only witnesses the reveal opens
    // bind the declared time, so the honest beacon stands.
    let mut w = world(&[("junk", "dave", 2.5), ("w1", "bob", 2.0)]);
    let b = id_of(&key("beaconer"));
    let junk = Witness {
        beaconer: b,
        commitment: commitment(&b, &[1; 16]),
        rssi_dbm_x10: -900,
        snr_db_x10: 50,
        frequency_khz: FREQ,
        timestamp_ms: 1_000_000,
    };
    assert_eq!(
        w.submit("junk", KIND_WITNESS, junk.encode().to_vec(), 1),
        Verdict::Pending
    );
    let heard = Witness {
        timestamp_ms: 1_050_100,
        commitment: commitment(&b, &[7; 16]),
        ..junk
    };
    assert_eq!(
        w.submit("w1", KIND_WITNESS, heard.encode().to_vec(), 201),
        Verdict::Pending
    );
    let honest = Beacon {
        timestamp_ms: 1_050_000,
        ..beacon()
    };
    assert_eq!(w.reveal_declared(&honest), Verdict::Pending);
    w.close();
    let last = block_on(pow::recent_outcomes(&w.o, &pow_params(), &b)).unwrap();
    assert_eq!(last[0].code, 0, "the beacon counts");
    assert!(w.units("beaconer") > 0);
}

// ---- owners are not free: the funding graph ---------------------------------------------------

#[test]
fn a_witness_whose_owner_was_funded_by_the_beaconers_owner_is_refused_without_fault() {
    let mut w = world_funded(&[("alice", "xavier")], &[("wx", "xavier", 2.0)]);
    assert_eq!(
        w.witness("wx", -900, 5),
        Verdict::Refused(CoverageRejection::LinkedOwnerWitness.code())
    );
}

#[test]
fn owners_one_funder_created_together_cannot_witness_each_other_but_others_can() {
    // Bob created yara and zack in one block; the beaconer's owner alice funded nobody here.
    let mut w = world_funded(
        &[("bob", "yara"), ("bob", "zack")],
        &[("wy", "yara", 2.0), ("wb", "bob", 3.0)],
    );
    assert_eq!(
        w.witness("wy", -900, 5),
        Verdict::Pending,
        "not linked to alice"
    );
    assert_eq!(w.witness("wb", -900, 6), Verdict::Pending);
    // Seen from a beaconer owned by zack, yara (same funder, same block) and bob (the funder)
    // are one owner.
    let zack = address_of(&key("zack"));
    let yara = address_of(&key("yara"));
    let bob = address_of(&key("bob"));
    let window = CoverageParams::default().funding_link_window_blocks;
    for other in [yara, bob] {
        assert!(
            block_on(terrane_accounts::handler::funding_linked(
                &w.o, &zack, &other, window
            ))
            .unwrap()
        );
    }
    assert!(
        !block_on(terrane_accounts::handler::funding_linked(
            &w.o,
            &zack,
            &address_of(&key("carol")),
            window
        ))
        .unwrap()
    );
}
