//! `terrane agent`: a devnet's simulated fleet, driven over a node's HTTP API.

use crate::cli::AgentArgs;
use anyhow::Context;
use std::time::{Duration, Instant};
use terrane_client::Client;
use terrane_devnet::{
    agent::{Agent, AgentEvent},
    layout::{self, Layout},
};

/// How often the agent looks for a new head.
pub const POLL: Duration = Duration::from_millis(200);

pub async fn run(args: AgentArgs) -> anyhow::Result<()> {
    let layout = Layout::new(&args.dir);
    let mut fleet = layout.build_fleet()?.with_context(|| {
        format!(
            "{} has no fleet.json: it was created without a fleet",
            args.dir.display()
        )
    })?;
    if args.list {
        for (i, d) in fleet.device_info().enumerate() {
            println!(
                "{i:>4}  {}  {:<13} {:>9.4},{:>9.4}  cell {}",
                d.id,
                d.behavior.name(),
                d.true_position.0,
                d.true_position.1,
                d.asserted_cell
            );
        }
        return Ok(());
    }
    if !args.devices.is_empty() {
        let all: Vec<terrane_primitives::DeviceId> =
            fleet.devices().into_iter().map(|(d, _)| d).collect();
        let mut chosen = Vec::new();
        let index = |text: &str| -> anyhow::Result<usize> {
            let i: usize = text.parse()?;
            anyhow::ensure!(
                i < all.len(),
                "the fleet has {} devices; no index {i}",
                all.len()
            );
            Ok(i)
        };
        for sel in &args.devices {
            if let Some((a, b)) = sel.split_once('-')
                && let (Ok(a), Ok(b)) = (index(a), index(b))
            {
                anyhow::ensure!(a <= b, "empty device range {sel}");
                chosen.extend_from_slice(&all[a..=b]);
            } else if let Ok(i) = index(sel) {
                chosen.push(all[i]);
            } else {
                let id = sel
                    .parse::<terrane_primitives::DeviceId>()
                    .ok()
                    .filter(|d| all.contains(d))
                    .with_context(|| {
                        format!(
                            "{sel} is neither a device index, a range A-B, nor a key of this fleet"
                        )
                    })?;
                chosen.push(id);
            }
        }
        fleet.restrict_to(&chosen);
    }
    let node = match args.node {
        Some(n) => n,
        None => layout::api_url(&layout, 0)?,
    };
    let (mut agent, events) = Agent::connect(fleet, Client::new(&node))
        .await
        .with_context(|| format!("connecting the fleet to {node}"))?;
    print_events(&events);
    let mine = agent.fleet().submitted_devices();
    println!(
        "agent: running {} of the fleet's {} simulated hotspots on {node}",
        mine.len(),
        agent.fleet().devices().len(),
    );
    if mine.len() <= 8 {
        for d in &mine {
            let kind = agent.fleet().behavior_of(d).map_or("?", |b| b.name());
            println!("  device {d} ({kind})");
        }
    }
    let started = Instant::now();
    let mut tick = tokio::time::interval(POLL);
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = tick.tick() => {}
        }
        match agent.tick().await {
            Ok(events) => print_events(&events),
            // A node restarting or briefly unreachable is not the end of the fleet.
            Err(e) => eprintln!("agent: {e}"),
        }
        if args
            .duration_secs
            .is_some_and(|d| started.elapsed() >= Duration::from_secs(d))
        {
            break;
        }
    }
    let s = agent.stats();
    println!(
        "agent stopped: {} heads, {} transactions admitted, {} refused, {} nonce resyncs",
        s.heads, s.admitted, s.refused, s.resyncs
    );
    Ok(())
}

/// Prints what the agent reports, one line each.
pub fn print_events(events: &[AgentEvent]) {
    for e in events {
        match e {
            AgentEvent::Registering { devices } => {
                println!("fleet: submitted {devices} device registrations");
            }
            AgentEvent::Resumed { height } => {
                println!("fleet: devices already registered; resuming at height {height}");
            }
            AgentEvent::EpochClosed(shares, rejections) => {
                println!("rewards {shares}");
                if !rejections.is_empty() {
                    let list: Vec<String> = rejections
                        .iter()
                        .map(|(r, n)| format!("{r} ×{n}"))
                        .collect();
                    println!("  cheaters' reports rejected: {}", list.join(", "));
                }
            }
            AgentEvent::Refused(by_reason) => {
                let list: Vec<String> =
                    by_reason.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
                println!("fleet: node refused {}", list.join(", "));
            }
        }
    }
}
