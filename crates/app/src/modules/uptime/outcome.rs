//! Why the uptime test class rejects a ping (codes 900-999, test-only).

terrane_primitives::reason_codes! {
    /// A rejection by the uptime test class.
    pub enum UptimeRejection {
        /// The payload is not an 8-byte height.
        PingMalformed = 901 => ("ping_malformed", "an uptime ping's payload is not the 8-byte height it saw (uptime test class)"),
        /// The quoted height is ahead of the chain.
        PingFromTheFuture = 902 => ("ping_from_the_future", "an uptime ping quotes a height above the including block's (uptime test class)"),
        /// The quoted height is too old.
        PingStale = 903 => ("ping_stale", "an uptime ping quotes a height too far behind the including block (uptime test class)"),
        /// Too soon after the last accepted ping.
        PingTooSoon = 904 => ("ping_too_soon", "an uptime ping came too soon after the device's last accepted one (uptime test class)"),
        /// Not a ping.
        UnknownKind = 905 => ("uptime_unknown_kind", "the uptime test class has no report of this kind (uptime test class)"),
    }
}
