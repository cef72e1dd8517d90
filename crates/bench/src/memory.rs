//! The process's resident memory around a stretch of work, from `/proc/self/status`.
//!
//! Linux keeps the peak resident set size (`VmHWM`) since the process started; writing `5` to
//! `/proc/self/clear_refs` resets it to the current size (`VmRSS`). Resetting it just before the
//! work and reading it just after gives the most the process held while the work ran, without a
//! counting allocator. It is the whole process (every thread, the runtime's I/O pool, the state
//! database's caches), and an allocator that kept memory freed earlier can hand it out again
//! without the RSS growing, so the growth is a lower bound on what the work allocated.
//! Elsewhere, or if the files cannot be used, there is no reading (`None`).

/// Resident memory around a stretch of work, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RssReading {
    /// Resident set size just before the work.
    pub before_bytes: u64,
    /// Peak resident set size while it ran (at least `before_bytes`).
    pub peak_bytes: u64,
}

impl RssReading {
    /// How far the peak rose above the resident size before the work.
    pub fn growth_bytes(&self) -> u64 {
        self.peak_bytes.saturating_sub(self.before_bytes)
    }
}

/// A started measurement: the peak was reset and the current size noted.
pub(crate) struct PeakRss {
    before_bytes: u64,
}

impl PeakRss {
    /// Resets the process's peak to its current size; `None` if the OS does not allow it.
    pub(crate) fn start() -> Option<Self> {
        std::fs::write("/proc/self/clear_refs", "5").ok()?;
        Some(Self {
            before_bytes: status_kib("VmRSS")? * 1024,
        })
    }

    /// The reading since [`PeakRss::start`].
    pub(crate) fn finish(self) -> Option<RssReading> {
        let peak = status_kib("VmHWM")? * 1024;
        Some(RssReading {
            before_bytes: self.before_bytes,
            peak_bytes: peak.max(self.before_bytes),
        })
    }
}

/// A `kB` field of `/proc/self/status`.
fn status_kib(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_covers_memory_touched_after_the_reset() {
        let Some(meter) = PeakRss::start() else {
            return;
        };
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let reading = meter.finish().expect("status readable once clear_refs was");
        drop(block);
        assert!(
            reading.growth_bytes() >= 32 << 20,
            "64 MiB touched, peak grew {} bytes",
            reading.growth_bytes()
        );
    }
}
