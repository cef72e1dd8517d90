//! The fleet against the real state machine: cheaters of every kind earn (almost) nothing,
//! honest devices earn what they would without them, each cheat fails on the rule meant for
//! it, and the whole run is deterministic.
//!
//! One full simulation is shared by the tests of this file (built once, on first use).
//! Run with `--nocapture` to see the per-epoch reward tables.

// Wall-clock time is measured only to report how long the simulation took.
#![allow(clippy::disallowed_methods)]

use futures::executor::block_on;
use std::{
    collections::BTreeMap,
    path::PathBuf,
    sync::OnceLock,
    time::{Duration, Instant},
};
use terrane_accounts::params::AccountsParams;
use terrane_app::testkit::named_key;
use terrane_coverage::{
    outcome::CoverageRejection, params::CoverageParams, verify::check_against_beacon,
};
use terrane_devices::outcome::DevicesRejection;
use terrane_fleet::{
    Behavior, City, EpochShares, Fleet, FleetConfig, Sim, SimConfig, WormholeTactic, cities,
    sim::JudgedReport,
};
use terrane_pow::outcome::PowRejection;
use terrane_primitives::{Address, DeviceId, Epoch};

const SEED: u64 = 20_260_501;
/// Epochs closed per run (epoch 0, with the registrations, included).
const EPOCHS: u64 = 5;

fn cities_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cities15000.csv")
}

fn load_cities() -> Vec<City> {
    let path = cities_path();
    cities::load(&path).unwrap_or_else(|e| {
        panic!(
            "the fleet simulation needs the GeoNames city list at {} \
             (../shared/data/cities15000.csv next to the repository): {e}",
            path.display()
        )
    })
}

/// 178 devices, 38 of them (21 %) cheaters of every kind.
fn config() -> FleetConfig {
    FleetConfig {
        cities: 16,
        honest: 140,
        spoofers: 14,
        rings: 3,
        ring_size: 4,
        replayers: 6,
        inflators: 6,
        ..FleetConfig::devnet(SEED)
    }
}

struct Run {
    fleet: Fleet,
    sim: Sim,
    elapsed: Duration,
}

fn run(cfg: FleetConfig) -> Run {
    run_for(cfg, EPOCHS)
}

fn run_for(cfg: FleetConfig, epochs: u64) -> Run {
    let rules = cfg.rules;
    run_with(cfg, rules, epochs)
}

/// A run of `epochs` under `rules` (the chain's coverage parameters, which the fleet's
/// attackers know).
fn run_with(cfg: FleetConfig, rules: CoverageParams, epochs: u64) -> Run {
    let started = Instant::now();
    let mut sim_cfg = SimConfig::new(SEED);
    sim_cfg.params.coverage = rules;
    // The radio rules alone: nobody buys traffic here, so demand backing (which
    // `market_sim.rs` measures, with customers) would hold every device to its free share.
    for pool in &mut sim_cfg.params.rewards.classes {
        pool.backed_bps = 0;
    }
    let mut fleet = Fleet::new(
        FleetConfig { rules, ..cfg },
        &load_cities(),
        sim_cfg.chain(),
        named_key("fleet-maker"),
        AccountsParams::default(),
    );
    let mut sim = Sim::new(sim_cfg, &fleet);
    sim.run_epochs(&mut fleet, epochs);
    Run {
        fleet,
        sim,
        elapsed: started.elapsed(),
    }
}

fn full() -> &'static Run {
    static FULL: OnceLock<Run> = OnceLock::new();
    FULL.get_or_init(|| {
        let r = run(config());
        println!(
            "full run: {} devices, {} blocks, {} reports judged, {} state keys, {:.1} s",
            r.fleet.devices().len(),
            r.sim.height().get(),
            r.sim.judged.len(),
            r.sim.state_keys(),
            r.elapsed.as_secs_f64()
        );
        r
    })
}

fn of_kind(fleet: &Fleet, b: Behavior) -> Vec<DeviceId> {
    fleet
        .devices()
        .into_iter()
        .filter(|(_, k)| *k == b)
        .map(|(d, _)| d)
        .collect()
}

fn owners_of_kind(fleet: &Fleet, b: Behavior) -> Vec<Address> {
    fleet
        .device_info()
        .filter(|i| i.behavior == b)
        .map(|i| i.owner)
        .collect()
}

fn totals(run: &Run) -> BTreeMap<DeviceId, u64> {
    let mut t = BTreeMap::new();
    for e in &run.sim.epochs {
        for (d, a) in &e.rewards {
            *t.entry(*d).or_insert(0) += a.get();
        }
    }
    t
}

fn print_table(title: &str, shares: &[EpochShares]) {
    println!("{title}");
    for s in shares {
        println!("  {s}");
    }
}

#[test]
fn cheaters_capture_under_one_percent_and_honest_devices_match_the_honest_only_model() {
    let cfg = config();
    assert!(cfg.devices() >= 150);
    assert!(
        cfg.cheaters() * 5 >= cfg.devices(),
        "at least 20 % cheaters"
    );
    assert!(cfg.spoofers > 0 && cfg.rings > 0 && cfg.replayers > 0 && cfg.inflators > 0);

    let full = full();
    let honest_only = run(cfg.without_cheaters());
    println!(
        "honest-only run: {:.1} s",
        honest_only.elapsed.as_secs_f64()
    );

    let shares = full.sim.shares(&full.fleet);
    print_table("with cheaters:", &shares);
    print_table("honest only:", &honest_only.sim.shares(&honest_only.fleet));
    assert_eq!(shares.len() as u64, EPOCHS);
    for s in &shares {
        assert!(s.total() > 0, "epoch {} paid nothing", s.epoch.get());
        assert!(s.cheater_share() < 0.01, "{s}");
    }

    // The same honest devices: same keys (hence ids), in the same order.
    let honest = of_kind(&full.fleet, Behavior::Honest);
    assert_eq!(honest, of_kind(&honest_only.fleet, Behavior::Honest));
    let (with, without) = (totals(full), totals(&honest_only));
    let mut worst: f64 = 0.0;
    for d in &honest {
        let a = with.get(d).copied().unwrap_or(0) as f64;
        let b = without.get(d).copied().unwrap_or(0) as f64;
        let dev = if b == 0.0 {
            if a == 0.0 { 0.0 } else { 1.0 }
        } else {
            (a - b).abs() / b
        };
        worst = worst.max(dev);
        assert!(dev <= 0.05, "{d:?}: {a} with cheaters vs {b} without");
    }
    let sum = |t: &BTreeMap<DeviceId, u64>| {
        honest
            .iter()
            .map(|d| t.get(d).copied().unwrap_or(0))
            .sum::<u64>() as f64
    };
    let (sw, so) = (sum(&with), sum(&without));
    println!(
        "honest total {sw} vs {so} base units without cheaters; largest per-device deviation {:.4} %",
        100.0 * worst
    );
    assert!((sw - so).abs() <= 0.05 * so);
}

#[test]
fn every_cheater_kind_is_rejected_for_the_reason_it_should_be() {
    let Run { fleet, sim, .. } = full();
    let state = sim.state();
    let pow = sim.pow();
    let code = |c: CoverageRejection| c.code();
    let outcomes =
        |d: &DeviceId| block_on(terrane_pow::query::recent_outcomes(&state, &pow, d)).unwrap();

    // Spoofers: every witness they send, and every witness of their beacons, is refused on
    // distance or physics (unless it names, or comes from, an unregistered inflator first);
    // nothing is stored for their beacons.
    let spoofers = of_kind(fleet, Behavior::Spoofer);
    let inflators = of_kind(fleet, Behavior::GainInflator);
    let physics = [
        code(CoverageRejection::WitnessTooFar),
        code(CoverageRejection::SignalTooStrong),
    ];
    // Reports as the fleet's relay submitted them (replayers resubmit some of them too).
    let relayed = |j: &&JudgedReport| j.submitter == fleet.relay();
    let mut physics_refusals = 0;
    for j in sim.judged.iter().filter(relayed).filter(|j| j.kind == 1) {
        let by_spoofer = spoofers.contains(&j.device);
        let of_spoofer = j.beaconer.is_some_and(|b| spoofers.contains(&b));
        if !(by_spoofer || of_spoofer) || inflators.contains(&j.device) {
            continue;
        }
        if j.beaconer.is_some_and(|b| inflators.contains(&b)) {
            assert_eq!(j.code, code(CoverageRejection::UnknownBeaconer));
            continue;
        }
        assert!(
            physics.contains(&j.code),
            "witness involving a spoofer judged {}",
            j.code
        );
        physics_refusals += 1;
    }
    assert!(physics_refusals > 0);
    for s in &spoofers {
        let ring: Vec<u16> = outcomes(s)
            .iter()
            .filter(|o| o.kind == 1)
            .map(|o| o.code)
            .collect();
        assert!(
            ring.iter().any(|c| physics.contains(c)),
            "spoofer {s:?} outcomes {ring:?}"
        );
        for e in 0..EPOCHS {
            let slot = block_on(terrane_coverage::query::slot(&state, Epoch::new(e), s))
                .unwrap()
                .unwrap_or_default();
            assert_eq!(
                slot.witnesses, 0,
                "a witness of spoofer {s:?} was stored in epoch {e}"
            );
        }
    }

    // Ring members: every fabricated witness is a same-owner witness.
    let ring = of_kind(fleet, Behavior::Ring);
    let ring_witnesses: Vec<_> = sim
        .judged
        .iter()
        .filter(relayed)
        .filter(|j| ring.contains(&j.device) && j.kind == 1)
        .collect();
    assert!(!ring_witnesses.is_empty());
    for j in &ring_witnesses {
        assert_eq!(j.code, code(CoverageRejection::SameOwnerWitness));
        assert_eq!(j.charged, Some(j.device), "the ring member answers for it");
    }
    for d in &ring {
        for o in outcomes(d).iter().filter(|o| o.kind == 1) {
            assert_eq!(o.code, code(CoverageRejection::SameOwnerWitness));
        }
    }

    // Replays: stale or duplicate, charged to nobody; no original device was charged either.
    let replayer_owners = owners_of_kind(fleet, Behavior::Replayer);
    let replays: Vec<_> = sim
        .judged
        .iter()
        .filter(|j| replayer_owners.contains(&j.submitter))
        .collect();
    let (stale, dup) = (
        PowRejection::StaleEpoch.code(),
        PowRejection::DuplicateReport.code(),
    );
    assert!(replays.iter().any(|j| j.code == stale), "no stale replay");
    assert!(replays.iter().any(|j| j.code == dup), "no duplicate replay");
    for j in &replays {
        assert!(j.code == stale || j.code == dup, "replay judged {}", j.code);
        assert_eq!(j.charged, None);
    }
    for (d, _) in fleet.devices() {
        assert!(
            outcomes(&d)
                .iter()
                .all(|o| o.code != stale && o.code != dup),
            "{d:?} was charged with a replay"
        );
    }

    // Inflators: registration refused for the maker signature, every report an unknown signer.
    let inflator_owners = owners_of_kind(fleet, Behavior::GainInflator);
    let registrations: Vec<_> = sim
        .txs
        .iter()
        .filter(|t| {
            t.kind == Some("register_device")
                && t.signer.is_some_and(|s| inflator_owners.contains(&s))
        })
        .collect();
    assert_eq!(registrations.len(), inflator_owners.len());
    for t in &registrations {
        assert_eq!(t.outcome.0, DevicesRejection::BadMakerSignature.code());
    }
    let reports: Vec<_> = sim
        .judged
        .iter()
        .filter(|j| inflators.contains(&j.device))
        .collect();
    assert!(reports.iter().any(|j| j.kind == 0) && reports.iter().any(|j| j.kind == 1));
    for j in &reports {
        assert_eq!(j.code, PowRejection::UnknownDevice.code());
        assert_eq!(j.charged, None);
    }
    // Honest devices that heard an inflator were refused without penalty.
    let honest = of_kind(fleet, Behavior::Honest);
    assert!(
        sim.judged
            .iter()
            .any(|j| honest.contains(&j.device)
                && j.code == code(CoverageRejection::UnknownBeaconer))
    );

    // Honest devices are never accountable for anything: their only refusals are the
    // no-fault ones (too close, the other side's lie, an unregistered beaconer).
    let no_fault = [
        0,
        code(CoverageRejection::WitnessTooClose),
        code(CoverageRejection::WitnessTooFar),
        code(CoverageRejection::SignalTooStrong),
        code(CoverageRejection::UnknownBeaconer),
    ];
    let mut by_kind: BTreeMap<&str, BTreeMap<u16, usize>> = BTreeMap::new();
    for j in sim.judged.iter() {
        let kind = match fleet.behavior_of(&j.device) {
            Some(_) if j.submitter != fleet.relay() => "replayed",
            Some(b) => b.name(),
            None => "unknown",
        };
        *by_kind.entry(kind).or_default().entry(j.code).or_insert(0) += 1;
    }
    for (kind, codes) in &by_kind {
        println!("judged {kind} reports (code: count): {codes:?}");
    }
    for j in sim
        .judged
        .iter()
        .filter(relayed)
        .filter(|j| honest.contains(&j.device))
    {
        assert!(
            no_fault.contains(&j.code),
            "honest report judged {}",
            j.code
        );
    }
    for d in &honest {
        let work = block_on(terrane_pow::query::device_work(
            &state,
            &pow,
            d,
            Epoch::new(EPOCHS),
        ))
        .unwrap();
        assert_eq!(work.invalid_reports, 0, "honest {d:?} lost reputation");
    }

    // Every other registration succeeded.
    let ok = sim
        .txs
        .iter()
        .filter(|t| t.kind == Some("register_device") && t.outcome.is_ok())
        .count();
    assert_eq!(ok, fleet.devices().len() - inflators.len());
}

#[test]
fn honest_beacons_gather_witnesses_and_earn() {
    let Run { fleet, sim, .. } = full();
    let state = sim.state();
    let params = block_on(terrane_coverage::query::params(&state)).unwrap();
    let honest = of_kind(fleet, Behavior::Honest);
    let mut selected_counts = Vec::new();
    let mut revealed = 0;
    for e in 0..EPOCHS {
        for d in &honest {
            let epoch = Epoch::new(e);
            let Some(slot) = block_on(terrane_coverage::query::slot(&state, epoch, d)).unwrap()
            else {
                continue;
            };
            let Some(beacon) = slot.beacon else { continue };
            revealed += 1;
            let witnesses = block_on(terrane_coverage::query::witnesses(&state, epoch, d)).unwrap();
            let matched = witnesses
                .iter()
                .filter(|w| check_against_beacon(d, &w.body, Some(&beacon), &params).is_ok())
                .count();
            assert_eq!(
                matched,
                witnesses.len(),
                "every stored witness of an honest beacon matches it"
            );
            selected_counts.push(matched.min(params.max_witnesses_selected as usize));
        }
    }
    assert!(
        revealed >= honest.len() * usize::try_from(EPOCHS - 1).unwrap(),
        "honest devices reveal every epoch"
    );
    selected_counts.sort_unstable();
    let median = selected_counts[selected_counts.len() / 2];
    let at_least_3 = selected_counts.iter().filter(|&&n| n >= 3).count();
    let mut histogram = BTreeMap::new();
    for n in &selected_counts {
        *histogram.entry(*n).or_insert(0) += 1;
    }
    println!(
        "selected witnesses per honest beacon (count: beacons): {histogram:?}; median {median}"
    );
    assert!((4..=12).contains(&median), "median {median}");
    assert!(
        at_least_3 * 10 >= selected_counts.len() * 8,
        "{at_least_3} of {} beacons have ≥ 3",
        selected_counts.len()
    );

    let t = totals(full());
    let earning = honest
        .iter()
        .filter(|d| t.get(d).copied().unwrap_or(0) > 0)
        .count();
    println!("{earning} of {} honest devices earned", honest.len());
    assert_eq!(earning, honest.len(), "every honest device earns");
}

#[test]
fn simulation_is_deterministic() {
    let a = full();
    let b = run(config());
    assert_eq!(a.sim.epochs, b.sim.epochs, "same reward lists");
    assert_eq!(a.sim.judged, b.sim.judged);
    assert_eq!(a.sim.txs, b.sim.txs);
    assert_eq!(a.sim.state_keys(), b.sim.state_keys());
    assert_eq!(
        a.sim.digest(),
        b.sim.digest(),
        "same writes, block by block"
    );
}

#[test]
fn devnet_default_fleet_registers_every_registrable_device_and_pays_cheaters_nothing() {
    let cfg = FleetConfig::devnet(SEED);
    assert_eq!(cfg.devices(), 300);
    assert_eq!(cfg.cheaters() * 5, cfg.devices());
    let r = run_for(cfg.clone(), 2);
    let registered = r
        .sim
        .txs
        .iter()
        .filter(|t| t.kind == Some("register_device") && t.outcome.is_ok())
        .count();
    assert_eq!(registered, cfg.devices() - cfg.inflators);
    let shares = r.sim.shares(&r.fleet);
    print_table("devnet default fleet:", &shares);
    for s in &shares {
        assert!(s.total() > 0 && s.cheaters() == 0, "{s}");
    }
}

/// Diagnostic, not a guarantee (run with `--ignored`): the same rings, but with an owner
/// account per member, each funded independently at genesis. Their fabricated witnesses are
/// self-consistent with the asserted geometry, so no physics rule can refuse them, and the
/// funding graph cannot link owners it never saw funded together (the same ring created by one
/// funder earns nothing: `sybil_owners_created_by_one_funder_...`). Kept to measure the gap
/// the radio rules leave; with customers, demand backing closes it
/// (`market_sim.rs`: `a_sybil_ring_without_customers_...`).
#[test]
#[ignore = "diagnostic of a known gap in the chain's rules; prints the ring's share"]
fn sybil_owned_ring_is_paid_for_fabricated_witnesses() {
    let r = run(FleetConfig {
        sybil_ring_owners: true,
        ..config()
    });
    let shares = r.sim.shares(&r.fleet);
    print_table("rings with one owner per member:", &shares);
    let ring_paid: u64 = shares.iter().map(|s| s.amount(Behavior::Ring)).sum();
    assert!(
        ring_paid > 0,
        "the rings earned nothing: the chain now catches sybil rings"
    );
}

/// The device agent's premise: a fleet split across processes (each restricted to its own
/// devices, each device's owner paying for its reports) earns every device exactly what the
/// same fleet run by one process earns it.
#[test]
fn a_fleet_split_across_agents_earns_each_device_what_one_agent_would() {
    let epochs = 3;
    let whole = run_for(config(), epochs);
    let mut sim_cfg = SimConfig::new(SEED);
    // As run_with: the radio rules alone, demand backing off.
    for pool in &mut sim_cfg.params.rewards.classes {
        pool.backed_bps = 0;
    }
    let cities = load_cities();
    let build = || {
        Fleet::new(
            config(),
            &cities,
            sim_cfg.chain(),
            named_key("fleet-maker"),
            AccountsParams::default(),
        )
    };
    let devices: Vec<DeviceId> = whole.fleet.devices().into_iter().map(|(d, _)| d).collect();
    let (left, right) = devices.split_at(devices.len() / 3);
    let mut parts = [build(), build()];
    assert_eq!(parts[0].restrict_to(left), left.len());
    assert_eq!(parts[1].restrict_to(right), right.len());
    let mut sim = Sim::new(sim_cfg.clone(), &parts[0]);
    let last = terrane_pow::schedule::epoch_start(
        terrane_primitives::Epoch::new(epochs),
        sim_cfg.params.pow.epoch_length_blocks,
    );
    while sim.height() < last {
        let view = sim.view();
        let txs: Vec<Vec<u8>> = parts.iter_mut().flat_map(|p| p.step(&view)).collect();
        sim.execute(&txs);
    }
    assert_eq!(sim.epochs.len(), whole.sim.epochs.len());
    for (split, one) in sim.epochs.iter().zip(&whole.sim.epochs) {
        assert!(!one.rewards.is_empty());
        assert_eq!(split.rewards, one.rewards, "epoch {}", one.epoch.get());
    }
}

/// Issue #12's timing clique: 36 honest-radio devices (20 % of the fleet) that declare every
/// beacon 40 s after they sent it and tell only each other. The chain's clock shows each such
/// beacon heard before the moment it claims (`beacon_after_witness`, charged), the told
/// witnesses claim to have heard it after their own block (`witness_from_future`), and the
/// honest witnesses are paid as if the beacon were honest. No honest device loses reputation,
/// and the clique earns no more per device than an honest one (measured, printed).
#[test]
fn a_timing_clique_costs_honest_witnesses_no_reputation_and_earns_no_more_than_honest_devices() {
    let cfg = FleetConfig {
        spoofers: 0,
        rings: 0,
        replayers: 0,
        inflators: 0,
        skewers: 36,
        ..config()
    };
    let r = run(cfg.clone());
    let honest_only = run(cfg.without_cheaters());
    let fair = run(FleetConfig {
        fair_play: true,
        ..cfg.clone()
    });
    let shares = r.sim.shares(&r.fleet);
    print_table("timing clique:", &shares);
    let (t, base) = (totals(&r), totals(&honest_only));
    let honest = of_kind(&r.fleet, Behavior::Honest);
    let skewers = of_kind(&r.fleet, Behavior::Skewer);
    let sum = |t: &BTreeMap<DeviceId, u64>, ds: &[DeviceId]| -> u64 {
        ds.iter().map(|d| t.get(d).copied().unwrap_or(0)).sum()
    };
    let total: u64 = shares.iter().map(EpochShares::total).sum();
    let clique = sum(&t, &skewers);
    let per_honest = sum(&t, &honest) as f64 / honest.len() as f64;
    let per_skewer = clique as f64 / skewers.len() as f64;
    println!(
        "clique: {:.2} % of rewards with {:.1} % of the devices ({:.2}× an honest device); \
         honest devices got {:.2} % of their honest-only rewards",
        100.0 * clique as f64 / total as f64,
        100.0 * skewers.len() as f64 / (skewers.len() + honest.len()) as f64,
        per_skewer / per_honest,
        100.0 * sum(&t, &honest) as f64 / sum(&base, &honest) as f64,
    );
    // The skewers also do real radio work, so the model for honest devices is the same fleet
    // with the skewers declaring the truth.
    let kept = sum(&t, &honest) as f64 / sum(&totals(&fair), &honest) as f64;
    println!(
        "honest devices got {:.2} % of what they get when the same skewers play fair",
        100.0 * kept
    );
    assert!(kept >= 0.95, "honest devices got {:.2} %", 100.0 * kept);
    assert_no_honest_device_charged(&r, "timing clique");
    let (state, pow) = (r.sim.state(), r.sim.pow());
    // Every skewer's last beacon was caught by the chain's clock, and every skewer that was
    // told of another's beacon claimed to hear it in the future.
    let codes = |d: &DeviceId| -> Vec<u16> {
        block_on(terrane_pow::query::recent_outcomes(&state, &pow, d))
            .unwrap()
            .iter()
            .map(|o| o.code)
            .collect()
    };
    let late = CoverageRejection::BeaconAfterWitness.code();
    let future = CoverageRejection::WitnessFromFuture.code();
    let caught = skewers.iter().filter(|d| codes(d).contains(&late)).count();
    let told = skewers
        .iter()
        .filter(|d| codes(d).contains(&future))
        .count();
    println!(
        "{caught} of {} skewers' beacons beacon_after_witness, {told} told skewers witness_from_future",
        skewers.len()
    );
    assert_eq!(caught, skewers.len());
    assert!(told > 0);
    assert!(
        honest.iter().all(|d| {
            let c = codes(d);
            !c.contains(&late) && !c.contains(&future)
        }),
        "an honest device was caught by the clock rules"
    );
    // Charged: their beacons and the told witnesses are invalid reports.
    let charged = skewers
        .iter()
        .filter(|d| {
            block_on(terrane_pow::query::device_work(
                &state,
                &pow,
                d,
                Epoch::new(EPOCHS),
            ))
            .unwrap()
            .invalid_reports
                > 0
        })
        .count();
    println!(
        "{charged} of {} skewers charged for their false times",
        skewers.len()
    );
    assert_eq!(charged, skewers.len());
    assert!(
        per_skewer <= per_honest,
        "the clique out-earned honest devices"
    );
}

/// A run under `rules` (the chain's coverage parameters, which the fleet's attackers know).
fn run_under(cfg: FleetConfig, rules: CoverageParams) -> Run {
    run_with(cfg, rules, EPOCHS)
}

fn share_of(run: &Run, b: Behavior) -> f64 {
    let shares = run.sim.shares(&run.fleet);
    let total: u64 = shares.iter().map(EpochShares::total).sum();
    let of: u64 = shares.iter().map(|s| s.amount(b)).sum();
    of as f64 / total as f64
}

fn sum_of(t: &BTreeMap<DeviceId, u64>, ds: &[DeviceId]) -> u64 {
    ds.iter().map(|d| t.get(d).copied().unwrap_or(0)).sum()
}

/// No honest device of `run` has an invalid report: none lost reputation for another's lie.
fn assert_no_honest_device_charged(run: &Run, label: &str) {
    let state = run.sim.state();
    let pow = run.sim.pow();
    for d in of_kind(&run.fleet, Behavior::Honest) {
        let work = block_on(terrane_pow::query::device_work(
            &state,
            &pow,
            &d,
            Epoch::new(EPOCHS),
        ))
        .unwrap();
        assert_eq!(work.invalid_reports, 0, "{label}: honest {d:?} was charged");
    }
}

/// Before this rule set: free space at every distance and no locality rule.
fn free_space_rules() -> CoverageParams {
    let p = CoverageParams::default();
    CoverageParams {
        far_path_loss_exponent_x10: 20,
        corroboration_radius_m: p.max_witness_distance_m,
        ..p
    }
}

/// Outcomes with `code` in the devices' outcome rings at the end of a run (the last
/// `outcomes_kept` of each device), and how many of them are honest devices'.
fn in_rings(run: &Run, code: CoverageRejection) -> (usize, usize) {
    let state = run.sim.state();
    let pow = run.sim.pow();
    let (mut all, mut honest) = (0, 0);
    for (d, b) in run.fleet.devices() {
        let ring = block_on(terrane_pow::query::recent_outcomes(&state, &pow, &d)).unwrap();
        let n = ring.iter().filter(|o| o.code == code.code()).count();
        all += n;
        if b == Behavior::Honest {
            honest += n;
        }
    }
    (all, honest)
}

/// 36 wormhole far ends (6 sniffers in 6 cities, far ends 35-80 km away) among 140 honest
/// devices, relaying both ways. Measured, rule by rule (printed): the naive relay under the
/// old free-space rules, then with the link budget, then an adaptive relay (readings just
/// inside the budget, only where a nearer witness corroborates) with the budget alone and with
/// locality, and the adaptive relay with its far ends only 18-32 km out (just beyond real
/// range, within corroboration of the city's farthest witnesses). Asserted for the full rule
/// set: the 35-80 km adaptive relay under 1 % of the rewards; either adaptive relay under a
/// quarter of an honest device's earnings per device; honest devices within 5 % of the
/// honest-only model, and no honest device charged.
#[test]
fn wormholes_capture_under_one_percent_against_the_link_budget_and_locality() {
    let cfg = FleetConfig {
        spoofers: 0,
        rings: 0,
        replayers: 0,
        inflators: 0,
        wormholes: 36,
        ..config()
    };
    let budget_only = CoverageParams {
        corroboration_radius_m: CoverageParams::default().max_witness_distance_m,
        ..CoverageParams::default()
    };
    let naive = FleetConfig {
        wormhole_tactic: WormholeTactic::FreeSpace,
        ..cfg.clone()
    };
    let near = FleetConfig {
        wormhole_range_m: (18_000.0, 32_000.0),
        ..cfg.clone()
    };
    let steps = [
        (
            "naive relay, free-space rules",
            run_under(naive.clone(), free_space_rules()),
        ),
        (
            "naive relay, link budget",
            run_under(naive.clone(), budget_only),
        ),
        (
            "naive relay, link budget and locality",
            run_under(naive, CoverageParams::default()),
        ),
        (
            "adaptive relay, link budget",
            run_under(cfg.clone(), budget_only),
        ),
        (
            "adaptive relay 18-32 km, link budget",
            run_under(near.clone(), budget_only),
        ),
        (
            "adaptive relay 18-32 km one way, link budget and locality",
            run_under(
                FleetConfig {
                    wormhole_both_ways: false,
                    ..near.clone()
                },
                CoverageParams::default(),
            ),
        ),
    ];
    for (label, r) in &steps {
        println!(
            "{label}: wormholes took {:.2} % of rewards ({} signal_too_strong, {} \
             witness_uncorroborated in the outcome rings)",
            100.0 * share_of(r, Behavior::Wormhole),
            in_rings(r, CoverageRejection::SignalTooStrong).0,
            in_rings(r, CoverageRejection::WitnessUncorroborated).0,
        );
    }
    let honest_only = run_under(cfg.without_cheaters(), CoverageParams::default());
    let old_honest_only = run_under(cfg.without_cheaters(), free_space_rules());
    let (base, old) = (totals(&honest_only), totals(&old_honest_only));
    // The pool is fixed, so the new rules can only move it between honest devices.
    let total_old: u64 = old.values().sum();
    let moved: u64 = old
        .iter()
        .map(|(d, a)| a.abs_diff(base.get(d).copied().unwrap_or(0)))
        .sum();
    let worst = old
        .iter()
        .filter(|(_, a)| **a > 0)
        .map(|(d, a)| base.get(d).copied().unwrap_or(0) as f64 / *a as f64)
        .fold(f64::INFINITY, f64::min);
    println!(
        "honest-only fleet, full rules vs free-space rules: {:.2} % of the pool moved between \
         devices, worst device {:.2} %, {} of its honest witnesses uncorroborated in the outcome \
         rings",
        50.0 * moved as f64 / total_old as f64,
        100.0 * worst,
        in_rings(&honest_only, CoverageRejection::WitnessUncorroborated).1,
    );
    // Relayed 35-80 km (the distances no ground link covers): under 1 %. Relayed 18-32 km,
    // just past the radio's real reach and within corroboration of the city's farthest
    // witnesses, physics cannot refute the claim; it is bounded economically: a far end earns
    // under a quarter of what the same device earns deployed honestly in the city, for the
    // same bond and fees.
    for (label, attack, max_share, max_per_device) in [
        ("adaptive relay, link budget and locality", cfg, 0.01, 0.25),
        (
            "adaptive relay 18-32 km, link budget and locality",
            near,
            1.0,
            0.25,
        ),
    ] {
        let r = run_under(attack.clone(), CoverageParams::default());
        let fair = run_under(
            FleetConfig {
                fair_play: true,
                ..attack
            },
            CoverageParams::default(),
        );
        let share = share_of(&r, Behavior::Wormhole);
        let honest = of_kind(&r.fleet, Behavior::Honest);
        let kept = sum_of(&totals(&r), &honest) as f64 / sum_of(&base, &honest) as f64;
        let kept_fair =
            sum_of(&totals(&r), &honest) as f64 / sum_of(&totals(&fair), &honest) as f64;
        let (lone, lone_honest) = in_rings(&r, CoverageRejection::WitnessUncorroborated);
        let wormholes = of_kind(&r.fleet, Behavior::Wormhole).len();
        let per_device = (share / wormholes as f64) / ((1.0 - share) / honest.len() as f64);
        println!(
            "{label}: wormholes took {:.2} % of rewards ({per_device:.2}× an honest device); \
             honest devices got {:.2} % of their honest-only rewards ({:.2} % of what they get \
             when the same far ends play fair, {:.2} % for the far ends then); {lone} \
             witnesses uncorroborated in the outcome rings ({lone_honest} honest devices')",
            100.0 * share,
            100.0 * kept,
            100.0 * kept_fair,
            100.0 * share_of(&fair, Behavior::Wormhole),
        );
        assert!(
            share < max_share,
            "{label}: wormholes took {:.2} %",
            100.0 * share
        );
        assert!(
            per_device < max_per_device,
            "{label}: a wormhole earned {per_device:.2}× an honest device"
        );
        assert!(
            kept >= 0.95,
            "{label}: honest devices got {:.2} %",
            100.0 * kept
        );
        assert_no_honest_device_charged(&r, label);
    }
}

/// The sybil spread as the issue played it: 36 ring devices in three buildings, each with its
/// own owner account, all 36 accounts created by transfers from one funder in the
/// registration block, fabricating geometry-consistent witnesses of each other. The funding
/// graph makes them one owner (`linked_owner_witness`, refused without fault): under 1 % of the
/// rewards, honest devices within 5 % of the honest-only model. The same ring funded
/// independently (at genesis) is what the funding graph cannot see: its share is printed.
#[test]
fn sybil_owners_created_by_one_funder_are_one_owner_and_their_ring_earns_under_one_percent() {
    let cfg = FleetConfig {
        spoofers: 0,
        rings: 3,
        ring_size: 12,
        replayers: 0,
        inflators: 0,
        sybil_ring_owners: true,
        sybil_funder: true,
        ..config()
    };
    let r = run(cfg.clone());
    let independent = run(FleetConfig {
        sybil_funder: false,
        ..cfg.clone()
    });
    let honest_only = run(cfg.without_cheaters());
    print_table("sybil ring, one funder:", &r.sim.shares(&r.fleet));
    let linked = r
        .sim
        .judged
        .iter()
        .filter(|j| j.code == CoverageRejection::LinkedOwnerWitness.code())
        .count();
    let share = share_of(&r, Behavior::Ring);
    let honest = of_kind(&r.fleet, Behavior::Honest);
    let kept = sum_of(&totals(&r), &honest) as f64 / sum_of(&totals(&honest_only), &honest) as f64;
    println!(
        "sybil ring funded by one account in one block: {:.2} % of rewards, {linked} witnesses \
         linked_owner_witness, honest devices got {:.2} % of their honest-only rewards; the same \
         ring funded independently: {:.2} %",
        100.0 * share,
        100.0 * kept,
        100.0 * share_of(&independent, Behavior::Ring),
    );
    assert!(linked > 0, "the funding graph linked nobody");
    assert!(share < 0.01, "the ring took {:.2} %", 100.0 * share);
    assert!(kept >= 0.95, "honest devices got {:.2} %", 100.0 * kept);
    assert_no_honest_device_charged(&r, "sybil ring");
}
