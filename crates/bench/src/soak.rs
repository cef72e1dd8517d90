//! The soak: what a validator's resources do over time, and the clients that try to exhaust them.
//!
//! ```text
//!  every SAMPLE_EVERY: per validator process  /proc/<pid>/fd count, VmRSS, du(data_dir),
//!                                             finalized height (GET /v1/status)
//!  meanwhile against validator 0:             slowloris, idle sockets, stalled subscribers
//!  at the end:                                least-squares slope of each series over the
//!                                             second half, against THRESHOLDS per hour
//! ```
//!
//! A resource that is bounded levels off once the node reaches its steady state (state pruned
//! behind `retain_blocks`, caches full); one that leaks keeps climbing. The slope over the
//! second half of a run tells them apart as long as the run is past the warm-up: the soak
//! configures its devnet to reach steady state within a couple of minutes (short retention,
//! small page cache), and docs/operations.md gives the thresholds' reasoning.

use std::{
    net::SocketAddr,
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// How often each validator is sampled.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// One measurement of one validator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Seconds since the soak started.
    pub secs: f64,
    /// Validator index.
    pub validator: u32,
    /// Open file handles.
    pub open_files: u64,
    /// Of those, handles on the state database's files.
    pub state_files: u64,
    /// Resident memory, bytes.
    pub rss_bytes: u64,
    /// Bytes under the validator's data directory.
    pub disk_bytes: u64,
    /// Of those, bytes of the state database's files.
    pub state_disk_bytes: u64,
    /// Finalized height its API reports.
    pub height: u64,
}

/// A measured series.
///
/// Handles and disk are split in two: what the node itself keeps (consensus journals, block
/// archives, caches, sockets), which must stay flat, and the state database, whose size is the
/// chain's live state. The state is pruned of history, but the chain's own records (receipts,
/// per-epoch report ids, witnesses, work entries, reward lines) are never deleted yet, so it
/// grows with the chain's activity until they are (issue #9); the soak reports that growth
/// without judging it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Series {
    /// Open file handles other than the state database's.
    NodeFiles,
    /// Resident memory.
    Rss,
    /// Disk use other than the state database's.
    NodeDisk,
    /// Handles on the state database's files.
    StateFiles,
    /// Disk use of the state database.
    StateDisk,
}

impl Series {
    /// All series, in report order.
    pub const ALL: [Self; 5] = [
        Self::NodeFiles,
        Self::Rss,
        Self::NodeDisk,
        Self::StateFiles,
        Self::StateDisk,
    ];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::NodeFiles => "node_files",
            Self::Rss => "rss_mib",
            Self::NodeDisk => "node_disk_mib",
            Self::StateFiles => "state_files",
            Self::StateDisk => "state_disk_mib",
        }
    }

    /// Its value in a sample, in report units (handles or MiB).
    pub fn value(self, sample: &Sample) -> f64 {
        const MIB: f64 = 1024.0 * 1024.0;
        match self {
            Self::NodeFiles => sample.open_files.saturating_sub(sample.state_files) as f64,
            Self::Rss => sample.rss_bytes as f64 / MIB,
            Self::NodeDisk => {
                sample.disk_bytes.saturating_sub(sample.state_disk_bytes) as f64 / MIB
            }
            Self::StateFiles => sample.state_files as f64,
            Self::StateDisk => sample.state_disk_bytes as f64 / MIB,
        }
    }

    /// The largest second-half slope, in report units per hour, a bounded resource may show;
    /// `None` for the series reported but not judged (the chain's state). See
    /// docs/operations.md for how each was chosen.
    pub fn threshold_per_hour(self) -> Option<f64> {
        match self {
            // The unfixed node gained ~1,100-1,900 handles an hour under the soak's load.
            Self::NodeFiles => Some(60.0),
            Self::Rss => Some(256.0),
            // The unfixed node's archives and caches grew ~1 GiB an hour under the same load.
            Self::NodeDisk => Some(128.0),
            Self::StateFiles | Self::StateDisk => None,
        }
    }

    /// The fitted rise over the second half that is noise, whatever the slope: sockets opening
    /// and closing, sections opened ahead of the prune that drops older ones. Short runs (CI's)
    /// are judged by this; long runs by [`Self::threshold_per_hour`], which allows more.
    pub fn noise(self) -> f64 {
        match self {
            Self::NodeFiles => 16.0,
            Self::Rss => 32.0,
            Self::NodeDisk => 16.0,
            Self::StateFiles | Self::StateDisk => 0.0,
        }
    }
}

/// A series' verdict for one validator.
#[derive(Clone, Debug, PartialEq)]
pub struct Trend {
    /// Validator index.
    pub validator: u32,
    /// Which series.
    pub series: Series,
    /// Value at the start of the second half and at the end.
    pub first: f64,
    /// Value at the end.
    pub last: f64,
    /// Least-squares slope over the second half, units per hour.
    pub slope_per_hour: f64,
    /// Whether the slope is within the threshold, or the fitted rise over the second half
    /// within [`Series::noise`].
    pub bounded: bool,
}

/// Least-squares slope of `points` (x in seconds), per hour; `None` with fewer than 3 points.
pub fn slope_per_hour(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    Some(sxy / sxx * 3600.0)
}

/// Each validator's trend in each series over the second half of `samples`.
pub fn trends(samples: &[Sample], validators: u32) -> Vec<Trend> {
    let end = samples.iter().map(|s| s.secs).fold(0.0, f64::max);
    let half = end / 2.0;
    let mut trends = Vec::new();
    for validator in 0..validators {
        let second: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.validator == validator && s.secs >= half)
            .collect();
        for series in Series::ALL {
            let points: Vec<(f64, f64)> =
                second.iter().map(|s| (s.secs, series.value(s))).collect();
            let slope = slope_per_hour(&points).unwrap_or(f64::INFINITY);
            let span_hours = match (points.first(), points.last()) {
                (Some(a), Some(b)) => (b.0 - a.0) / 3600.0,
                _ => 0.0,
            };
            let rise = slope * span_hours;
            trends.push(Trend {
                validator,
                series,
                first: points.first().map_or(0.0, |p| p.1),
                last: points.last().map_or(0.0, |p| p.1),
                slope_per_hour: slope,
                bounded: series
                    .threshold_per_hour()
                    .is_none_or(|threshold| slope <= threshold || rise <= series.noise()),
            });
        }
    }
    trends
}

/// Whether a storage file belongs to the state database (partitions `<prefix>-state-…`).
pub fn is_state_file(path: &Path) -> bool {
    path.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|name| name.contains("-state-"))
    })
}

/// Open handles of process `pid`, and how many of them are on state database files.
pub fn open_files(pid: u32) -> Option<(u64, u64)> {
    let mut open = 0;
    let mut state = 0;
    for entry in std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.flatten() {
        open += 1;
        if std::fs::read_link(entry.path()).is_ok_and(|target| is_state_file(&target)) {
            state += 1;
        }
    }
    Some((open, state))
}

/// Resident memory of process `pid`, bytes.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Bytes of the files under `dir` (allocated size, as `du` counts), following no links, and
/// how many of them are the state database's.
pub fn disk_bytes(dir: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let mut state = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.blocks() * 512;
                if is_state_file(&entry.path()) {
                    state += meta.blocks() * 512;
                }
            }
        }
    }
    (total, state)
}

/// What the adversarial clients saw: how often the server closed them, as it should.
#[derive(Debug, Default)]
pub struct Adversaries {
    /// Slowloris connections the server closed (header timeout).
    pub slowloris_closed: AtomicU64,
    /// Idle sockets the server closed.
    pub idle_closed: AtomicU64,
    /// Stalled subscribers the server closed.
    pub stalled_closed: AtomicU64,
    /// Connections the server refused outright (caps).
    pub refused: AtomicU64,
}

impl Adversaries {
    /// The counts as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "slowloris_closed": self.slowloris_closed.load(Ordering::Relaxed),
            "idle_closed": self.idle_closed.load(Ordering::Relaxed),
            "stalled_closed": self.stalled_closed.load(Ordering::Relaxed),
            "refused": self.refused.load(Ordering::Relaxed),
        })
    }
}

/// Reads and discards until the server closes `stream` (EOF or error); false if `stop` was
/// raised first, or `limit` passed.
async fn until_closed(stream: &mut TcpStream, limit: Duration, stop: &AtomicBool) -> bool {
    let mut buf = [0u8; 4096];
    let mut waited = Duration::ZERO;
    while waited < limit {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        match tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => waited += Duration::from_millis(500),
        }
    }
    false
}

/// Runs one slowloris client against `addr` until `stop`: headers dripped one byte a second,
/// reconnecting each time the server closes it.
pub async fn slowloris(addr: SocketAddr, seen: Arc<Adversaries>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut stream) = TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        if stream
            .write_all(b"GET /v1/status HTTP/1.1\r\nhost: soak\r\n")
            .await
            .is_err()
        {
            continue;
        }
        let mut buf = [0u8; 512];
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            if stream.write_all(b"x").await.is_err() {
                seen.slowloris_closed.fetch_add(1, Ordering::Relaxed);
                break;
            }
            match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => {
                    seen.slowloris_closed.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Ok(Ok(_)) => {
                    // An answer (a refusal): the server will close next.
                    seen.refused.fetch_add(1, Ordering::Relaxed);
                }
                Err(_) => {}
            }
        }
    }
}

/// Holds `count` silent sockets open against `addr` until `stop`, reopening each one the server
/// closes.
pub async fn idle_sockets(
    addr: SocketAddr,
    count: usize,
    seen: Arc<Adversaries>,
    stop: Arc<AtomicBool>,
) {
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let seen = Arc::clone(&seen);
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let Ok(mut stream) = TcpStream::connect(addr).await else {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    };
                    if until_closed(&mut stream, Duration::from_secs(3600), &stop).await {
                        seen.idle_closed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
}

/// How long a stalled subscriber leaves its stream unread before checking that the server
/// closed it.
pub const STALL_SECS: u64 = 30;

/// Opens an event stream against `addr` and leaves it unread (on a small receive buffer) for
/// [`STALL_SECS`], then reads: the server should have closed it by then, so the read finds the
/// end after what was buffered. Repeats until `stop`.
pub async fn stalled_subscriber(addr: SocketAddr, seen: Arc<Adversaries>, stop: Arc<AtomicBool>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(socket) = tokio::net::TcpSocket::new_v4() else {
            return;
        };
        let _ = socket.set_recv_buffer_size(4096);
        let Ok(mut stream) = socket.connect(addr).await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        if stream
            .write_all(b"GET /v1/events HTTP/1.1\r\nhost: soak\r\n\r\n")
            .await
            .is_err()
        {
            continue;
        }
        for _ in 0..STALL_SECS {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        // Draining a still-open stream would keep going (events and keep-alives); a closed one
        // ends as soon as the buffers are read.
        if until_closed(&mut stream, Duration::from_secs(3), &stop).await {
            seen.stalled_closed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The samples as CSV, one row per sample.
pub fn csv(samples: &[Sample]) -> String {
    let mut out = String::from(
        "secs,validator,open_files,state_files,rss_bytes,disk_bytes,state_disk_bytes,height\n",
    );
    for s in samples {
        out.push_str(&format!(
            "{:.1},{},{},{},{},{},{},{}\n",
            s.secs,
            s.validator,
            s.open_files,
            s.state_files,
            s.rss_bytes,
            s.disk_bytes,
            s.state_disk_bytes,
            s.height
        ));
    }
    out
}

/// Draws each series for every validator against time, one panel per series, as SVG.
pub fn plot_svg(samples: &[Sample], validators: u32, path: &Path) -> Result<(), String> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (960, 1400)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let panels = root.split_evenly((Series::ALL.len(), 1));
    let end = samples.iter().map(|s| s.secs).fold(1.0, f64::max);
    let colors = [RED, BLUE, GREEN, MAGENTA, CYAN, BLACK];
    for (panel, series) in panels.iter().zip(Series::ALL) {
        let top = samples.iter().map(|s| series.value(s)).fold(1.0, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(panel)
            .caption(
                match series.threshold_per_hour() {
                    Some(t) => format!("{} (threshold {t}/h over the second half)", series.name()),
                    None => format!(
                        "{} (the chain's state: reported, not judged)",
                        series.name()
                    ),
                },
                ("sans-serif", 18),
            )
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..end, 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("seconds")
            .draw()
            .map_err(|e| e.to_string())?;
        for validator in 0..validators {
            let color = colors[validator as usize % colors.len()];
            chart
                .draw_series(LineSeries::new(
                    samples
                        .iter()
                        .filter(|s| s.validator == validator)
                        .map(|s| (s.secs, series.value(s))),
                    color,
                ))
                .map_err(|e| e.to_string())?
                .label(format!("validator {validator}"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(secs: f64, open_files: u64) -> Sample {
        Sample {
            secs,
            validator: 0,
            open_files,
            state_files: 0,
            rss_bytes: 100 << 20,
            disk_bytes: 10 << 20,
            state_disk_bytes: 0,
            height: 0,
        }
    }

    #[test]
    fn slope_of_a_line_is_its_rise_per_hour() {
        let points: Vec<_> = (0..10)
            .map(|i| (f64::from(i), 2.0 * f64::from(i) + 5.0))
            .collect();
        let slope = slope_per_hour(&points).unwrap();
        assert!((slope - 7200.0).abs() < 1e-6, "{slope}");
        assert_eq!(slope_per_hour(&points[..2]), None);
    }

    #[test]
    fn a_leveled_off_series_is_bounded_and_a_climbing_one_is_not() {
        // Rises for the first half, then flat: bounded.
        let flat: Vec<_> = (0..60u32)
            .map(|i| sample(f64::from(i) * 5.0, 300 + u64::from(i.min(30)) * 10))
            .collect();
        let trend = &trends(&flat, 1)[0];
        assert_eq!(trend.series, Series::NodeFiles);
        assert!(trend.bounded, "{trend:?}");
        // One more handle every 5 s all along: 720 an hour, a leak.
        let leak: Vec<_> = (0..60u32)
            .map(|i| sample(f64::from(i) * 5.0, 300 + u64::from(i)))
            .collect();
        let trend = &trends(&leak, 1)[0];
        assert!(
            !trend.bounded && (trend.slope_per_hour - 720.0).abs() < 1.0,
            "{trend:?}"
        );
    }

    #[test]
    fn growth_of_the_state_database_is_reported_not_judged() {
        let leak: Vec<_> = (0..60u32)
            .map(|i| Sample {
                state_files: u64::from(i),
                ..sample(f64::from(i) * 5.0, 300 + u64::from(i))
            })
            .collect();
        let trends = trends(&leak, 1);
        let node = trends
            .iter()
            .find(|t| t.series == Series::NodeFiles)
            .unwrap();
        assert!(node.bounded && node.slope_per_hour.abs() < 1e-6, "{node:?}");
        let state = trends
            .iter()
            .find(|t| t.series == Series::StateFiles)
            .unwrap();
        assert!(
            state.bounded && (state.slope_per_hour - 720.0).abs() < 1.0,
            "{state:?}"
        );
    }

    #[test]
    fn a_short_run_tolerates_a_rise_within_noise_but_not_a_steady_climb() {
        // Two minutes whose second half gains 5 handles: 150 an hour, but within noise.
        let wobble: Vec<_> = (0..25u32)
            .map(|i| sample(f64::from(i) * 5.0, 400 + u64::from(i >= 18) * 5))
            .collect();
        assert!(trends(&wobble, 1)[0].bounded);
        // The unfixed node's 0.13 handles a block at 3.5 blocks a second: 55 in two minutes.
        let leak: Vec<_> = (0..25u32)
            .map(|i| sample(f64::from(i) * 5.0, 400 + u64::from(i) * 23 / 10))
            .collect();
        assert!(!trends(&leak, 1)[0].bounded);
    }

    #[test]
    fn state_files_are_told_apart_by_their_partition() {
        assert!(is_state_file(Path::new(
            "/d/data/terrane-state-log_data/0001"
        )));
        assert!(!is_state_file(Path::new(
            "/d/data/terrane-blocks-value/0001"
        )));
        assert!(!is_state_file(Path::new("socket:[123]")));
    }
}
