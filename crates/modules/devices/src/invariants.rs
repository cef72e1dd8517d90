//! What must hold of every device record.

use crate::types::{Device, SessionKey};
use terrane_geo::DEVICE_RESOLUTION;

/// Why a record breaks the registry's invariants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordViolation {
    /// The stored location is not a resolution-12 cell.
    BadLocation,
    /// A session key names no registered device.
    SessionForUnknownDevice,
    /// A session key claims a generation its device has not reached.
    SessionFromTheFuture,
}

/// Checks one stored device record.
pub fn check_record(d: &Device) -> Result<(), RecordViolation> {
    if d.location.validate(DEVICE_RESOLUTION).is_err() {
        return Err(RecordViolation::BadLocation);
    }
    Ok(())
}

/// Checks one stored session key against the device it names (`None` if not registered).
pub fn check_session(s: &SessionKey, device: Option<&Device>) -> Result<(), RecordViolation> {
    let Some(d) = device else {
        return Err(RecordViolation::SessionForUnknownDevice);
    };
    if s.device != d.id {
        return Err(RecordViolation::SessionForUnknownDevice);
    }
    if s.generation > d.session_generation {
        return Err(RecordViolation::SessionFromTheFuture);
    }
    Ok(())
}
