//! `terrane bench`: signature, execution and whole-network figures on this machine.
//!
//! Five measurements, printed as tables: raw ed25519 verification (the ceiling every
//! transaction pays), block execution through the node's own state database (against that
//! ceiling), device reports and the epoch close that pays for them through the same database,
//! consumer-signed usage receipts and the close that pays 10,000 providers' usage,
//! and sustained load through the HTTP API of a temporary 4-validator devnet run as
//! separate processes on loopback (finalized transactions per second and submit-to-finality
//! latency, every transaction matched to its finalized outcome).

use crate::cli::BenchArgs;
use anyhow::Context;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use terrane_client::Client;
use terrane_devnet::{
    layout::{self, Layout, Spec},
    supervisor::Supervisor,
};
use terrane_keystore::Keystore;

/// Funded accounts the load spreads its transfers over (each keeps its own nonce sequence).
const LOAD_SENDERS: usize = 64;

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    println!(
        "== ed25519 verification ({} signatures) ==",
        args.signatures
    );
    let verify = terrane_bench::ed25519(args.signatures);
    println!("{verify}");

    println!(
        "== block execution ({} transfers, {} per block, node state database on disk) ==",
        args.txs, args.block_txs
    );
    let exec = terrane_bench::execution(args.txs, args.block_txs)?;
    println!("{exec}");

    if args.hotspots > 0 {
        println!(
            "== device reports and epoch close ({} coverage hotspots in towns of {}, epochs of {} \
             blocks, node state database on disk) ==",
            args.hotspots,
            args.town,
            terrane_bench::EPOCH_BLOCKS
        );
        let reports = terrane_bench::reports(args.hotspots, args.town)?;
        println!("{reports}");
    }

    if args.usage_providers > 0 {
        println!(
            "== paid usage: {} providers, {} consumer-signed receipts each, then the close that pays their usage (node state database on disk) ==",
            args.usage_providers, args.usage_rounds
        );
        let usage = terrane_bench::usage(args.usage_providers, args.usage_rounds)?;
        println!("{usage}");
    }

    if args.devnet_secs == 0 {
        return Ok(());
    }
    println!(
        "== sustained load: temporary 4-validator devnet, {} s at {} transfers/s offered ==",
        args.devnet_secs, args.rate
    );
    let dir = std::env::temp_dir().join(format!("terrane-bench-{}", std::process::id()));
    let result = devnet_load(&args, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    println!("{}", result?);
    Ok(())
}

fn devnet_load(
    args: &BenchArgs,
    dir: &std::path::Path,
) -> anyhow::Result<terrane_bench::LoadFigures> {
    let layout = Layout::new(dir);
    let now_ms = u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis())?;
    let mut spec = Spec::default_devnet(now_ms);
    spec.chain_id = "terrane-bench".into();
    // Away from the default devnet's ports, so a running devnet is left alone.
    spec.api_port = 18_650;
    spec.p2p_port = 37_650;
    spec.accounts = (0..LOAD_SENDERS)
        .map(|i| (format!("load-{i}"), 1_000_000))
        .collect();
    let genesis = layout::create(&layout, &spec)?;
    let keystore = Keystore::open(layout.keys())?;
    let senders = (0..LOAD_SENDERS)
        .map(|i| keystore.load(&format!("load-{i}"), None))
        .collect::<Result<Vec<_>, _>>()?;
    let nodes: Vec<String> = (0..spec.validators)
        .map(|i| layout::api_url(&layout, i))
        .collect::<Result<_, _>>()?;
    let exe = std::env::current_exe().context("locating the terrane binary")?;
    let mut supervisor = Supervisor::start(exe, layout.clone())?;
    let ready = wait_until_finalizing(&nodes[0], Duration::from_secs(60));
    if let Err(e) = ready {
        supervisor.stop(Duration::from_secs(10));
        return Err(e);
    }
    let mut cfg = terrane_bench::LoadConfig::new(
        nodes,
        genesis.chain_id.clone(),
        genesis.params.accounts.base_fee.get(),
        genesis.params.accounts.byte_fee.get(),
        senders,
    );
    cfg.rate_per_sec = u32::try_from(args.rate).unwrap_or(u32::MAX);
    cfg.duration = Duration::from_secs(args.devnet_secs);
    let figures = terrane_bench::load(cfg);
    supervisor.stop(Duration::from_secs(15));
    Ok(figures?)
}

/// Waits until the node answers and has finalized a few blocks with every peer connected.
pub(super) fn wait_until_finalizing(api: &str, limit: Duration) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = Client::new(api);
        let started = Instant::now();
        loop {
            if let Ok(s) = client.status().await
                && s.finalized_height >= 3
                && s.peers + 1 >= s.validators
            {
                return Ok(());
            }
            if started.elapsed() > limit {
                anyhow::bail!("the temporary devnet did not start finalizing within {limit:?}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
}
