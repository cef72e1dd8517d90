//! The devnet and its hotspot fleet as a user runs them: `terrane devnet` (four validator
//! processes on loopback) without its built-in agent, and the fleet's 324 devices driven by two
//! separate `terrane agent` processes, each running its own share of the devices over the HTTP
//! API. Honest hotspots must be paid, radio cheaters not at all, and the adaptive cheaters (a
//! timing clique, wormholes) no more per device than an honest hotspot, as in the deterministic
//! simulation, with the reward lines read back from the running chain.
#![allow(clippy::disallowed_methods)] // A process-level test: its deadlines are wall-clock time.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use terrane_client::Client;
use terrane_devnet::layout::Layout;
use terrane_fleet::Behavior;

mod common;
use common::free_ports;

const BIN: &str = env!("CARGO_BIN_EXE_terrane");
/// Short epochs (15 s at 4 blocks/s) so a few close within the test.
const EPOCH_BLOCKS: u64 = 60;

fn spawn(args: &[&str], log: &Path) -> Child {
    let out = std::fs::File::create(log).unwrap();
    Command::new(BIN)
        .args(args)
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .stdin(Stdio::null())
        .spawn()
        .unwrap()
}

/// Stops a process the way Ctrl-C does, so the devnet stops its validators.
fn interrupt(child: &mut Child) {
    let pid = rustix::process::Pid::from_raw(i32::try_from(child.id()).unwrap()).unwrap();
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::INT);
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn two_device_agents_running_the_devnet_fleet_pay_honest_hotspots_and_no_cheater_for_cheating() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("net");
    let dir_s = dir.to_str().unwrap().to_owned();
    let api = free_ports(4);
    let p2p = free_ports(4);
    let mut devnet = spawn(
        &[
            "devnet",
            "--dir",
            &dir_s,
            "--no-agent",
            "--epoch-blocks",
            &EPOCH_BLOCKS.to_string(),
            "--api-port",
            &api.to_string(),
            "--p2p-port",
            &p2p.to_string(),
            "--duration-secs",
            "400",
        ],
        &tmp.path().join("devnet.log"),
    );
    let client = Client::new(&format!("http://127.0.0.1:{api}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let head = |deadline: Instant| -> u64 {
        loop {
            if let Ok(s) = runtime.block_on(client.status())
                && s.finalized_height > 0
            {
                return s.finalized_height;
            }
            assert!(
                Instant::now() < deadline,
                "the devnet did not start: {}",
                std::fs::read_to_string(tmp.path().join("devnet.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    };
    head(Instant::now() + Duration::from_secs(60));

    // Two device agents, a third and two thirds of the fleet each.
    let mut agents = [("0-99", "agent-a.log"), ("100-299", "agent-b.log")].map(|(range, log)| {
        spawn(
            &["agent", "--dir", &dir_s, "--device", range],
            &tmp.path().join(log),
        )
    });

    // Epoch 0 is partial (registration, activation); epochs 1 and 2 are full.
    let closed = 2u64;
    let target = (closed + 1) * EPOCH_BLOCKS + 2;
    let deadline = Instant::now() + Duration::from_secs(240);
    while head(deadline) < target {
        assert!(
            Instant::now() < deadline,
            "the chain did not reach height {target}"
        );
        std::thread::sleep(Duration::from_secs(1));
    }

    // Read every device's reward line for the last full epoch from the running chain.
    let fleet = Layout::new(&dir)
        .build_fleet()
        .unwrap()
        .expect("the devnet has a fleet");
    let mut paid = std::collections::BTreeMap::<&str, (u64, usize)>::new();
    let mut usage_paid = std::collections::BTreeMap::<&str, u64>::new();
    let mut honest_earning = 0;
    let devices = fleet.devices();
    // The chain's clock binds beacon and witness times to blocks: real hotspots, timed from
    // the blocks they see, never fall foul of it; the skewers' false times do.
    let clock_rules = [
        "beacon_after_witness",
        "witness_from_future",
        "beacon_before_work",
    ];
    let mut clocked = std::collections::BTreeMap::<&str, usize>::new();
    for (id, behavior) in &devices {
        let outcomes = runtime.block_on(client.device_outcomes(id)).unwrap();
        let hit = outcomes.is_some_and(|o| {
            o.outcomes
                .iter()
                .any(|r| clock_rules.contains(&r.name.as_str()))
        });
        *clocked.entry(behavior.name()).or_default() += usize::from(hit);
    }
    for (id, behavior) in &devices {
        let view = runtime.block_on(client.device_rewards(id)).unwrap();
        let lines = view.map(|v| v.lines).unwrap_or_default();
        *usage_paid.entry(behavior.name()).or_default() +=
            lines.iter().map(|l| l.usage_paid).sum::<u64>();
        let amount = lines
            .into_iter()
            .find(|l| l.epoch == closed)
            .map_or(0, |l| l.amount);
        let e = paid.entry(behavior.name()).or_default();
        e.0 += amount;
        if amount > 0 {
            e.1 += 1;
            if *behavior == Behavior::Honest {
                honest_earning += 1;
            }
        }
    }
    let summary = runtime
        .block_on(client.epoch(closed))
        .unwrap()
        .and_then(|e| e.summary)
        .expect("epoch closed");
    // The devnet's oracle has been reporting its random walk all along.
    let price = runtime.block_on(client.price()).unwrap();
    // Its consumers have been buying credits and paying hotspots for traffic.
    let credits = runtime.block_on(client.credits()).unwrap();
    let usage_total: u64 = (0..=closed)
        .filter_map(|e| runtime.block_on(client.epoch(e)).ok().flatten()?.summary)
        .map(|s| s.economy.usage_paid)
        .sum();
    // The devnet bonded its validators' own stake after genesis.
    let staking = runtime.block_on(client.staking()).unwrap();
    for agent in &mut agents {
        interrupt(agent);
    }
    interrupt(&mut devnet);
    let logs: String = ["agent-a.log", "agent-b.log"]
        .iter()
        .map(|l| std::fs::read_to_string(tmp.path().join(l)).unwrap_or_default())
        .collect();
    eprintln!("epoch {closed}: paid by behaviour (base units, devices) {paid:?}\n{logs}");

    let cfg = fleet.config();
    let honest_total = cfg.honest;
    let all: u64 = paid.values().map(|(a, _)| *a).sum();
    // Radio cheaters do no real work the chain could pay. Skewers and wormholes are real
    // hotspots that also cheat: they may earn for their real work, never more per device than
    // an honest hotspot.
    let radio_cheaters: u64 = [
        Behavior::Spoofer,
        Behavior::Ring,
        Behavior::Replayer,
        Behavior::GainInflator,
    ]
    .iter()
    .map(|b| paid.get(b.name()).map_or(0, |p| p.0))
    .sum();
    let honest = paid.get(Behavior::Honest.name()).map_or(0, |p| p.0);
    assert_eq!(
        all, summary.distributed["coverage"],
        "lines add up to the summary"
    );
    assert!(honest > 0, "honest hotspots were paid");
    assert_eq!(
        clocked.get(Behavior::Honest.name()).copied().unwrap_or(0),
        0,
        "an honest hotspot broke a clock rule: {clocked:?}"
    );
    assert!(
        clocked.get(Behavior::Skewer.name()).copied().unwrap_or(0) > 0,
        "the skewers' false times are caught: {clocked:?}"
    );
    assert_eq!(radio_cheaters, 0, "no radio cheater was paid");
    let per_honest = honest as f64 / honest_total as f64;
    for (b, n) in [
        (Behavior::Skewer, cfg.skewers),
        (Behavior::Wormhole, cfg.wormholes),
    ] {
        assert!(n > 0, "the devnet fleet runs {b}s");
        let got = paid.get(b.name()).map_or(0, |p| p.0) as f64 / n as f64;
        assert!(
            got <= per_honest,
            "a {b} earned {got:.0} per device, an honest hotspot {per_honest:.0}"
        );
    }
    assert!(
        honest_earning * 100 >= honest_total * 95,
        "{honest_earning} of {honest_total} honest hotspots earned in epoch {closed}"
    );
    assert!(
        logs.contains("rewards epoch"),
        "agents print per-epoch reward shares"
    );
    assert!(price.price.is_some(), "the devnet has a price: {price:?}");
    assert!(
        credits.trn_burned > 0 && credits.spent > 0,
        "consumers bought and spent credits: {credits:?}"
    );
    assert_eq!(
        credits.minted,
        credits.spent + credits.balances + credits.escrowed,
        "the credit ledger balances"
    );
    assert!(usage_total > 0, "usage was paid in a closed epoch");
    assert_eq!(
        usage_paid.values().sum::<u64>(),
        usage_total,
        "usage lines add up to the summaries"
    );
    assert_eq!(
        usage_paid
            .get(Behavior::Honest.name())
            .copied()
            .unwrap_or(0),
        usage_total,
        "consumers pay only hotspots that serve them: {usage_paid:?}"
    );
    assert_eq!(price.reports.len(), 1, "from its one oracle");
    // It printed the economy's cheats net of what they paid: the self-dealer loses.
    let devnet_log = std::fs::read_to_string(tmp.path().join("devnet.log")).unwrap_or_default();
    let dealer = devnet_log
        .lines()
        .rfind(|l| l.contains("self-dealer"))
        .unwrap_or_else(|| panic!("the devnet printed no self-dealer line:\n{devnet_log}"));
    assert!(dealer.contains("net -"), "{dealer}");
    assert_eq!(staking.validators.len(), 4, "{staking:?}");
    for v in &staking.validators {
        assert!(
            v.bonded && v.operator_stake == staking.min_validator_bond,
            "validator {} bonded its minimum: {staking:?}",
            v.address
        );
    }
}
