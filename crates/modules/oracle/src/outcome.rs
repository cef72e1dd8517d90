//! Why the oracle refuses a report or a price (codes 600-699).

terrane_primitives::reason_codes! {
    /// A rejection by the price oracle.
    pub enum OracleRejection {
        /// The signer is not a listed oracle key.
        NotOracle = 601 => ("not_oracle", "the signer is not one of the chain's oracle keys"),
        /// The price is zero.
        PriceZero = 602 => ("price_zero", "a price report must be above zero"),
        /// The report is from the future.
        ReportFromTheFuture = 603 => ("price_from_the_future", "the report's timestamp is ahead of the block's by more than the allowed skew"),
        /// The report is too old to be fresh.
        ReportStale = 604 => ("price_stale", "the report's timestamp is older than the freshness window"),
        /// Not newer than the oracle's last accepted report.
        ReportNotNewer = 605 => ("price_not_newer", "the report is not newer than the oracle's last accepted one"),
        /// Too few fresh reports for a price.
        TooFewFreshReports = 606 => ("too_few_fresh_prices", "too few oracles reported within the freshness window: the chain has no price now, and what needs one is refused"),
    }
}
