//! `terrane devnet`: validators as separate processes on loopback, with live progress.

use crate::cli::DevnetArgs;
use anyhow::Context;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use terrane_client::Client;
use terrane_devnet::{
    agent::Agent,
    fleet::FleetSpec,
    layout::{self, Layout, Spec},
    supervisor::{Event, Supervisor},
};

pub fn run(args: DevnetArgs) -> anyhow::Result<()> {
    let layout = Layout::new(&args.dir);
    if args.fresh && args.dir.exists() {
        std::fs::remove_dir_all(&args.dir)
            .with_context(|| format!("removing {}", args.dir.display()))?;
    }
    let resumed = layout.exists();
    if !resumed {
        let now_ms = u64::try_from(SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis())?;
        let mut spec = Spec::default_devnet(now_ms);
        spec.validators = args.validators;
        spec.api_port = args.api_port;
        spec.p2p_port = args.p2p_port;
        spec.epoch_blocks = args.epoch_blocks;
        if !args.no_fleet {
            let cities = match args.cities.clone() {
                Some(c) => c,
                None => terrane_devnet::fleet::default_cities().context(
                    "the fleet needs ../shared/data/cities15000.csv (or pass --cities PATH, or --no-fleet)",
                )?,
            };
            spec.fleet = Some(FleetSpec::devnet(args.fleet_seed, cities));
        }
        layout::create(&layout, &spec)?;
    }
    let n = layout.validators()?;
    let exe = std::env::current_exe().context("locating the terrane binary")?;
    let mut supervisor = Supervisor::start(exe, layout.clone())?;

    println!(
        "{} devnet {} with {n} validators (state in {})",
        if resumed { "resumed" } else { "started" },
        terrane_node::config::load_genesis(&layout.genesis())?.chain_id,
        args.dir.display()
    );
    for i in 0..n {
        let node = layout.load_node(i)?;
        println!(
            "  validator {i}: API http://{}  p2p {}  log {}",
            node.api_listen,
            node.p2p_listen,
            layout.log(i).display()
        );
    }
    let accounts = layout.load_accounts()?;
    println!("  funded accounts (keys in {}):", layout.keys().display());
    for (name, address) in &accounts.accounts {
        println!("    {name:<8} {address}");
    }
    println!(
        "  try: terrane query status    terrane tx transfer --from alice --to @bob --amount 5"
    );
    println!("Ctrl-C stops the devnet; running it again resumes the chain.");

    let api = layout::api_url(&layout, 0)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fleet = if args.no_agent {
        None
    } else {
        layout.build_fleet()?
    };
    runtime.block_on(async {
        let client = Client::new(&api);
        if let Some(fleet) = fleet {
            println!(
                "  fleet: {} simulated hotspots in {} cities ({} cheaters); its agent runs here",
                fleet.devices().len(),
                fleet.cities().len(),
                fleet.config().cheaters()
            );
            let agent_client = Client::new(&api);
            tokio::spawn(async move {
                wait_for_first_block(&agent_client).await;
                let mut agent = match Agent::connect(fleet, agent_client).await {
                    Ok((agent, events)) => {
                        super::agent::print_events(&events);
                        agent
                    }
                    Err(e) => {
                        eprintln!("fleet agent could not start: {e}");
                        return;
                    }
                };
                let mut tick = tokio::time::interval(super::agent::POLL);
                loop {
                    tick.tick().await;
                    match agent.tick().await {
                        Ok(events) => super::agent::print_events(&events),
                        Err(e) => eprintln!("agent: {e}"),
                    }
                }
            });
        }
        spawn_oracle(&layout, &api, args.fleet_seed);
        spawn_validator_bonds(&layout, &api);
        // The customers buy from the fleet whether its agent runs here or in `terrane agent`.
        spawn_consumers(&layout, &api);
        let mut economy = EconomyLog::default();
        let started = Instant::now();
        let mut last: Option<(Instant, u64, u64)> = None;
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {
                    println!("stopping validators...");
                    break;
                }
                _ = tick.tick() => {}
            }
            for event in supervisor.poll() {
                match event {
                    Event::Exited { index, status } => {
                        println!("validator {index} exited ({status:?}); restarting it (see its log)");
                    }
                    Event::Restarted { index } => println!("validator {index} restarted"),
                }
            }
            if let Ok(status) = client.status().await {
                let txs = client.metrics().await.ok().map_or(0, |m| counter(&m, "terrane_txs_ok"));
                let now = Instant::now();
                let rate = last.map_or(0.0, |(t, _, tx0)| {
                    let secs = now.duration_since(t).as_secs_f64();
                    if secs > 0.0 { txs.saturating_sub(tx0) as f64 / secs } else { 0.0 }
                });
                let blocks = last.map_or(0, |(_, h0, _)| status.finalized_height.saturating_sub(h0));
                println!(
                    "height {:>6}  +{blocks:<3} blocks  {rate:>8.1} tx/s  mempool {:<5}  peers {}/{}",
                    status.finalized_height,
                    status.mempool_size,
                    status.peers,
                    status.validators.saturating_sub(1),
                );
                last = Some((now, status.finalized_height, txs));
                economy.print_closed(&client).await;
            }
            if args.duration_secs.is_some_and(|d| started.elapsed() >= Duration::from_secs(d)) {
                break;
            }
        }
    });
    supervisor.stop(Duration::from_secs(15));
    println!("devnet stopped; state kept in {}", args.dir.display());
    Ok(())
}

/// The value of a Prometheus counter or gauge (first sample whose name starts with `name`).
pub fn counter(metrics: &str, name: &str) -> u64 {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#') && l.starts_with(name))
        // Counters are integers; Prometheus may still print them as `12` or `12.0`.
        .filter_map(|l| {
            l.split_whitespace()
                .last()?
                .split('.')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .next()
        .unwrap_or(0)
}

/// How often the devnet's consumers act (buy, open, pay a receipt, close).
const CONSUMERS_EVERY: Duration = Duration::from_secs(3);

/// Runs the devnet's paying customers (`terrane_devnet::consumers`) against validator 0, if the
/// devnet has a fleet to buy from and funded them at genesis.
fn spawn_consumers(layout: &Layout, api: &str) {
    let (fleet, cities, seed) = match terrane_devnet::consumers::market(layout) {
        Ok(Some(m)) => m,
        Ok(None) => return,
        Err(e) => {
            eprintln!("consumers could not start: {e}");
            return;
        }
    };
    println!(
        "  consumers: {} accounts buy credits and pay hotspots for traffic every {}s",
        terrane_devnet::consumers::CONSUMERS,
        CONSUMERS_EVERY.as_secs()
    );
    let client = Client::new(api);
    tokio::spawn(async move {
        // Genesis allocations exist from block 1 on.
        wait_for_first_block(&client).await;
        let first = terrane_devnet::consumers::consumer_addresses(seed)[0];
        if client.account(&first).await.map_or(0, |a| a.balance) == 0 {
            println!("  consumers: not funded (this devnet predates them; --fresh funds them)");
            return;
        }
        let mut agent = match terrane_devnet::consumers::ConsumerAgent::connect(
            client.clone(),
            &fleet,
            &cities,
            seed,
        )
        .await
        {
            Ok(a) => a,
            Err(e) => {
                eprintln!("consumers could not start: {e}");
                return;
            }
        };
        let mut tick = tokio::time::interval(CONSUMERS_EVERY);
        let mut printed_epoch = None;
        loop {
            tick.tick().await;
            let height = client.status().await.map_or(0, |s| s.finalized_height);
            if let Err(e) = agent.tick(height).await {
                eprintln!("consumers: {e}");
            }
            let epoch = client.current_epoch().await.ok().flatten().map(|e| e.epoch);
            if epoch.is_some() && epoch != printed_epoch {
                printed_epoch = epoch;
                if let Ok(Some(c)) = agent.cheats().await {
                    print_cheats(&c);
                }
            }
        }
    });
}

/// The economy's cheats, net of what they paid: the self-dealer's usage against what his
/// wallet spent, the over-claimer's usage against its forged and replayed receipts.
fn print_cheats(c: &terrane_devnet::consumers::CheatsReport) {
    let trn = |v: u64| terrane_primitives::Amount::new(v).to_string();
    let net = i128::from(c.self_dealer_usage) - i128::from(c.self_dealer_spent);
    println!(
        "  self-dealer {}: usage paid {}, spent {} on credits and fees: net {}{}; over-claimer {}: {} forged or replayed receipts, usage {} credits (only what its customers signed)",
        c.self_dealer,
        trn(c.self_dealer_usage),
        trn(c.self_dealer_spent),
        if net < 0 { "-" } else { "+" },
        trn(u64::try_from(net.unsigned_abs()).unwrap_or(u64::MAX)),
        c.over_claimer,
        c.over_claims,
        c.over_claimer_usage_credits,
    );
}

/// Prints each epoch's economy once it closes: usage paid, subsidy, TRN burned for credits and
/// minted, the net change of supply.
#[derive(Default)]
struct EconomyLog {
    printed: Option<u64>,
    burned: Option<u64>,
}

impl EconomyLog {
    async fn print_closed(&mut self, client: &Client) {
        let Ok(Some(current)) = client.current_epoch().await else {
            return;
        };
        let Some(last_closed) = current.epoch.checked_sub(1) else {
            return;
        };
        let from = self.printed.map_or(last_closed, |p| p + 1);
        for e in from..=last_closed {
            let Ok(Some(view)) = client.epoch(e).await else {
                return;
            };
            let Some(s) = view.summary else { return };
            let burned_now = client.credits().await.map_or(0, |c| c.trn_burned);
            // The first line counts every burn since genesis (the consumers buy before epoch 0
            // closes); later lines the burns since the line before.
            let burned = burned_now.saturating_sub(self.burned.unwrap_or(0));
            self.burned = Some(burned_now);
            let subsidy_paid = s.distributed.values().sum::<u64>();
            let minted = subsidy_paid + s.economy.usage_paid + s.dust;
            let trn = |v: u64| terrane_primitives::Amount::new(v).to_string();
            println!(
                "epoch {e} closed: usage paid {} ({} credits at ${:.4}), subsidy paid {} (of a {} pool), minted {}, burned for credits {}, net supply {}{} (fees aside)",
                trn(s.economy.usage_paid),
                s.economy.usage_credits,
                s.economy.price as f64 / 1e6,
                trn(subsidy_paid),
                trn(s.economy.subsidy),
                trn(minted),
                trn(burned),
                if minted >= burned { "+" } else { "-" },
                trn(minted.abs_diff(burned)),
            );
            self.printed = Some(e);
        }
    }
}

/// Waits until the node answers with a finalized block: before the first block executes the
/// genesis is not in state, and the API refuses state reads (503).
async fn wait_for_first_block(client: &Client) {
    while client
        .status()
        .await
        .map_or(true, |s| s.finalized_height < 1)
    {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Bonds the validators' own stake once the chain answers (nothing when they are bonded).
fn spawn_validator_bonds(layout: &Layout, api: &str) {
    let layout = layout.clone();
    let client = Client::new(api);
    tokio::spawn(async move {
        // The chain answers once its first block has executed (genesis is in state).
        for attempt in 1.. {
            tokio::time::sleep(Duration::from_secs(1)).await;
            match terrane_devnet::validators::bond(&layout, &client).await {
                Ok(bonds) => {
                    let submitted = bonds.iter().filter(|b| !b.submitted.is_zero()).count();
                    if submitted > 0 {
                        println!("  validators: {submitted} bonding their own stake");
                    }
                    return;
                }
                Err(e) if attempt % 30 == 0 => eprintln!("validator bonds: {e}"),
                Err(_) => {}
            }
        }
    });
}

/// How often the devnet's oracle reports a price.
const ORACLE_EVERY: Duration = Duration::from_secs(5);

/// Runs the devnet's price oracle: a seeded random walk, reported with the `oracle` key every
/// [`ORACLE_EVERY`]. A devnet created before the oracle existed has no such key: nothing runs.
fn spawn_oracle(layout: &Layout, api: &str, seed: u64) {
    let Ok(key) =
        terrane_keystore::Keystore::open(layout.keys()).and_then(|k| k.load("oracle", None))
    else {
        return;
    };
    let client = Client::new(api);
    println!(
        "  oracle: reports a random-walk TRN/USD price every {}s",
        ORACLE_EVERY.as_secs()
    );
    tokio::spawn(async move {
        wait_for_first_block(&client).await;
        let mut oracle = match terrane_devnet::oracle::OracleAgent::connect(client, key, seed).await
        {
            Ok(o) => o,
            Err(e) => {
                eprintln!("oracle could not start: {e}");
                return;
            }
        };
        let mut tick = tokio::time::interval(ORACLE_EVERY);
        loop {
            tick.tick().await;
            let now_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            if let Err(e) = oracle.tick(now_ms).await {
                eprintln!("oracle: {e}");
            }
        }
    });
}
