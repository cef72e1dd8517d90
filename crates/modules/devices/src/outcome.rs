//! Why the device registry rejects a transaction (codes 200-299).

terrane_primitives::reason_codes! {
    /// A rejection by the device registry.
    pub enum DevicesRejection {
        /// The device key is already registered.
        DeviceExists = 201 => ("device_exists", "this device key is already registered"),
        /// No device with this key.
        UnknownDevice = 202 => ("unknown_device", "no device with this key is registered"),
        /// The signer does not own the device.
        NotOwner = 203 => ("not_owner", "only the device's owner may do this"),
        /// The maker is not approved.
        MakerNotApproved = 204 => ("maker_not_approved", "the maker key is not on the approved list"),
        /// The maker's attestation does not verify.
        BadMakerSignature = 205 => ("bad_maker_signature", "the maker attestation does not verify for this device and capabilities"),
        /// The device's own signature does not verify.
        BadDeviceSignature = 206 => ("bad_device_signature", "the device signature does not verify for this owner, location and maker (or session key)"),
        /// The location is not an H3 cell at resolution 12.
        InvalidLocation = 207 => ("invalid_location", "the location is not a valid H3 cell at resolution 12"),
        /// The device is deactivated.
        DeviceInactive = 209 => ("device_inactive", "the device is deactivated"),
        /// The owner cannot pay the onboarding or location fee.
        FeeUnpayable = 210 => ("device_fee_unpayable", "the owner's balance does not cover the onboarding or location fee"),
        /// The session key expiry is in the past or beyond the allowed lifetime.
        SessionExpiryInvalid = 212 => ("session_expiry_invalid", "the session key expires in the past or beyond the maximum session lifetime"),
        /// No such session key for this device.
        UnknownSessionKey = 213 => ("unknown_session_key", "no such session key is authorized for this device"),
        /// The new location equals the current one.
        SameLocation = 214 => ("same_location", "the device already asserts this location"),
        /// The device's class refuses a capability value (e.g. antenna gain above its limit).
        CapabilitiesOutOfRange = 215 => ("capabilities_out_of_range", "a capability is outside the range the device's resource class allows (e.g. antenna gain or transmit power above the limit)"),
        /// The device or session key is not a valid ed25519 public key.
        InvalidDeviceKey = 216 => ("invalid_device_key", "the device or session key is not a valid ed25519 public key, or is one of small order (which anyone could sign for)"),
        /// The session key is already authorized.
        SessionKeyExists = 217 => ("session_key_exists", "this session key is already authorized"),
        /// The new owner equals the current one.
        SameOwner = 218 => ("same_owner", "the device already belongs to this owner"),
        /// The chain runs no resource class with this id.
        UnknownClass = 219 => ("unknown_class", "the chain runs no resource class with this id (see GET /v1/classes)"),
        /// The capability bytes are not a valid encoding for the device's class.
        CapabilitiesMalformed = 220 => ("capabilities_malformed", "the capability bytes are not a valid encoding for the device's resource class (wrong length or an unknown value such as a band)"),
    }
}
