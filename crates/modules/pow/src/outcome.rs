//! Why the framework rejects a report before its class looks at it (codes 300-399).

terrane_primitives::reason_codes! {
    /// A rejection by the proof-of-physical-work framework.
    pub enum PowRejection {
        /// The signer is neither a registered device nor a live session key.
        UnknownDevice = 301 => ("unknown_report_signer", "the report's signer is neither a registered device nor a live session key of one"),
        /// The signer speaks for another device than the report names.
        SignerMismatch = 302 => ("signer_mismatch", "the report names a different device than its signer speaks for"),
        /// The report signature does not verify.
        BadReportSignature = 303 => ("bad_report_signature", "the report signature does not verify for its signer on this chain"),
        /// The device is deactivated.
        DeviceInactive = 304 => ("report_device_inactive", "the device is deactivated"),
        /// The report's class is not the device's class.
        WrongClass = 305 => ("wrong_class", "the report's resource class is not the device's class"),
        /// The report is for an epoch that has closed.
        StaleEpoch = 306 => ("stale_epoch", "the report's epoch has closed; reports count only in their own epoch"),
        /// The report is for an epoch that has not started.
        FutureEpoch = 307 => ("future_epoch", "the report's epoch has not started"),
        /// The report was already counted.
        DuplicateReport = 308 => ("duplicate_report", "this report was already submitted; a report counts once"),
        /// The bundle holds more reports than allowed.
        BundleTooLarge = 309 => ("bundle_too_large", "the bundle holds more reports than max_reports_per_bundle"),
        /// The payload does not decode for its class and kind.
        MalformedReport = 310 => ("malformed_report", "the report payload does not decode for its class and kind"),
        /// No verifier for this class is active on this chain.
        ClassNotEnabled = 311 => ("class_not_enabled", "this resource class has no verifier enabled on this chain"),
        /// The device rests in a declared maintenance window.
        InMaintenance = 312 => ("device_in_maintenance", "the device's owner declared a maintenance window covering the report's epoch: its reports earn nothing there and cost it nothing"),
    }
}
