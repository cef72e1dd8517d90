//! `terrane soak`: a devnet run unattended for a set time while its validators are measured.
//!
//! ```text
//!  fresh devnet (4 validator processes, the 300-hotspot fleet, short retention so the run
//!  reaches steady state in minutes) ─▶ fleet agent + transfer load (all validators)
//!    + against validator 0: slowloris, idle sockets, stalled event subscribers
//!  every 5 s: per validator open handles, RSS, disk, finalized height ─▶ samples.csv
//!  end: second-half slopes vs thresholds ─▶ soak.svg, summary.json; exit 1 on a leak
//! ```

use crate::cli::SoakArgs;
use anyhow::Context;
use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use terrane_bench::soak::{self, Adversaries, Sample};
use terrane_client::Client;
use terrane_devnet::{
    agent::Agent,
    fleet::FleetSpec,
    layout::{self, Layout, Spec},
    supervisor::Supervisor,
};
use terrane_keystore::Keystore;
use terrane_node::engine::Retention;

/// Accounts the transfer load is spread over.
const LOAD_SENDERS: usize = 16;

/// Stalled subscribers held against validator 0 at once.
const STALLED_SUBSCRIBERS: usize = 3;

/// Epoch length of the soak's chain: a tenth of the default, so epoch closes (the heaviest
/// blocks) recur every half minute.
const EPOCH_BLOCKS: u64 = 100;

/// The soak's retention: a few minutes of blocks, pruned often, in small archive sections,
/// so that even a CI-length run spends its second half at steady state.
const RETENTION: Retention = Retention {
    blocks: commonware_utils::NZUsize!(320),
    prune_every_blocks: commonware_utils::NZUsize!(32),
    archive_section_blocks: commonware_utils::NZU64!(256),
};

pub fn run(args: SoakArgs) -> anyhow::Result<()> {
    if args.dir.exists() {
        std::fs::remove_dir_all(&args.dir)
            .with_context(|| format!("removing {}", args.dir.display()))?;
    }
    let layout = Layout::new(&args.dir);
    let now_ms = u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis())?;
    let mut spec = Spec::default_devnet(now_ms);
    spec.chain_id = "terrane-soak".into();
    spec.api_port = args.api_port;
    spec.p2p_port = args.p2p_port;
    spec.epoch_blocks = Some(EPOCH_BLOCKS);
    spec.retention = RETENTION;
    // A small subscriber queue, so a stalled subscriber is dropped within seconds at the
    // fleet's event rate and the soak sees it happen several times.
    spec.api_limits.subscriber_queue_events = 256;
    spec.accounts
        .extend((0..LOAD_SENDERS).map(|i| (format!("soak-{i}"), 1_000_000)));
    let cities = match args.cities.clone() {
        Some(c) => c,
        None => terrane_devnet::fleet::default_cities()
            .context("the fleet needs ../shared/data/cities15000.csv (or pass --cities PATH)")?,
    };
    spec.fleet = Some(FleetSpec::devnet(7, cities));
    let genesis = layout::create(&layout, &spec)?;
    let keystore = Keystore::open(layout.keys())?;
    let senders = (0..LOAD_SENDERS)
        .map(|i| keystore.load(&format!("soak-{i}"), None))
        .collect::<Result<Vec<_>, _>>()?;
    let nodes: Vec<String> = (0..spec.validators)
        .map(|i| layout::api_url(&layout, i))
        .collect::<Result<_, _>>()?;
    let target: SocketAddr = layout.load_node(0)?.api_listen;

    let exe = std::env::current_exe().context("locating the terrane binary")?;
    let mut supervisor = Supervisor::start(exe, layout.clone())?;
    if let Err(e) = super::bench::wait_until_finalizing(&nodes[0], Duration::from_secs(90)) {
        supervisor.stop(Duration::from_secs(10));
        return Err(e);
    }
    println!(
        "soak: {} validators, fleet, {} tx/s, {} idle sockets, slowloris and {STALLED_SUBSCRIBERS} \
         stalled subscribers against validator 0, for {:?} (state in {})",
        spec.validators,
        args.rate,
        args.idle_sockets,
        args.duration,
        args.dir.display()
    );

    // The load runs for the whole soak in its own thread and runtime.
    let mut load = terrane_bench::LoadConfig::new(
        nodes.clone(),
        genesis.chain_id.clone(),
        genesis.params.accounts.base_fee.get(),
        genesis.params.accounts.byte_fee.get(),
        senders,
    );
    load.rate_per_sec = args.rate;
    load.duration = args.duration;
    load.warmup = Duration::from_secs(5).min(args.duration / 4);
    load.drain = Duration::from_secs(20);
    let load_thread = std::thread::spawn(move || terrane_bench::load(load));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Adversaries::default());
    let fleet = layout.build_fleet()?;
    let started = Instant::now();
    let samples = runtime.block_on(async {
        if let Some(fleet) = fleet {
            let client = Client::new(&nodes[0]);
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                let Ok((mut agent, _)) = Agent::connect(fleet, client).await else {
                    eprintln!("soak: the fleet agent could not start");
                    return;
                };
                let mut tick = tokio::time::interval(super::agent::POLL);
                while !stop.load(Ordering::Relaxed) {
                    tick.tick().await;
                    if let Err(e) = agent.tick().await {
                        eprintln!("soak: agent: {e}");
                    }
                }
            });
        }
        tokio::spawn(soak::slowloris(
            target,
            Arc::clone(&seen),
            Arc::clone(&stop),
        ));
        tokio::spawn(soak::idle_sockets(
            target,
            args.idle_sockets,
            Arc::clone(&seen),
            Arc::clone(&stop),
        ));
        for _ in 0..STALLED_SUBSCRIBERS {
            tokio::spawn(soak::stalled_subscriber(
                target,
                Arc::clone(&seen),
                Arc::clone(&stop),
            ));
        }
        let clients: Vec<Client> = nodes.iter().map(|n| Client::new(n)).collect();
        let mut samples = Vec::new();
        let mut tick = tokio::time::interval(soak::SAMPLE_EVERY);
        while started.elapsed() < args.duration {
            tick.tick().await;
            for event in supervisor.poll() {
                println!("soak: validator event {event:?}");
            }
            let secs = started.elapsed().as_secs_f64();
            for (i, client) in (0u32..).zip(&clients) {
                let Some(pid) = supervisor.pid(i) else {
                    continue;
                };
                let height = client.status().await.map_or(0, |s| s.finalized_height);
                let (open_files, state_files) = soak::open_files(pid).unwrap_or((0, 0));
                let (disk_bytes, state_disk_bytes) =
                    soak::disk_bytes(&layout.validator_dir(i).join("data"));
                samples.push(Sample {
                    secs,
                    validator: i,
                    open_files,
                    state_files,
                    rss_bytes: soak::rss_bytes(pid).unwrap_or(0),
                    disk_bytes,
                    state_disk_bytes,
                    height,
                });
            }
            if let Some(last) = samples.iter().rev().find(|s| s.validator == 0) {
                println!(
                    "{:>6.0} s  height {:>6}  v0: {:>4} handles ({:>3} state)  {:>6.1} MiB rss  \
                     {:>6.1} MiB disk ({:>6.1} state)",
                    last.secs,
                    last.height,
                    last.open_files,
                    last.state_files,
                    soak::Series::Rss.value(last),
                    last.disk_bytes as f64 / (1024.0 * 1024.0),
                    soak::Series::StateDisk.value(last)
                );
            }
        }
        stop.store(true, Ordering::Relaxed);
        samples
    });
    let load = load_thread
        .join()
        .map_err(|_| anyhow::anyhow!("the load thread panicked"))?;
    supervisor.stop(Duration::from_secs(15));
    runtime.shutdown_timeout(Duration::from_secs(2));

    let out = &args.dir;
    std::fs::write(out.join("samples.csv"), soak::csv(&samples))?;
    let plot = out.join("soak.svg");
    if let Err(e) = soak::plot_svg(&samples, spec.validators, &plot) {
        eprintln!("soak: could not draw {}: {e}", plot.display());
    }
    let trends = soak::trends(&samples, spec.validators);
    let mut failures = Vec::new();
    println!("\nsecond-half slopes (per hour; threshold in brackets):");
    for trend in &trends {
        let (threshold, verdict) = match trend.series.threshold_per_hour() {
            Some(t) => (format!("{t}"), if trend.bounded { "ok" } else { "GROWS" }),
            None => ("-".to_owned(), "reported"),
        };
        println!(
            "  validator {} {:<14} {:>9.1} -> {:>9.1}  slope {:>9.1}/h [{threshold}] {verdict}",
            trend.validator,
            trend.series.name(),
            trend.first,
            trend.last,
            trend.slope_per_hour,
        );
        if !trend.bounded {
            failures.push(format!(
                "validator {} {} grows {:.1}/h",
                trend.validator,
                trend.series.name(),
                trend.slope_per_hour
            ));
        }
    }
    // Liveness through it all: every validator kept finalizing in the second half.
    let half = args.duration.as_secs_f64() / 2.0;
    for i in 0..spec.validators {
        let heights: Vec<u64> = samples
            .iter()
            .filter(|s| s.validator == i && s.secs >= half)
            .map(|s| s.height)
            .collect();
        let (first, last) = (heights.first().copied(), heights.last().copied());
        if !matches!((first, last), (Some(a), Some(b)) if b > a) {
            failures.push(format!(
                "validator {i} stopped finalizing ({first:?} -> {last:?})"
            ));
        }
    }
    let adversaries = seen.to_json();
    println!("adversarial clients: {adversaries}");
    for (name, what) in [
        ("slowloris_closed", "slowloris connections"),
        ("idle_closed", "idle sockets"),
        ("stalled_closed", "stalled subscribers"),
    ] {
        if adversaries[name].as_u64().unwrap_or(0) == 0 {
            failures.push(format!("the node never closed the {what}"));
        }
    }
    let load_json = match &load {
        Ok(figures) => {
            println!(
                "load: {} submitted, {} finalized ({:.1}/s), {} unfinalized, p50 {:?} ms",
                figures.submitted,
                figures.finalized,
                figures.finalized_per_sec,
                figures.unfinalized,
                figures.latency_p50_ms
            );
            if figures.finalized == 0 {
                failures.push("no transfer of the load was finalized".into());
            }
            serde_json::json!({
                "submitted": figures.submitted,
                "finalized": figures.finalized,
                "finalized_per_sec": figures.finalized_per_sec,
                "latency_p50_ms": figures.latency_p50_ms,
                "latency_p99_ms": figures.latency_p99_ms,
            })
        }
        Err(e) => {
            failures.push(format!("load generator failed: {e}"));
            serde_json::Value::Null
        }
    };
    let summary = serde_json::json!({
        "duration_secs": args.duration.as_secs(),
        "samples": samples.len(),
        "trends": trends.iter().map(|t| serde_json::json!({
            "validator": t.validator,
            "series": t.series.name(),
            "second_half_first": t.first,
            "last": t.last,
            "slope_per_hour": t.slope_per_hour,
            "threshold_per_hour": t.series.threshold_per_hour(),
            "bounded": t.bounded,
        })).collect::<Vec<_>>(),
        "adversaries": adversaries,
        "load": load_json,
        "failures": failures,
    });
    std::fs::write(
        out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?,
    )?;
    println!(
        "samples in {}, plot in {}, summary in {}",
        out.join("samples.csv").display(),
        plot.display(),
        out.join("summary.json").display()
    );
    if failures.is_empty() {
        println!("soak passed");
        Ok(())
    } else {
        anyhow::bail!("soak failed: {}", failures.join("; "))
    }
}
