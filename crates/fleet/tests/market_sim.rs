//! The fleet and a market against the real state machine, for several epochs: consumers buy
//! credits at the oracle price and pay hotspots for traffic; self-dealers pay their own
//! hotspots; over-claimers try to be paid more than their customers signed; the radio cheaters
//! of the fleet test play along. The network is busy (two consumers in every town, about $100
//! an epoch each: `MarketConfig::busy`), so paid usage backs the coverage pool
//! (`docs/spec/rewards.md`, rule 2b).
//!
//! Each cheat is measured against the same run without it (every other draw is identical):
//! a self-dealer's gain is what his hotspot earned beyond the honest baseline, less the TRN
//! his payer burned for the credits it spent; an over-claimer's is the usage it was paid beyond
//! what its customers signed. The sybil spread (36 ring devices in three buildings, each with
//! its own independently funded owner and bond, fabricating geometry-consistent witnesses of
//! each other) is measured against the same fleet without the ring, once idle and once buying
//! its own traffic. Run with `--nocapture` for the figures.

// Wall-clock time is measured only to report how long the simulation took.
#![allow(clippy::disallowed_methods)]

use std::{
    collections::{BTreeMap, BTreeSet},
    path::PathBuf,
    sync::OnceLock,
    time::Instant,
};
use terrane_accounts::params::AccountsParams;
use terrane_app::testkit::named_key;
use terrane_fleet::{
    Behavior, City, Fleet, FleetConfig, Market, MarketConfig, Sim, SimConfig, cities,
};
use terrane_primitives::{Address, DeviceId, Epoch};
use terrane_sessions::outcome::SessionsRejection;

const SEED: u64 = 20_261_207;
/// Epochs closed per run (epoch 0, with the registrations, included).
const EPOCHS: u64 = 6;

fn load_cities() -> Vec<City> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cities15000.csv");
    cities::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 182 devices: 140 honest (4 of them self-dealers or over-claimers), 42 radio cheaters.
fn fleet_config() -> FleetConfig {
    FleetConfig {
        cities: 16,
        honest: 140,
        spoofers: 14,
        rings: 3,
        ring_size: 4,
        sybil_ring_owners: false,
        replayers: 6,
        inflators: 6,
        ..FleetConfig::devnet(SEED)
    }
}

struct Run {
    fleet: Fleet,
    market: Market,
    sim: Sim,
}

fn run(fleet_cfg: FleetConfig, market_cfg: MarketConfig) -> Run {
    let started = Instant::now();
    let sim_cfg = SimConfig::new(SEED);
    let cities = load_cities();
    let mut fleet = Fleet::new(
        fleet_cfg,
        &cities,
        sim_cfg.chain(),
        named_key("fleet-maker"),
        AccountsParams::default(),
    );
    let mut market = Market::new(
        market_cfg,
        &fleet,
        &cities,
        sim_cfg.chain(),
        AccountsParams::default(),
    );
    let mut sim = Sim::with_market(sim_cfg, &fleet, &market);
    sim.run_epochs_with(&mut fleet, &mut market, EPOCHS);
    println!(
        "run (cheat: {}): {} blocks, {} transactions, {} sessions, {} receipts paid, {:.1} s",
        market.config().cheat,
        sim.height().get(),
        sim.txs.len(),
        market.ledger().opened,
        market.ledger().receipts_paid,
        started.elapsed().as_secs_f64()
    );
    Run { fleet, market, sim }
}

/// The runs every test shares, built once (in parallel).
struct Runs {
    /// Everyone cheating.
    with: Run,
    /// The same with the market honest.
    without: Run,
    /// Honest devices and an honest market, and the sybil spread idle.
    sybil: Run,
    /// The same, the rings' owners paying their own devices for fabricated traffic.
    dealing: Run,
    /// The same honest devices and market without the ring.
    honest_only: Run,
}

/// The sybil spread of the issue: 36 ring devices (three rings of 12) among the 140 honest,
/// each with its own owner account funded at genesis (no funding link) and its own bond.
fn sybil_config() -> FleetConfig {
    FleetConfig {
        spoofers: 0,
        rings: 3,
        ring_size: 12,
        replayers: 0,
        inflators: 0,
        sybil_ring_owners: true,
        ..fleet_config()
    }
}

fn runs() -> &'static Runs {
    static RUNS: OnceLock<Runs> = OnceLock::new();
    RUNS.get_or_init(|| {
        let market = MarketConfig::busy(SEED);
        let honest = market.honest();
        let dealing = MarketConfig {
            ring_dealers: true,
            ..honest.clone()
        };
        std::thread::scope(|s| {
            let with = s.spawn(|| run(fleet_config(), market.clone()));
            let without = s.spawn(|| run(fleet_config(), honest.clone()));
            let sybil = s.spawn(|| run(sybil_config(), honest.clone()));
            let dealing = s.spawn(|| run(sybil_config(), dealing));
            let honest_only = s.spawn(|| run(sybil_config().without_cheaters(), honest.clone()));
            Runs {
                with: with.join().expect("run"),
                without: without.join().expect("run"),
                sybil: sybil.join().expect("run"),
                dealing: dealing.join().expect("run"),
                honest_only: honest_only.join().expect("run"),
            }
        })
    })
}

/// Every device's rewards (subsidy and usage) over the closed epochs.
fn totals(run: &Run) -> BTreeMap<DeviceId, u64> {
    let mut t = BTreeMap::new();
    for e in &run.sim.epochs {
        for (d, a) in &e.rewards {
            *t.entry(*d).or_insert(0) += a.get();
        }
    }
    t
}

/// Every device's paid usage over the closed epochs: (credits, TRN paid).
fn usage(run: &Run) -> BTreeMap<DeviceId, (u64, u64)> {
    let mut t = BTreeMap::<DeviceId, (u64, u64)>::new();
    for e in &run.sim.epochs {
        for (d, u) in &e.usage {
            let x = t.entry(*d).or_default();
            x.0 += u.credits;
            x.1 += u.paid;
        }
    }
    t
}

fn all_rewards(run: &Run) -> u64 {
    run.sim
        .epochs
        .iter()
        .map(|e| e.summary.distributed_total())
        .sum()
}

/// Credits `payer`'s sessions paid in closed epochs, to `device` (or any device).
fn paid_by(run: &Run, payer: Address, device: Option<DeviceId>) -> u64 {
    run.market
        .ledger()
        .paid
        .iter()
        .filter(|((p, d, e), _)| *p == payer && device.is_none_or(|x| x == *d) && e.get() < EPOCHS)
        .map(|(_, c)| *c)
        .sum()
}

/// What a self-dealer gained: his hotspot's rewards beyond the honest baseline, less the TRN
/// value (at his own burn rate) of the credits his payer spent in closed epochs.
fn self_dealer_gain(with: &Run, without: &Run, payer: Address, device: DeviceId) -> i128 {
    let earned = i128::from(totals(with).get(&device).copied().unwrap_or(0));
    let baseline = i128::from(totals(without).get(&device).copied().unwrap_or(0));
    let ledger = with.market.ledger();
    let burned = i128::from(ledger.burned.get(&payer).map_or(0, |a| a.get()));
    let bought = i128::from(ledger.bought.get(&payer).copied().unwrap_or(0));
    let spent = i128::from(paid_by(with, payer, None));
    assert!(bought > 0, "the self-dealer bought credits");
    let cost = spent * burned / bought;
    println!(
        "self-dealer {device:?}: earned {earned} vs {baseline} honest; spent {spent} credits \
         worth {cost} TRN base units (burned {burned})"
    );
    earned - baseline - cost
}

#[test]
fn self_dealing_never_pays_and_cheaters_net_under_one_percent_of_rewards() {
    let Runs { with, without, .. } = runs();
    let total = all_rewards(with);
    assert!(total > 0);
    let dealers = with.market.self_dealers();
    assert!(!dealers.is_empty());
    let mut net: i128 = 0;
    for (payer, device) in &dealers {
        let gain = self_dealer_gain(with, without, *payer, *device);
        println!("  net gain {gain}");
        assert!(
            paid_by(with, *payer, Some(*device)) > 0,
            "the self-dealer paid his hotspot"
        );
        assert!(gain <= 0, "self-dealing paid {gain} base units");
        net += gain.max(0);
    }
    // Over-claimers: the usage they were paid is exactly what their customers signed, in both
    // runs.
    let (uw, uo) = (usage(with), usage(without));
    for (_, device) in with.market.over_claimers() {
        let signed: u64 = with
            .market
            .consumers()
            .iter()
            .map(|c| paid_by(with, *c, Some(device)))
            .sum();
        assert!(signed > 0, "the over-claimer had paying customers");
        assert_eq!(uw.get(&device).map_or(0, |u| u.0), signed);
        assert_eq!(
            uw.get(&device).copied(),
            uo.get(&device).copied(),
            "the over-claimer earned from usage exactly what it earns honestly"
        );
    }
    // The radio cheaters' whole rewards count as gain.
    let t = totals(with);
    let radio: u64 = with
        .fleet
        .devices()
        .iter()
        .filter(|(_, b)| b.is_cheater())
        .map(|(d, _)| t.get(d).copied().unwrap_or(0))
        .sum();
    net += i128::from(radio);
    println!(
        "cheaters' net gain {net} of {total} rewarded ({:.4} %)",
        100.0 * net as f64 / total as f64
    );
    assert!(
        net * 100 < i128::from(total),
        "cheaters netted {net} of {total}"
    );
}

#[test]
fn honest_hotspots_usage_revenue_is_exactly_what_consumers_paid() {
    let Runs { with, .. } = runs();
    let dealers = with.market.self_dealers();
    let u = usage(with);
    // What the consumers paid each device, and what the self-dealers paid their own.
    let mut consumers_paid = BTreeMap::<DeviceId, u64>::new();
    for ((payer, device, epoch), credits) in &with.market.ledger().paid {
        if epoch.get() < EPOCHS && !dealers.iter().any(|(p, _)| p == payer) {
            *consumers_paid.entry(*device).or_default() += credits;
        }
    }
    let honest: BTreeSet<DeviceId> = with
        .fleet
        .devices()
        .iter()
        .filter(|(_, b)| *b == Behavior::Honest)
        .map(|(d, _)| *d)
        .collect();
    assert!(
        consumers_paid.len() > 10,
        "consumers bought from many hotspots"
    );
    assert!(consumers_paid.keys().all(|d| honest.contains(d)));
    for d in &honest {
        let own = dealers
            .iter()
            .find(|(_, x)| x == d)
            .map_or(0, |(p, _)| paid_by(with, *p, Some(*d)));
        let paid = consumers_paid.get(d).copied().unwrap_or(0);
        assert_eq!(
            u.get(d).map_or(0, |x| x.0),
            paid + own,
            "{d:?}: its usage credits are what its consumers (and, for a self-dealer, he) paid"
        );
    }
    let total: u64 = consumers_paid.values().sum();
    println!(
        "consumers paid {total} credits to {} hotspots",
        consumers_paid.len()
    );
    // In TRN: every usage payment of the closed epochs went to a hotspot that was paid.
    let trn: u64 = u.values().map(|x| x.1).sum();
    let network: u64 = with
        .sim
        .epochs
        .iter()
        .map(|e| e.summary.economy.usage_paid)
        .sum();
    assert!(trn > 0);
    assert_eq!(trn, network);
    assert!(
        u.keys().all(|d| honest.contains(d)),
        "nobody else has usage"
    );
}

#[test]
fn over_claimers_receipts_are_refused_for_their_reasons_and_change_nothing() {
    let Runs { with, .. } = runs();
    let claimers: BTreeSet<Address> = with
        .market
        .over_claimers()
        .iter()
        .map(|(a, _)| *a)
        .collect();
    let mut codes = BTreeMap::<u16, usize>::new();
    for t in &with.sim.txs {
        if t.signer.is_some_and(|s| claimers.contains(&s)) {
            assert_eq!(t.kind, Some("submit_receipt"));
            *codes.entry(t.outcome.0).or_default() += 1;
        }
    }
    println!("over-claimers' receipts by outcome code: {codes:?}");
    assert_eq!(
        codes.get(&0),
        None,
        "an over-claimer's receipt was accepted"
    );
    assert!(
        codes
            .get(&SessionsRejection::BadSignature.code())
            .copied()
            .unwrap_or(0)
            > 0
    );
    assert!(
        codes
            .get(&SessionsRejection::StaleReceipt.code())
            .copied()
            .unwrap_or(0)
            > 0
    );
}

/// Every device's coverage subsidy (its rewards less its paid usage) over the closed epochs.
fn subsidies(run: &Run) -> BTreeMap<DeviceId, u64> {
    let mut t = totals(run);
    for (d, (_, paid)) in usage(run) {
        let x = t
            .get_mut(&d)
            .expect("a device paid for usage has a reward line");
        *x -= paid;
    }
    t
}

fn ring_devices(run: &Run) -> BTreeSet<DeviceId> {
    run.fleet
        .devices()
        .iter()
        .filter(|(_, b)| *b == Behavior::Ring)
        .map(|(d, _)| *d)
        .collect()
}

fn honest_devices(run: &Run) -> BTreeSet<DeviceId> {
    run.fleet
        .devices()
        .iter()
        .filter(|(_, b)| *b == Behavior::Honest)
        .map(|(d, _)| *d)
        .collect()
}

fn sum_over(t: &BTreeMap<DeviceId, u64>, of: &BTreeSet<DeviceId>) -> u64 {
    of.iter().map(|d| t.get(d).copied().unwrap_or(0)).sum()
}

/// The sybil spread with independent owners, bonds and real hardware: no radio rule and no
/// funding link can refute it, but no customer pays a ring device or any hotspot that hears
/// one, so demand backing holds it to its free share. Honest devices keep what they earn
/// without the ring, and no honest device is charged.
#[test]
fn a_sybil_ring_without_customers_takes_under_one_percent_and_honest_devices_keep_their_share() {
    let Runs {
        sybil, honest_only, ..
    } = runs();
    let ring = ring_devices(sybil);
    let honest = honest_devices(sybil);
    assert_eq!(ring.len(), 36);
    assert_eq!(honest, honest_devices(honest_only));
    let owners: BTreeSet<Address> = sybil
        .fleet
        .device_info()
        .filter(|i| i.behavior == Behavior::Ring)
        .map(|i| i.owner)
        .collect();
    assert_eq!(
        owners.len(),
        ring.len(),
        "one owner account per ring device"
    );
    let sub = subsidies(sybil);
    let total: u64 = sub.values().sum();
    let taken = sum_over(&sub, &ring);
    let share = taken as f64 / total as f64;
    let kept =
        sum_over(&totals(sybil), &honest) as f64 / sum_over(&totals(honest_only), &honest) as f64;
    let kept_subsidy =
        sum_over(&sub, &honest) as f64 / sum_over(&subsidies(honest_only), &honest) as f64;
    let per_ring = taken as f64 / ring.len() as f64;
    let per_honest = sum_over(&sub, &honest) as f64 / honest.len() as f64;
    println!(
        "sybil ring ({} owners, each bonded, 20.5 % of the devices): {taken} of {total} coverage \
         subsidy ({:.3} %, {:.3}x an honest device); honest devices got {:.2} % of their \
         honest-only rewards ({:.2} % of their subsidy)",
        owners.len(),
        100.0 * share,
        per_ring / per_honest,
        100.0 * kept,
        100.0 * kept_subsidy,
    );
    assert!(
        taken > 0,
        "the ring keeps its free share: this measures the rule, not an exclusion"
    );
    assert!(share < 0.01, "the ring took {:.3} %", 100.0 * share);
    assert!(kept >= 0.95, "honest devices got {:.2} %", 100.0 * kept);
    assert!(
        kept_subsidy >= 0.95,
        "honest subsidy {:.2} %",
        100.0 * kept_subsidy
    );
    let (state, pow) = (sybil.sim.state(), sybil.sim.pow());
    for d in &honest {
        let work = futures::executor::block_on(terrane_pow::query::device_work(
            &state,
            &pow,
            d,
            Epoch::new(EPOCHS),
        ))
        .expect("state reads");
        assert_eq!(
            work.invalid_reports, 0,
            "honest {d:?} was charged for the ring's lies"
        );
    }
}

/// The ring as cleverly as demand backing allows: its owners buy credits and pay their own
/// devices, so that paid usage backs their fabricated coverage. Each credit spent comes back
/// at most as 80 % usage and backs at most 25 % of that as subsidy: the ring loses money on
/// every credit, and its subsidy rises by no more than it paid.
#[test]
fn a_sybil_ring_buying_its_own_traffic_loses_what_it_pays() {
    let Runs { sybil, dealing, .. } = runs();
    let ring = ring_devices(dealing);
    let dealers = dealing.market.ring_dealers();
    assert_eq!(dealers.len(), 3);
    let ledger = dealing.market.ledger();
    let mut cost: i128 = 0;
    for (payer, devices) in &dealers {
        let spent = i128::from(paid_by(dealing, *payer, None));
        let burned = i128::from(ledger.burned.get(payer).map_or(0, |a| a.get()));
        let bought = i128::from(ledger.bought.get(payer).copied().unwrap_or(0));
        assert!(spent > 0 && bought > 0, "the ring dealer paid its ring");
        assert!(devices.iter().all(|d| ring.contains(d)));
        // Rounded up: the TRN the spent credits cost at the dealer's own burn rate.
        cost += (spent * burned + bought - 1) / bought;
    }
    let (idle, bought_in) = (
        i128::from(sum_over(&totals(sybil), &ring)),
        i128::from(sum_over(&totals(dealing), &ring)),
    );
    let sub = subsidies(dealing);
    let total: u64 = sub.values().sum();
    let taken = sum_over(&sub, &ring);
    let gain = bought_in - idle - cost;
    println!(
        "sybil ring buying its own traffic: rewards {bought_in} (idle: {idle}) for {cost} TRN \
         base units of credits: net gain {gain}; its subsidy {taken} of {total} ({:.3} %)",
        100.0 * taken as f64 / total as f64
    );
    assert!(
        gain <= 0,
        "buying its own traffic paid the ring {gain} base units"
    );
}
