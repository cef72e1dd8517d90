//! CPU time of the calling thread, to tell a slow primitive from a shared core.
//!
//! Linux reports a thread's time on a CPU in `/proc/thread-self/schedstat` (first field,
//! nanoseconds). Elsewhere, or if the file is missing, there is no reading and the figures say
//! so with `None` rather than guessing.

use std::time::{Duration, Instant};

/// Time the calling thread has spent on a CPU since it started, if the OS says.
pub(crate) fn thread_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Measures what share of a stretch of wall-clock time the calling thread spent on a CPU.
pub(crate) struct CpuShare {
    wall: Instant,
    cpu: Option<Duration>,
}

impl CpuShare {
    pub(crate) fn start() -> Self {
        Self {
            cpu: thread_time(),
            wall: Instant::now(),
        }
    }

    /// CPU time over wall time since [`CpuShare::start`], capped at 1.
    pub(crate) fn share(&self) -> Option<f64> {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = thread_time()?.checked_sub(self.cpu?)?.as_secs_f64();
        (wall > 0.0).then(|| (cpu / wall).min(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_is_a_fraction_when_the_os_reports_thread_time() {
        let meter = CpuShare::start();
        let mut x = 0u64;
        for i in 0..200_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        if let Some(share) = meter.share() {
            assert!((0.0..=1.0).contains(&share), "{share}");
        }
    }
}
