//! Epoch reward benchmark: time and peak heap of `split` and `reward_root` over synthetic work.
//!
//! ```text
//! cargo run -p terrane-rewards --release --bin rewards_bench [ITEMS ...]   (default 1000000 10000000)
//! ```
//! For each size it generates that many work items (deterministic xorshift, so every run sees
//! the same input) over `items / 20` density cells with a skewed distribution (a few crowded
//! cells, a long tail of sparse ones), then measures:
//! - `split` and `reward_root` wall time, single thread, and the CPU time the thread used (on a
//!   shared machine the gap is time spent waiting for a core);
//! - the peak heap of the split + root phase above what was live before it (the input), from a
//!   counting global allocator; the input's own size is printed beside it;
//! - how long the two ways of grouping items by cell take on the same input (sorting
//!   `(cell, index)` pairs, which `split` uses, against a `BTreeMap` over cells).
#![allow(unsafe_code)] // The counting allocator must implement the unsafe `GlobalAlloc` trait.
#![allow(clippy::disallowed_methods)] // A benchmark reads the wall clock; state code never does.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use terrane_primitives::{DeviceId, Epoch};
use terrane_rewards::{Cap, PPM, SplitParams, WorkItem, reward_root, split};

/// `System`, counting the bytes currently allocated and the most ever allocated at once.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged and only
// updates counters on success, so `System`'s guarantees carry over.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator (so by `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s size contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a peak measurement: returns the bytes live now, and makes that the peak.
fn start_peak() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// The peak since `start_peak` returned `base`, above `base`.
fn peak_since(base: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

/// CPU time this thread has used (user + system), from `/proc/thread-self/stat` in clock
/// ticks of 10 ms; `None` off Linux. The machine may be shared: wall time includes waiting for
/// a core, CPU time does not.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3, the state.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time used since `start`, if measurable.
fn cpu_since(start: Option<Duration>) -> Option<Duration> {
    Some(cpu_time()?.saturating_sub(start?))
}

/// xorshift64*: tiny, fast, deterministic, good enough for synthetic load.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0), by the multiply-shift reduction.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `0..10^6`.
    fn ppm(&mut self) -> u32 {
        u32::try_from(self.below(u64::from(PPM))).expect("below 10^6")
    }
}

/// A bijective scramble so cell ids look like scattered H3 indices, not a sorted range.
fn scramble(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `n` work items over `n / 20` cells. The cell rank is `cells × u²` for uniform `u`, so cell
/// density falls off like `1 / sqrt(rank)`: the most crowded cells hold hundreds of devices,
/// the tail one or two.
fn generate(n: usize, cells: u64) -> Vec<WorkItem> {
    let mut rng = Rng(0x5EED_0F7E_2A4E_0001);
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        let mut id = [0u8; 32];
        for chunk in id.chunks_mut(8) {
            chunk.copy_from_slice(&rng.next().to_be_bytes());
        }
        let u = rng.next() >> 32;
        let rank = (((u * u) >> 32) * cells) >> 32;
        let roll = rng.below(100);
        items.push(WorkItem {
            device: DeviceId::new(id),
            units: 1 + rng.below(1_000),
            density_cell: scramble(rank),
            reputation_ppm: if roll < 80 { PPM } else { rng.ppm() },
            vetting_ppm: if roll < 90 { PPM } else { rng.ppm() },
            eligible: roll < 97,
            // Demand backing: most devices' customers back their share, a third do not.
            backing: if roll < 65 {
                u64::MAX / 4
            } else {
                rng.below(1_000_000)
            },
        });
    }
    items
}

/// The alternative: a `BTreeMap` from cell to slot, then one lookup per item.
fn slots_by_btree(items: &[WorkItem]) -> (Vec<usize>, usize) {
    let mut map: BTreeMap<u64, usize> = BTreeMap::new();
    for item in items {
        map.entry(item.density_cell).or_insert(0);
    }
    for (slot, value) in map.values_mut().enumerate() {
        *value = slot;
    }
    let slots = items.iter().map(|item| map[&item.density_cell]).collect();
    (slots, map.len())
}

struct Row {
    items: usize,
    cells: usize,
    input_bytes: usize,
    split: Duration,
    split_cpu: Option<Duration>,
    root: Duration,
    root_cpu: Option<Duration>,
    split_peak: usize,
    phase_peak: usize,
    output_bytes: usize,
    sort_slots: Duration,
    btree_slots: Duration,
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn per_second(items: usize, d: Duration) -> f64 {
    items as f64 / d.as_secs_f64()
}

fn measure(n: usize) -> Result<Row, String> {
    let cells = (n as u64 / 20).max(1);
    let items = generate(n, cells);
    let input_bytes = items.capacity() * std::mem::size_of::<WorkItem>();
    let pool = 10_000_000_000u64;
    let params = SplitParams {
        target_devices_per_cell: 10,
        // A cell's average share: cells holding more than average work are capped.
        cell_cap: pool / cells,
        // Three times a device's average share: only the biggest earners are capped.
        device_cap: pool / n as u64 * 3,
        // Coverage's default: a device without customers in reach keeps 5 % of its share.
        backed_bps: 9_500,
    };

    let base = start_peak();
    let t = Instant::now();
    let cpu = cpu_time();
    let out = split(pool, &items, &params);
    let split_time = t.elapsed();
    let split_cpu = cpu_since(cpu);
    let split_peak = peak_since(base);
    let t = Instant::now();
    let cpu = cpu_time();
    let root = reward_root(Epoch::new(1), &out);
    let root_time = t.elapsed();
    let root_cpu = cpu_since(cpu);
    let phase_peak = peak_since(base);
    let output_bytes = out.lines.capacity() * std::mem::size_of_val(&out.lines[0]);

    if out.total() != u128::from(pool) {
        return Err(format!("split of {n} items did not conserve the pool"));
    }
    let rewarded = out.lines.iter().filter(|(_, b)| b.amount > 0).count();
    let by_cell = out
        .lines
        .iter()
        .filter(|(_, b)| b.capped_by == Cap::Cell)
        .count();
    let by_device = out
        .lines
        .iter()
        .filter(|(_, b)| b.capped_by == Cap::Device)
        .count();
    println!(
        "  {n} items: root {root}; {rewarded} rewarded, {by_cell} capped by their cell, \
         {by_device} by the device cap; distributed {} dust {} not issued {}",
        out.distributed, out.dust, out.not_issued
    );
    drop(out);

    let t = Instant::now();
    let (by_sort, cell_count) = terrane_rewards::split::cell_slots(&items);
    let sort_slots = t.elapsed();
    drop(by_sort);
    let t = Instant::now();
    let (by_btree, btree_cells) = slots_by_btree(&items);
    let btree_slots = t.elapsed();
    drop(by_btree);
    if btree_cells != cell_count {
        return Err("the two groupings disagree on the number of cells".into());
    }

    Ok(Row {
        items: n,
        cells: cell_count,
        input_bytes,
        split: split_time,
        split_cpu,
        root: root_time,
        root_cpu,
        split_peak,
        phase_peak,
        output_bytes,
        sort_slots,
        btree_slots,
    })
}

fn run() -> Result<(), String> {
    let sizes: Vec<usize> = {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if args.is_empty() {
            vec![1_000_000, 10_000_000]
        } else {
            args.iter()
                .map(|a| {
                    a.replace('_', "")
                        .parse()
                        .map_err(|_| format!("`{a}` is not an item count; pass whole numbers"))
                })
                .collect::<Result<_, _>>()?
        }
    };
    println!(
        "rewards_bench: {} B per work item, {} B per output line",
        std::mem::size_of::<WorkItem>(),
        std::mem::size_of::<(DeviceId, terrane_rewards::Breakdown)>()
    );
    let mut rows = Vec::new();
    for n in sizes {
        if n == 0 {
            return Err("item counts must be at least 1".into());
        }
        rows.push(measure(n)?);
    }
    println!();
    println!(
        "| items | cells | input MiB | split s (CPU s) | split items/s | root s (CPU s) | root items/s | split+root s | peak heap split MiB | peak heap split+root MiB | of which output lines MiB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let cpu =
        |d: Option<Duration>| d.map_or("?".to_string(), |d| format!("{:.2}", d.as_secs_f64()));
    for r in &rows {
        println!(
            "| {} | {} | {:.0} | {:.3} ({}) | {:.2e} | {:.3} ({}) | {:.2e} | {:.3} | {:.0} | {:.0} | {:.0} |",
            r.items,
            r.cells,
            mib(r.input_bytes),
            r.split.as_secs_f64(),
            cpu(r.split_cpu),
            per_second(r.items, r.split),
            r.root.as_secs_f64(),
            cpu(r.root_cpu),
            per_second(r.items, r.root),
            (r.split + r.root).as_secs_f64(),
            mib(r.split_peak),
            mib(r.phase_peak),
            mib(r.output_bytes),
        );
    }
    println!();
    println!("| items | group by cell: sort (cell, index) s | BTreeMap over cells s |");
    println!("|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {:.3} | {:.3} |",
            r.items,
            r.sort_slots.as_secs_f64(),
            r.btree_slots.as_secs_f64()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rewards_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
