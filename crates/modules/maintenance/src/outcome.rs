//! Why a maintenance window is refused (codes 1200-1299).

terrane_primitives::reason_codes! {
    /// A rejection by the maintenance module.
    pub enum MaintenanceRejection {
        /// No such device.
        UnknownDevice = 1201 => ("maintenance_unknown_device", "the window names a device that is not registered"),
        /// Only the owner declares.
        NotOwner = 1202 => ("maintenance_not_owner", "only the device's owner may declare its maintenance"),
        /// The device is deactivated.
        DeviceInactive = 1203 => ("maintenance_device_inactive", "the device is deactivated: it has no duties to rest from"),
        /// Zero epochs.
        Empty = 1204 => ("maintenance_empty", "a window covers at least one epoch"),
        /// Not enough notice.
        TooSoon = 1205 => ("maintenance_notice_too_short", "the window's first block is fewer than notice_blocks ahead of this block: declare it earlier"),
        /// Too far ahead.
        TooFarAhead = 1206 => ("maintenance_too_far_ahead", "the window starts more than period_epochs after the current epoch"),
        /// Overlaps a declared window.
        Overlaps = 1207 => ("maintenance_overlaps", "the window overlaps a window already declared for the device"),
        /// Over the epochs allowed in a period.
        QuotaExceeded = 1208 => ("maintenance_quota_exceeded", "with this window the device would rest more than epochs_per_period epochs in one period"),
        /// Over the windows allowed in a period.
        TooManyWindows = 1209 => ("maintenance_too_many_windows", "with this window the device would have more than windows_per_period windows starting in one period"),
    }
}
