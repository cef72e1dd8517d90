//! Device reports through the state machine, and the epoch close that pays for them.
//!
//! ```text
//! Network::new(hotspots, town_size)        genesis with every owner and the relay funded
//! epoch 0   block 1 genesis ─▶ blocks 2.. RegisterDevice (untimed)
//! epoch 1   per window: witnesses in the blocks after its work phase starts, reveals from its
//!           reveal phase on, as relay-signed bundles packed up to the block limits
//!           timed: every block that carries reports (decode + one batch signature check over
//!           the bundles' and reports' signatures + every coverage rule + QMDB merkleize,
//!           apply, commit)
//! epoch 2   first block: coverage close + reward close for every hotspot, timed alone, with
//!           its state writes and the process's peak resident memory
//! untimed   every report judged code 0 for its own device; the close paid every hotspot; the
//!           supply invariant holds over every holder
//! ```
//! Empty blocks in between run too (untimed): the executor sees the chain it would see live.
//! The epoch is shortened to [`EPOCH_BLOCKS`] so the run does not spend its time committing
//! empty blocks; the rules and their cost per report do not depend on the epoch's length.
//! The same run times single and batch ed25519 verification over the same reports'
//! signatures, so the ratio is read on one machine state.

use crate::{
    BenchError,
    cpu::CpuShare,
    hotspots::{Network, REGISTRATIONS_PER_BLOCK, Unsigned, check_accepted},
    memory::{PeakRss, RssReading},
    statedb::{block, storage, with_state_db},
    stats::rate,
    verify::{batch_rate, cpu_line, single_rate},
    workload::SignedItem,
};
use std::{collections::BTreeMap, fmt, time::Duration};
use terrane_app::events::EventKind;
use terrane_coverage::events::CoverageEvent;
use terrane_pow::{schedule, types::SignedReport};
use terrane_primitives::Epoch;
use terrane_rewards::events::RewardsEvent;
use terrane_rewards::types::EpochSummary;
use terrane_state::Overlay;

/// Blocks per epoch in the benchmark chain (the default genesis has 400).
pub const EPOCH_BLOCKS: u64 = 100;
/// Grace blocks (reveal phase) in the benchmark chain.
const GRACE_BLOCKS: u64 = 20;
/// Most report signatures timed for the same-run verification rates.
const VERIFY_SAMPLE: usize = 20_000;
/// The batch size of the same-run batch verification figure: one bundle's reports.
const VERIFY_BATCH: usize = 512;

/// What one run measured.
#[derive(Clone, Debug)]
pub struct ReportFigures {
    /// Hotspots registered and working.
    pub hotspots: usize,
    /// Towns they stand in (each hotspot hears every other one in its town).
    pub towns: usize,
    /// Reports through the state machine (witnesses and beacon reveals).
    pub reports: usize,
    /// Relay transactions carrying them.
    pub bundles: usize,
    /// Blocks carrying them.
    pub blocks: usize,
    /// Reports per second through the report blocks (execute + merkleize + apply + commit).
    pub reports_per_sec: f64,
    /// Share of that time in `Executor::execute` (decode, signatures, rules, state reads).
    pub execute_share: f64,
    /// State writes of the report blocks.
    pub state_writes: usize,
    /// Single verifications per second of these reports' signatures, this run.
    pub single_verify_per_sec: f64,
    /// `verify_batch` signatures per second in batches of one bundle, this run.
    pub batch_verify_per_sec: f64,
    /// Share of the report blocks' wall-clock the executing thread was on a CPU.
    pub cpu_share: Option<f64>,
    /// The epoch close that followed.
    pub close: EpochCloseFigures,
}

/// The first block of the next epoch, which closes coverage and rewards.
#[derive(Clone, Debug)]
pub struct EpochCloseFigures {
    /// Devices with a reward line.
    pub devices: u32,
    /// Devices paid a non-zero amount.
    pub rewarded: u32,
    /// Beacons and selected witnesses the coverage close matched.
    pub beacons: u32,
    /// Witnesses selected and paid.
    pub selected_witnesses: u32,
    /// Whole block: execute + merkleize + apply + commit.
    pub total: Duration,
    /// Of which in `Executor::execute` (the closes themselves).
    pub execute: Duration,
    /// State keys written (or deleted).
    pub state_writes: usize,
    /// Bytes of those writes (32 per key plus the value).
    pub write_bytes: usize,
    /// Resident memory around the block (`None` off Linux).
    pub rss: Option<RssReading>,
}

/// Registers `hotspots` hotspots in towns of `town_size`, runs one epoch of their coverage
/// work through the node's state database and the epoch close after it (see the module docs).
/// Returns an error, not figures, if any report was not accepted, the close did not pay every
/// hotspot, or supply was not conserved.
pub fn reports(hotspots: usize, town_size: usize) -> Result<ReportFigures, BenchError> {
    if hotspots < 2 || town_size < 2 {
        return Err(BenchError::InvalidArgument(
            "reports needs at least 2 hotspots in towns of at least 2".into(),
        ));
    }
    let mut net = Network::with_epoch(hotspots, town_size, EPOCH_BLOCKS, GRACE_BLOCKS);
    let plan = plan(&mut net)?;

    let sample: Vec<SignedItem> = plan
        .reports
        .values()
        .flatten()
        .take(VERIFY_SAMPLE)
        .map(SignedItem::report)
        .collect();
    let namespace = net.report_namespace().to_vec();
    let single_verify_per_sec = single_rate(&namespace, &sample);
    let batch_verify_per_sec = batch_rate(&namespace, &sample, VERIFY_BATCH);
    drop(sample);

    let run = with_state_db("terrane-bench-reports", |db| run_blocks(db, &net, &plan))?;
    let reports: usize = plan.reports.values().map(Vec::len).sum();
    let busy = run.execute + run.rest;
    Ok(ReportFigures {
        hotspots,
        towns: net.towns(),
        reports,
        bundles: plan.bundles,
        blocks: plan.reports.len(),
        reports_per_sec: rate(reports, busy),
        execute_share: run.execute.as_secs_f64() / busy.as_secs_f64().max(f64::MIN_POSITIVE),
        state_writes: run.state_writes,
        single_verify_per_sec,
        batch_verify_per_sec,
        cpu_share: run.cpu_share,
        close: run.close,
    })
}

/// Every block's transactions, and the reports each report block must accept.
struct Plan {
    txs: BTreeMap<u64, Vec<Vec<u8>>>,
    reports: BTreeMap<u64, Vec<SignedReport>>,
    bundles: usize,
    /// The block that closes epoch 1.
    close_height: u64,
}

/// Signs the whole workload up front (untimed, on every core).
fn plan(net: &mut Network) -> Result<Plan, BenchError> {
    let mut txs: BTreeMap<u64, Vec<Vec<u8>>> = BTreeMap::new();
    // Registrations, then the owners' bonds (an unbonded device earns nothing).
    let setup = net.registrations().into_iter().chain(net.bonds());
    let setup: Vec<Vec<u8>> = setup.collect();
    for (i, chunk) in setup.chunks(REGISTRATIONS_PER_BLOCK).enumerate() {
        txs.insert(2 + i as u64, chunk.to_vec());
    }
    let epoch = Epoch::new(1);
    let epoch_start = schedule::epoch_start(epoch, EPOCH_BLOCKS).get();
    let registered_by = 2 + txs.len() as u64;
    if registered_by > epoch_start {
        return Err(BenchError::InvalidArgument(format!(
            "{} hotspots need {} registration blocks, more than epoch 0 holds",
            net.hotspots.len(),
            txs.len()
        )));
    }

    // Group the duties by window: witnesses of a window share its work phase, reveals its
    // reveal phase.
    let mut windows: BTreeMap<u64, (u64, Vec<Unsigned>, Vec<Unsigned>)> = BTreeMap::new();
    for duty in net.duties(epoch) {
        let (start, end) = (duty.work.0.get(), duty.work.1.get());
        let w = windows
            .entry(start)
            .or_insert_with(|| (end, Vec::new(), Vec::new()));
        w.1.extend(duty.witnesses.iter().map(|&x| net.witness(epoch, &duty, x)));
        w.2.push(net.reveal(epoch, &duty));
    }
    let mut reports: BTreeMap<u64, Vec<SignedReport>> = BTreeMap::new();
    let mut bundles = 0;
    for (start, (end, witnesses, reveals)) in windows {
        // Witnesses from the block after the beacon went out to the end of the work phase;
        // reveals through the reveal phase.
        for (first, last, unsigned) in [
            (start + 1, end - 1, witnesses),
            (end, end + GRACE_BLOCKS - 1, reveals),
        ] {
            let signed = net.sign(&unsigned);
            let per_bundle = net.max_reports_per_bundle();
            let bundle_txs = net.bundle_txs(&signed)?;
            bundles += bundle_txs.len();
            let mut height = first;
            let mut bytes = 0usize;
            let limits = net.block_limits();
            for (tx, chunk) in bundle_txs.into_iter().zip(signed.chunks(per_bundle)) {
                let in_block = txs.get(&height).map_or(0, Vec::len);
                if in_block > 0 && (in_block + 1 > limits.0 || bytes + tx.len() > limits.1) {
                    height += 1;
                    bytes = 0;
                }
                if height > last {
                    return Err(BenchError::InvalidArgument(format!(
                        "a window's reports do not fit blocks {first}..={last} under the block \
                         limits: use fewer hotspots or smaller towns"
                    )));
                }
                bytes += tx.len();
                txs.entry(height).or_default().push(tx);
                reports.entry(height).or_default().extend_from_slice(chunk);
            }
        }
    }
    for (h, block) in &txs {
        net.check_block_limits(*h, block)?;
    }
    Ok(Plan {
        txs,
        reports,
        bundles,
        close_height: schedule::epoch_start(Epoch::new(2), EPOCH_BLOCKS).get(),
    })
}

/// What the blocks took.
struct Run {
    execute: Duration,
    rest: Duration,
    state_writes: usize,
    cpu_share: Option<f64>,
    close: EpochCloseFigures,
}

async fn run_blocks(
    db: terrane_node::db::StateDb<crate::statedb::Context>,
    net: &Network,
    plan: &Plan,
) -> Result<Run, BenchError> {
    let executor = &net.executor;
    let mut db = db;
    let (mut execute, mut rest, mut state_writes) = (Duration::ZERO, Duration::ZERO, 0);
    let mut cpu_busy = Vec::new();
    for height in 1..plan.close_height {
        let txs = plan.txs.get(&height).map_or(&[][..], Vec::as_slice);
        let cpu = CpuShare::start();
        let run = block(db, executor, height, txs).await?;
        if let Some(reports) = plan.reports.get(&height) {
            let share = cpu.share();
            execute += run.execute;
            rest += run.merkleize + run.apply_commit;
            state_writes += run.writes;
            cpu_busy.push((run.total(), share));
            check_accepted(height, &run.output, reports)?;
        }
        db = run.db;
    }
    let cpu_share = weighted_share(&cpu_busy);

    let meter = PeakRss::start();
    let run = block(db, executor, plan.close_height, &[]).await?;
    let rss = meter.and_then(PeakRss::finish);
    let summary = run
        .output
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Rewards(RewardsEvent::EpochClosed { summary, .. }) => Some(summary.clone()),
            _ => None,
        })
        .ok_or_else(|| BenchError::StateMismatch("the close block closed no rewards".into()))?;
    let coverage = run
        .output
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Coverage(CoverageEvent::EpochClosed { summary, .. }) => {
                Some(summary.clone())
            }
            _ => None,
        })
        .ok_or_else(|| BenchError::StateMismatch("the close block closed no coverage".into()))?;
    check_paid(&summary, net.hotspots.len())?;
    let close = EpochCloseFigures {
        devices: summary.devices,
        rewarded: summary.rewarded,
        beacons: coverage.beacons,
        selected_witnesses: coverage.selected,
        total: run.total(),
        execute: run.execute,
        state_writes: run.writes,
        write_bytes: run.write_bytes,
        rss,
    };
    let db = run.db;
    {
        let state = Overlay::new(terrane_node::db::DbReader(&db));
        // Every module's invariants, the supply among them (rewards credited to devices wait
        // in the rewards module for their owners' claims).
        terrane_app::invariants::check_all(&state, net.holders())
            .await
            .map_err(storage)?
            .map_err(|violation| BenchError::StateMismatch(violation.to_string()))?;
    }
    db.destroy().await.map_err(storage)?;
    Ok(Run {
        execute,
        rest,
        state_writes,
        cpu_share,
        close,
    })
}

/// Every hotspot beaconed and witnessed: each must have a paid reward line, and the epoch
/// must have distributed what it emitted up to dust and caps.
fn check_paid(summary: &EpochSummary, hotspots: usize) -> Result<(), BenchError> {
    if summary.rewarded as usize != hotspots {
        return Err(BenchError::StateMismatch(format!(
            "the close paid {} of {hotspots} hotspots",
            summary.rewarded
        )));
    }
    let accounted =
        summary.distributed_total() + summary.dust + summary.not_issued + summary.validators;
    if accounted != summary.emission {
        return Err(BenchError::StateMismatch(format!(
            "the close accounted for {accounted} of an emission of {}",
            summary.emission
        )));
    }
    Ok(())
}

/// The CPU share over several timed blocks, weighted by their wall-clock.
fn weighted_share(blocks: &[(Duration, Option<f64>)]) -> Option<f64> {
    let mut wall = 0.0;
    let mut cpu = 0.0;
    for (d, share) in blocks {
        let secs = d.as_secs_f64();
        wall += secs;
        cpu += secs * (*share)?;
    }
    (wall > 0.0).then(|| cpu / wall)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

impl fmt::Display for ReportFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "device reports: relay bundles of device-signed coverage reports, decode + one \
             signature batch + every coverage rule + QMDB merkleize + apply + commit, 1 core"
        )?;
        writeln!(
            f,
            "  {} hotspots in {} towns: {} reports in {} bundles over {} blocks, {} state writes",
            self.hotspots, self.towns, self.reports, self.bundles, self.blocks, self.state_writes
        )?;
        writeln!(
            f,
            "  throughput        {:>10.0} reports/s   {:>8.1} µs/report   execute {:.0}% of it",
            self.reports_per_sec,
            1e6 / self.reports_per_sec.max(f64::MIN_POSITIVE),
            100.0 * self.execute_share
        )?;
        writeln!(
            f,
            "  same-run verify   single {:.0}/s (ratio {:.2}) | batch of {VERIFY_BATCH} {:.0}/s \
             (ratio {:.2})",
            self.single_verify_per_sec,
            self.reports_per_sec / self.single_verify_per_sec,
            self.batch_verify_per_sec,
            self.reports_per_sec / self.batch_verify_per_sec
        )?;
        writeln!(f, "  {}", cpu_line(self.cpu_share))?;
        write!(f, "{}", self.close)
    }
}

impl fmt::Display for EpochCloseFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "epoch close in state: coverage matching + reward split + reward root + credits, \
             one block"
        )?;
        writeln!(
            f,
            "  {} reward lines ({} paid), {} beacons, {} witnesses selected",
            self.devices, self.rewarded, self.beacons, self.selected_witnesses
        )?;
        writeln!(
            f,
            "  block             {:.3} s (execute {:.3} s), {} state writes, {:.1} MiB written",
            self.total.as_secs_f64(),
            self.execute.as_secs_f64(),
            self.state_writes,
            mib(self.write_bytes as u64)
        )?;
        match self.rss {
            Some(r) => writeln!(
                f,
                "  memory            resident {:.0} MiB before, peak {:.0} MiB (+{:.0} MiB)",
                mib(r.before_bytes),
                mib(r.peak_bytes),
                mib(r.growth_bytes())
            ),
            None => writeln!(f, "  memory            not measurable on this OS"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_network_reports_are_all_accepted_and_every_hotspot_is_paid() {
        let figures = reports(30, 6).unwrap();
        assert_eq!(figures.hotspots, 30);
        // Each hotspot reveals one beacon and witnesses its five neighbours.
        assert_eq!(figures.reports, 30 * 6);
        assert_eq!(figures.close.rewarded, 30);
        assert_eq!(figures.close.beacons, 30);
        assert!(figures.reports_per_sec > 0.0);
    }

    #[test]
    fn refuses_networks_without_neighbours() {
        assert!(matches!(reports(1, 5), Err(BenchError::InvalidArgument(_))));
        assert!(matches!(
            reports(10, 1),
            Err(BenchError::InvalidArgument(_))
        ));
    }
}
