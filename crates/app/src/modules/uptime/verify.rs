//! The uptime ping rule, a pure function of the ping and what the chain last accepted.
//!
//! ```text
//! ping payload (8 bytes): the height the device last saw finalized, u64 BE
//!   seen > block height                 → ping_from_the_future (invalid: the device lies)
//!   block height − seen > MAX_PING_AGE  → ping_stale           (invalid: it is not online)
//!   block height − last < MIN_PING_GAP  → ping_too_soon        (refused: no extra credit)
//!   otherwise                           → valid, UNITS_PER_PING units
//! ```

use super::outcome::UptimeRejection;
use terrane_primitives::Height;

/// How far behind the chain the height a ping quotes may be, blocks.
pub const MAX_PING_AGE: u64 = 20;
/// Fewest blocks between two pings of one device that both earn.
pub const MIN_PING_GAP: u64 = 5;
/// Work units a valid ping earns.
pub const UNITS_PER_PING: u64 = 1;

/// Judges a ping `payload` included at `height`, the device's last accepted ping having been
/// at `last`.
pub fn check_ping(
    payload: &[u8],
    height: Height,
    last: Option<Height>,
) -> Result<u64, UptimeRejection> {
    let seen: [u8; 8] = payload
        .try_into()
        .map_err(|_| UptimeRejection::PingMalformed)?;
    let seen = u64::from_be_bytes(seen);
    let Some(age) = height.get().checked_sub(seen) else {
        return Err(UptimeRejection::PingFromTheFuture);
    };
    if age > MAX_PING_AGE {
        return Err(UptimeRejection::PingStale);
    }
    if let Some(last) = last
        && height.get().saturating_sub(last.get()) < MIN_PING_GAP
    {
        return Err(UptimeRejection::PingTooSoon);
    }
    Ok(UNITS_PER_PING)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ping(seen: u64) -> Vec<u8> {
        seen.to_be_bytes().to_vec()
    }

    #[test]
    fn a_fresh_ping_earns_and_a_stale_future_short_or_early_one_does_not() {
        let h = Height::new(100);
        assert_eq!(check_ping(&ping(95), h, None), Ok(UNITS_PER_PING));
        assert_eq!(check_ping(&ping(95), h, Some(Height::new(95))), Ok(1));
        assert_eq!(
            check_ping(&ping(101), h, None),
            Err(UptimeRejection::PingFromTheFuture)
        );
        assert_eq!(
            check_ping(&ping(100 - MAX_PING_AGE - 1), h, None),
            Err(UptimeRejection::PingStale)
        );
        assert_eq!(
            check_ping(&[1, 2, 3], h, None),
            Err(UptimeRejection::PingMalformed)
        );
        assert_eq!(
            check_ping(&ping(99), h, Some(Height::new(100 - MIN_PING_GAP + 1))),
            Err(UptimeRejection::PingTooSoon)
        );
    }
}
