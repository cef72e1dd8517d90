//! File handles: the process limit, raised at start, and a watch on how many are open.
//!
//! A validator's handles are its storage files (see `docs/operations.md` for the formula in
//! terms of `node.toml`), its p2p and API sockets, and a few fixed ones. Running out is fatal
//! (storage cannot open a file, the API cannot accept), so the node raises its soft limit to
//! the hard one at start, exports the count as `terrane_open_files`, and warns well before the
//! limit.

use prometheus_client::metrics::gauge::Gauge;
use std::time::Duration;
use tracing::{info, warn};

/// Fraction of the limit, in percent, above which the node warns.
pub const WARN_PERCENT: u64 = 80;

/// How often the open handles are counted.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(30);

/// The process's open-file limit after trying to raise it: (soft, hard), `u64::MAX` for
/// unlimited.
pub fn raise_limit() -> (u64, u64) {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let hard = limit.maximum;
    if let Some(hard) = hard
        && limit.current.is_some_and(|soft| soft < hard)
    {
        let raised = rustix::process::Rlimit {
            current: Some(hard),
            maximum: Some(hard),
        };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            warn!(error = %e, "could not raise the open-file limit");
        }
    }
    let limit = getrlimit(Resource::Nofile);
    // `None` means unlimited.
    let soft = limit.current.unwrap_or(u64::MAX);
    let hard = limit.maximum.unwrap_or(u64::MAX);
    info!(soft, hard, "open-file limit");
    (soft, hard)
}

/// Handles this process has open now (`/proc/self/fd`), or `None` where that is not readable.
pub fn count_open() -> Option<u64> {
    let entries = std::fs::read_dir("/proc/self/fd").ok()?;
    Some(entries.count() as u64)
}

/// Counts open handles every [`SAMPLE_EVERY`] into `gauge`, warning above [`WARN_PERCENT`] of
/// `soft_limit`. Runs until the process ends.
pub async fn watch(gauge: Gauge, soft_limit: u64) {
    let mut warned = false;
    loop {
        if let Some(open) = count_open() {
            gauge.set(i64::try_from(open).unwrap_or(i64::MAX));
            let near = open.saturating_mul(100) >= soft_limit.saturating_mul(WARN_PERCENT);
            if near && !warned {
                warn!(
                    open,
                    limit = soft_limit,
                    "open file handles are above {WARN_PERCENT}% of the process limit: raise \
                     `ulimit -n`, lower retain_blocks or api.max_connections (docs/operations.md)"
                );
            }
            warned = near;
        }
        tokio::time::sleep(SAMPLE_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_the_limit_leaves_soft_at_hard_and_counting_sees_a_new_file() {
        let (soft, hard) = raise_limit();
        assert_eq!(soft, hard);
        let before = count_open().expect("linux lists /proc/self/fd");
        let file = tempfile::tempfile().unwrap();
        assert_eq!(count_open().unwrap(), before + 1);
        drop(file);
    }
}
