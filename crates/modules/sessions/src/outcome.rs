//! Why sessions refuses an opening, a receipt or a close (codes 800-899).

terrane_primitives::reason_codes! {
    /// A rejection by the sessions module.
    pub enum SessionsRejection {
        /// No such device.
        UnknownDevice = 801 => ("session_unknown_device", "the device is not registered"),
        /// The device is deactivated.
        DeviceInactive = 802 => ("session_device_inactive", "the device is deactivated and serves no sessions"),
        /// The device is not of the class that sells data.
        NotAHotspot = 803 => ("session_not_a_hotspot", "only coverage hotspots sell data sessions"),
        /// The deposit is below the minimum.
        DepositTooSmall = 804 => ("session_deposit_too_small", "the deposit is below the sessions' minimum"),
        /// The duration is zero or above the maximum.
        DurationOutOfRange = 805 => ("session_duration_out_of_range", "a session runs at least one block and at most the maximum duration"),
        /// The payer has too many open sessions.
        TooManyOpen = 806 => ("too_many_open_sessions", "the payer already has the most open sessions allowed"),
        /// The payer's credits do not cover the deposit.
        InsufficientCredits = 807 => ("session_insufficient_credits", "the payer's credit balance does not cover the deposit"),
        /// No open session with this id.
        UnknownSession = 810 => ("session_unknown", "no open session has this id (never opened, or already closed)"),
        /// The receipt's signature is not the session payer's.
        BadSignature = 811 => ("receipt_bad_signature", "the receipt is not signed by the session's payer"),
        /// The receipt's nonce is not above the last paid one.
        StaleReceipt = 812 => ("receipt_stale", "the receipt's nonce is not above the last paid receipt's: a replay or an older receipt"),
        /// The receipt claims no bytes beyond those already paid.
        NoNewBytes = 813 => ("receipt_no_new_bytes", "the receipt claims no bytes beyond those already paid"),
        /// The receipt claims more than the deposit covers.
        OverEscrow = 814 => ("receipt_over_escrow", "the receipt claims more bytes than the session's deposit pays for"),
        /// The session's settlement window is over.
        SettlementOver = 815 => ("receipt_after_settlement", "the session expired and its grace period for receipts is over"),
        /// Neither the payer nor the hotspot's owner.
        NotAParty = 820 => ("session_not_a_party", "only the session's payer or the hotspot's owner may close it"),
        /// The payer closing before the session's end and grace.
        NotExpired = 821 => ("session_not_expired", "the payer may close only after the session expired and its grace period ended"),
    }
}
