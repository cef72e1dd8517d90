//! Why the rewards module rejects a claim (codes 500-599).

terrane_primitives::reason_codes! {
    /// A rejection by the rewards module.
    pub enum RewardsRejection {
        /// No such device.
        UnknownDevice = 501 => ("claim_unknown_device", "no device with this key is registered"),
        /// The signer does not own the device.
        NotOwner = 502 => ("claim_not_owner", "only the device's current owner may claim its rewards"),
        /// Nothing is claimable.
        NothingToClaim = 503 => ("nothing_to_claim", "the device has no credited, unclaimed rewards"),
    }
}
