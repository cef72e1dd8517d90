//! What must hold of every device record.

use crate::types::Device;
use terrane_geo::DEVICE_RESOLUTION;

/// Why a record breaks the registry's invariants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordViolation {
    /// The stored location is not a resolution-12 cell.
    BadLocation,
    /// The coverage cooldown ends before registration.
    CooldownBeforeRegistration,
}

/// Checks one stored device record.
pub fn check_record(d: &Device) -> Result<(), RecordViolation> {
    if d.location.validate(DEVICE_RESOLUTION).is_err() {
        return Err(RecordViolation::BadLocation);
    }
    if d.coverage_eligible_from < d.registered_epoch {
        return Err(RecordViolation::CooldownBeforeRegistration);
    }
    Ok(())
}
