//! What the device registry reports to indexers and event streams.

use terrane_geo::H3Cell;
use terrane_primitives::{Address, ClassId, DeviceId, Height};

/// A device registry event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DevicesEvent {
    /// A device was registered.
    Registered {
        /// Device.
        device: DeviceId,
        /// Owner.
        owner: Address,
        /// Class.
        class: ClassId,
        /// Location.
        location: H3Cell,
    },
    /// A device changed owner.
    OwnerChanged {
        /// Device.
        device: DeviceId,
        /// Previous owner.
        from: Address,
        /// New owner.
        to: Address,
    },
    /// A device asserted a new location.
    Relocated {
        /// Device.
        device: DeviceId,
        /// Previous cell.
        from: H3Cell,
        /// New cell.
        to: H3Cell,
    },
    /// A device was deactivated.
    Deactivated {
        /// Device.
        device: DeviceId,
    },
    /// A session key was authorized.
    SessionAuthorized {
        /// Device.
        device: DeviceId,
        /// Session key.
        session_key: DeviceId,
        /// Expiry height.
        expires_at: Height,
    },
    /// A session key was revoked.
    SessionRevoked {
        /// Device.
        device: DeviceId,
        /// Session key.
        session_key: DeviceId,
    },
}
