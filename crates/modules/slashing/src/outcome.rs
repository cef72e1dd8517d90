//! Why slashing refuses evidence or an appeal (codes 1100-1149), and the codes a slash
//! itself carries: its offence and how it ended (1150-1199).

terrane_primitives::reason_codes! {
    /// A rejection by the slashing module.
    pub enum SlashingRejection {
        /// The two reports do not conflict.
        NotConflicting = 1101 => ("evidence_not_conflicting", "the two reports are not two different claims by one device for one duty (same device, epoch, class, kind and duty, different content)"),
        /// A report of the evidence is not the device's.
        BadReportSignature = 1102 => ("evidence_bad_signature", "a report in the evidence is not signed by the device or one of its live session keys for this chain"),
        /// The offence already has a slash.
        AlreadySlashed = 1103 => ("evidence_already_slashed", "this offence, or an epoch of the window it names, is already covered by a slash"),
        /// Below the rule's threshold.
        BelowThreshold = 1104 => ("evidence_below_threshold", "the chain's records show fewer offences in the window than the rule's threshold"),
        /// The offence is too old, or its epoch has not closed.
        OutOfWindow = 1105 => ("evidence_out_of_window", "the offence is older than evidence_max_age_epochs, or names an epoch that has not closed yet (or is in the future)"),
        /// No such device.
        UnknownDevice = 1106 => ("evidence_unknown_device", "the evidence names a device that is not registered"),
        /// A listed epoch was not missed.
        NotMissed = 1107 => ("evidence_duty_not_missed", "an epoch the evidence lists is not a missed duty: the device was not yet registered, or the chain recorded its report, or the list is not strictly ascending within missed_window_epochs"),
        /// Nothing is at stake behind the target.
        NothingStaked = 1108 => ("evidence_nothing_staked", "nothing is bonded on or unbonding from the accused device: there is nothing to slash"),
        /// Too many slashes already due at that epoch.
        QueueFull = 1109 => ("slash_queue_full", "the maximum number of slashes is already due at that epoch's close: submit again next epoch"),
        /// No such slash.
        UnknownSlash = 1110 => ("unknown_slash", "no slash has this id"),
        /// Only the accused appeals.
        NotAccused = 1111 => ("appeal_not_accused", "only the operator of the slashed target may appeal"),
        /// The appeal window has closed.
        WindowClosed = 1112 => ("appeal_window_closed", "the slash is no longer pending: its appeal window closed when it executed, or it was voided"),
        /// The rule admits no counter-proof.
        NoCounterProof = 1113 => ("appeal_not_allowed", "the offence's evidence is conclusive (two signed conflicting reports or votes, or the chain's own verdicts): it admits no counter-proof"),
        /// The counter-proof does not prove the duty was done.
        CounterProofInvalid = 1114 => ("counter_proof_invalid", "the counter-proof is not a report signed for the device, for an epoch the evidence lists, whose beacon a witness recorded on chain"),
        /// The evidence lists too much.
        TooMuchEvidence = 1115 => ("evidence_too_large", "the evidence lists more epochs than the rule's window"),
        /// A listed epoch is inside a declared maintenance window.
        InMaintenance = 1116 => ("evidence_in_maintenance", "an epoch the evidence lists is inside a maintenance window the owner declared in advance: a duty missed there is excused"),
        /// The chain does not slash validators on vote evidence.
        ValidatorEvidenceDisabled = 1117 => ("validator_evidence_disabled", "validator_equivocation_bps is 0 on this chain: threshold consensus votes are not attributable (a quorum of partial signatures lets anyone compute any validator's), so vote evidence against validators is refused"),
        /// The votes are not a conflicting-vote activity.
        ValidatorEvidenceMalformed = 1118 => ("validator_evidence_malformed", "the evidence's votes do not decode, exactly and without trailing bytes, as a simplex ConflictingNotarize, ConflictingFinalize or NullifyFinalize of this chain's signing scheme"),
        /// The votes' signer is not the accused genesis validator.
        NotAValidator = 1119 => ("validator_evidence_not_validator", "the votes' signer index is not a participant of the genesis validator set, or is not the validator the evidence accuses"),
        /// The two votes do not conflict.
        VotesNotConflicting = 1120 => ("validator_evidence_not_conflicting", "the two votes are not forbidden together: they have different signers or rounds (epoch and view), or the two notarizes or finalizes are of the same proposal"),
        /// A vote's signature does not verify.
        BadVoteSignature = 1121 => ("validator_evidence_bad_signature", "a vote's partial signature (vote or seed) does not verify against the validator's share of the genesis threshold polynomial under this chain's consensus namespace"),
        /// The validator is already slashed for this round.
        ValidatorAlreadySlashed = 1122 => ("validator_evidence_already_slashed", "a slash already covers this validator's votes in this round (consensus epoch and view), whatever the kind of conflict"),
        /// Nothing is at stake behind the validator.
        ValidatorNothingStaked = 1123 => ("validator_evidence_nothing_staked", "nothing is bonded on or unbonding from the accused validator: there is nothing to slash"),
    }
}

terrane_primitives::reason_codes! {
    /// What a slash is for, and how one that did not execute ended.
    pub enum SlashReason {
        /// Two conflicting signed reports for one duty.
        DeviceEquivocation = 1150 => ("device_equivocation", "the device signed two different reports for the same duty (e.g. two beacons with different nonces in one epoch, or two witness reports of one beacon)"),
        /// Too many accountable invalid proofs in the window.
        RepeatedInvalidProofs = 1151 => ("repeated_invalid_proofs", "the chain judged at least invalid_threshold of the device's reports invalid, with the device accountable, within invalid_window_epochs epochs"),
        /// Missed duties.
        MissedDuties = 1152 => ("missed_duties", "the device owed a beacon in at least missed_threshold epochs of a window and the chain recorded none"),
        /// Conflicting consensus votes.
        ValidatorEquivocation = 1153 => ("validator_equivocation", "the validator signed two consensus votes simplex forbids together: two notarizes or two finalizes of different proposals in one round, or a nullify and a finalize of one round"),
        /// An appeal answered the evidence.
        AppealUpheld = 1160 => ("appeal_upheld", "the accused answered with counter-proofs that leave the evidence below its threshold: the slash does not execute"),
        /// Nothing was left to slash.
        Lapsed = 1161 => ("slash_lapsed", "when the slash came due nothing was bonded on or unbonding from the target any more"),
    }
}
