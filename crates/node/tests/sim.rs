//! Deterministic simulations of a four-validator Terrane chain: the happy path, replay
//! determinism, a crash, a partition, a byzantine proposer and an equivocator. In every case
//! the honest validators must agree on every finalized block (hence state root) and the
//! supply invariant must hold after every finalization.

mod common;

use common::*;
use commonware_glue::simulate::{
    action::{Action, Crash, Schedule},
    plan::PlanBuilder,
};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};
use terrane_node::types::Digest;

type Roots = Arc<Mutex<Vec<Digest>>>;

fn roots() -> Roots {
    Arc::new(Mutex::new(Vec::new()))
}

/// A plan with the standard checks: supply after every finalization, honest agreement and
/// executed workload at the end.
fn plan(engine: SimEngine, height: u64, recorded: &Roots) -> PlanBuilder<SimEngine> {
    PlanBuilder::new(engine)
        .seed(1)
        .link(good_link())
        .exit_condition(HonestReached(height))
        .finalization_property(SupplyHolds)
        .property(HonestAgree {
            min_height: height,
            roots: recorded.clone(),
        })
        .property(WorkloadExecuted {
            moved: Arc::new(Mutex::new(0)),
        })
        .timeout(Duration::from_secs(600))
}

#[test]
fn four_honest_validators_finalize_and_agree_with_supply_conserved() {
    let recorded = roots();
    let moved = Arc::new(Mutex::new(0u64));
    plan(SimEngine::new(), 40, &recorded)
        .property(WorkloadExecuted {
            moved: moved.clone(),
        })
        .run()
        .expect("simulation passes");
    assert!(recorded.lock().unwrap().len() >= 40);
    assert!(*moved.lock().unwrap() > 0, "workload transfers executed");
}

#[test]
fn same_seed_twice_gives_identical_state_roots() {
    let run = |seed: u64| {
        let recorded = roots();
        let result = plan(SimEngine::new(), 30, &recorded)
            .seed(seed)
            .build()
            .run()
            .expect("simulation passes");
        let roots = recorded.lock().unwrap()[..30].to_vec();
        (result.state, roots)
    };
    let (audit_a, roots_a) = run(7);
    let (audit_b, roots_b) = run(7);
    assert_eq!(roots_a, roots_b, "same seed, same state roots");
    assert_eq!(audit_a, audit_b, "same seed, same execution trace");
    let (audit_c, _) = run(8);
    assert_ne!(audit_a, audit_c, "another seed explores another schedule");
}

#[test]
fn crashed_validator_restarts_and_catches_up_without_losing_finalized_blocks() {
    let engine = SimEngine::new();
    let victim = engine.keys()[1].clone();
    let recorded = roots();
    plan(engine, 100, &recorded)
        .crash(Crash::Schedule(
            Schedule::new()
                .at(Duration::from_secs(1), Action::Crash(victim.clone()))
                .at(Duration::from_secs(3), Action::Restart(victim)),
        ))
        .run()
        .expect("simulation passes");
    assert!(recorded.lock().unwrap().len() >= 100);
}

#[test]
fn partitioned_validator_rejoins_after_the_partition_heals() {
    let engine = SimEngine::new();
    let keys = engine.keys();
    let isolated = keys[3].clone();
    let mut schedule = Schedule::new();
    for other in &keys[..3] {
        schedule = schedule
            .at(
                Duration::from_secs(1),
                Action::UpdateLink {
                    from: isolated.clone(),
                    to: other.clone(),
                    link: dead_link(),
                },
            )
            .at(
                Duration::from_secs(1),
                Action::UpdateLink {
                    from: other.clone(),
                    to: isolated.clone(),
                    link: dead_link(),
                },
            );
    }
    schedule = schedule.at(Duration::from_secs(6), Action::Heal(good_link()));
    let recorded = roots();
    plan(engine, 150, &recorded)
        .crash(Crash::Schedule(schedule))
        .run()
        .expect("simulation passes");
    assert!(recorded.lock().unwrap().len() >= 150);
}

#[test]
fn byzantine_proposer_forging_a_mint_never_gets_a_block_finalized() {
    let engine = SimEngine::new().with_role(0, Role::ForgedMint);
    let adversary = engine.keys()[0].clone();
    let recorded = roots();
    plan(engine, 50, &recorded)
        .property(AdversaryNeverFinalized { adversary })
        .run()
        .expect("simulation passes");
    assert!(recorded.lock().unwrap().len() >= 50);
}

#[test]
fn equivocating_validator_cannot_stop_or_split_the_honest_ones() {
    let engine = SimEngine::new().with_role(2, Role::Equivocator);
    let recorded = roots();
    plan(engine, 50, &recorded)
        .run()
        .expect("simulation passes");
    assert!(recorded.lock().unwrap().len() >= 50);
}

/// At the end: the hotspots' reports were verified and rewarded, identically on every honest
/// validator (same reward root, same units), in at least two closed epochs.
#[derive(Clone)]
struct HotspotsRewarded;

impl commonware_glue::simulate::property::Property<terrane_node::types::PublicKey, SimState>
    for HotspotsRewarded
{
    fn name(&self) -> &str {
        "hotspots_rewarded"
    }

    fn check<'a>(
        &'a self,
        _tracker: &'a commonware_glue::simulate::tracker::ProgressTracker<
            terrane_node::types::PublicKey,
        >,
        states: &'a [&'a SimState],
    ) -> Check<'a> {
        Box::pin(async move {
            let mut seen: Option<Vec<(u64, String, u64)>> = None;
            for s in states.iter().filter(|s| s.role == Role::Honest) {
                let db = s.stateful.subscribe_databases().await;
                let guard = db.read().await;
                let o = terrane_state::Overlay::new(terrane_node::db::DbReader::<
                    commonware_runtime::deterministic::Context,
                >(&guard));
                let mut rows = Vec::new();
                for e in 0..6u64 {
                    let epoch = terrane_primitives::Epoch::new(e);
                    if let Some(summary) =
                        terrane_rewards::handler::summary(&o, epoch).await.unwrap()
                    {
                        let beaconer =
                            terrane_devices::testkit::id_of(&terrane_devices::testkit::key("hs-a"));
                        let amount = terrane_rewards::handler::line(&o, epoch, &beaconer)
                            .await
                            .unwrap()
                            .map_or(0, |l| l.breakdown.amount);
                        rows.push((e, summary.reward_root.to_string(), amount));
                    }
                }
                match &seen {
                    None => seen = Some(rows),
                    Some(first) if first != &rows => {
                        return Err(format!(
                            "validator {} disagrees: {rows:?} vs {first:?}",
                            s.index
                        ));
                    }
                    Some(_) => {}
                }
            }
            let rows = seen.ok_or("no honest validator")?;
            let paid = rows.iter().filter(|(_, _, amount)| *amount > 0).count();
            if paid < 2 {
                return Err(format!("the beaconer was paid in {paid} epochs: {rows:?}"));
            }
            Ok(())
        })
    }
}

#[test]
fn reports_submitted_to_one_validator_are_verified_identically_by_all() {
    let recorded = roots();
    let height = SIM_EPOCH_BLOCKS * 4 + 5;
    plan(SimEngine::new().with_devices(), height, &recorded)
        .property(HotspotsRewarded)
        .run()
        .expect("simulation passes");
    assert!(recorded.lock().unwrap().len() as u64 >= height);
}
