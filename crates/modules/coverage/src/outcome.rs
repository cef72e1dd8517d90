//! Why the coverage class rejects a report (codes 400-499).

terrane_primitives::reason_codes! {
    /// A rejection by the coverage verifier.
    pub enum CoverageRejection {
        /// The beacon was revealed outside the reveal phase of the beaconer's window.
        BeaconOutsideWindow = 401 => ("beacon_outside_window", "the beacon was revealed outside the reveal phase of the beaconer's scheduled window (the grace blocks after its work phase)"),
        /// The beacon's frequency is outside the beaconer's band.
        BeaconFrequencyOutOfBand = 402 => ("beacon_frequency_out_of_band", "the beacon frequency is outside the beaconer's registered band"),
        /// The beacon's timestamp is too far from the block's.
        BeaconTimestampSkew = 403 => ("beacon_timestamp_skew", "the beacon timestamp differs from the block time by more than the allowed skew"),
        /// The beaconer already revealed a beacon this epoch.
        DuplicateBeacon = 404 => ("duplicate_beacon", "the beaconer already revealed a beacon in this epoch"),
        /// A device has no valid asserted location.
        NoAssertedLocation = 405 => ("no_asserted_location", "the beaconer or witness has no valid asserted location"),
        /// A device witnessed its own beacon.
        SelfWitness = 406 => ("self_witness", "a device cannot witness its own beacon"),
        /// The witness belongs to the beaconer's owner.
        SameOwnerWitness = 407 => ("same_owner_witness", "a witness owned by the beaconer's owner does not count"),
        /// The two asserted cells are closer than the minimum distance.
        WitnessTooClose = 408 => ("witness_too_close", "the witness's asserted location is closer to the beaconer's than the minimum distance"),
        /// The two asserted cells are farther apart than the maximum distance.
        WitnessTooFar = 409 => ("witness_too_far", "the witness's asserted location is farther from the beaconer's than the maximum distance"),
        /// The reported signal is stronger than a ground link allows at that distance.
        SignalTooStrong = 410 => ("signal_too_strong", "the reported signal is stronger than the link budget allows for the distance, frequency, transmit power and both antenna gains (free space to the two-ray crossover of the credible antenna height, then the far path-loss exponent)"),
        /// The reported signal is below the noise floor.
        SignalBelowNoise = 411 => ("signal_below_noise", "the reported signal is below the receiver noise floor"),
        /// The reported SNR is outside the plausible range.
        SnrImplausible = 412 => ("snr_implausible", "the reported signal-to-noise ratio is outside the plausible range"),
        /// The witness frequency is outside the beaconer's band.
        WitnessFrequencyOutOfBand = 413 => ("witness_frequency_out_of_band", "the reported frequency is outside the beaconer's band"),
        /// The beacon was already revealed when the witness arrived.
        WitnessAfterReveal = 414 => ("witness_after_reveal", "the beacon's nonce was already public when this witness arrived"),
        /// The beaconer is not an active coverage device.
        UnknownBeaconer = 415 => ("unknown_beaconer", "the beaconer is not an active coverage device"),
        /// This device already witnessed this beaconer this epoch.
        DuplicateWitness = 416 => ("duplicate_witness", "this device already witnessed this beaconer in this epoch"),
        /// No revealed beacon matches the witness's commitment.
        UnmatchedWitness = 417 => ("unmatched_witness", "the beaconer revealed a beacon this epoch and it does not match the witness's commitment"),
        /// The witness heard another frequency than the beacon used.
        WitnessFrequencyMismatch = 418 => ("witness_frequency_mismatch", "the reported frequency differs from the beacon's by more than the tolerance"),
        /// The witness time is outside the beacon's time window.
        WitnessTimingInvalid = 419 => ("witness_timing_invalid", "the witness time is before the beacon or later than the allowed delay"),
        /// The witness was valid but not among those selected.
        WitnessNotSelected = 420 => ("witness_not_selected", "valid, but more witnesses heard this beacon than are rewarded and this one was not drawn"),
        /// The beaconer already has the maximum number of stored witnesses.
        TooManyWitnesses = 421 => ("too_many_witnesses", "the beaconer already has the maximum number of witnesses stored for this epoch"),
        /// The witness arrived after the beaconer's work phase.
        WitnessLate = 422 => ("witness_late", "the witness arrived after the work phase of the beaconer's window"),
        /// The witness arrived before the beaconer's window opened.
        WitnessEarly = 424 => ("witness_early", "the witness arrived before the beaconer's window opened"),
        /// The payload kind is not a coverage report kind.
        UnknownKind = 423 => ("unknown_coverage_kind", "the report kind is neither a beacon (0) nor a witness (1)"),
        /// The beaconer never revealed a beacon in the epoch: nothing to check the witness against.
        BeaconNotRevealed = 425 => ("beacon_not_revealed", "the beaconer revealed no beacon this epoch, so the witness could not be confirmed (no reputation change: the witness may be honest)"),
        /// Most of the beacon's matching witnesses heard another time or frequency than it declared.
        BeaconDisputed = 426 => ("beacon_disputed", "most of the beacon's matching witnesses heard another time or frequency than the beaconer declared: the declaration is at fault (the beaconer is charged, witnesses on its side are refused without fault)"),
        /// Even the strongest credible signal over this distance is below the noise floor.
        WitnessBeyondRange = 427 => ("witness_beyond_range", "even the strongest signal the link budget allows over this distance (beaconer's power and gain, witness's gain, band) is below the noise floor: out of radio range, refused without fault (the beaconer's location may be wrong)"),
        /// A far witness no nearer witness of the same beacon corroborates.
        WitnessUncorroborated = 428 => ("witness_uncorroborated", "the witness is farther from the beaconer than the corroboration radius and no nearer counted witness of the same beacon (another owner's) is within that radius of it: a lone far report is what a relayed beacon looks like, refused without fault"),
        /// The witness's owner and the beaconer's are linked through the funding graph.
        LinkedOwnerWitness = 429 => ("linked_owner_witness", "the witness's owner and the beaconer's owner look like one owner through the funding graph (one created by a transfer from the other, or both by one funder within the funding link window): refused without fault"),
        /// The beacon declares a transmit time after a block already held a witness of it.
        BeaconAfterWitness = 430 => ("beacon_after_witness", "the beacon declares a transmit time later (by more than the clock skew) than the block that first held a matching witness of it: it had been heard before the moment it claims, so the declaration is false (the beaconer is charged; its witnesses are judged by their own story)"),
        /// The witness claims to have heard the beacon after its own block.
        WitnessFromFuture = 431 => ("witness_from_future", "the witness claims a time later (by more than the clock skew) than the block that includes it: nobody reports hearing a beacon before hearing it"),
        /// The beacon's declared time is long before any witness of it reached the chain.
        BeaconBeforeWork = 432 => ("beacon_before_work", "the beacon declares a transmit time earlier, by more than the report lag, than the block that first held a matching witness of it: not a moment of its own work phase; refused without fault (slow witnesses are not the beaconer's doing), and its witnesses are judged by their own story"),
    }
}
