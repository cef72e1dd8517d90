//! Device records and their parts.

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, FixedSize, Read, ReadExt, Write};
use terrane_geo::H3Cell;
use terrane_primitives::{Address, ClassId, DeviceId, Epoch, Height};

/// Most bytes a device's capabilities may take. The class decides what they mean; this bound
/// only keeps records small and decoding bounded.
pub const MAX_CAPABILITY_BYTES: usize = 64;

/// What a device is and can do: its resource class and that class's encoding of its
/// capabilities (attested by its maker). The registry stores the bytes without reading them;
/// the class validates them at registration (`terrane_app::module::ClassVerifier`) and decodes
/// them where its rules need them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    class: ClassId,
    len: u8,
    // Inline so `Device` stays `Copy`; bytes past `len` are always zero, so the derived
    // equality is equality of the used bytes.
    bytes: [u8; MAX_CAPABILITY_BYTES],
}

impl Capabilities {
    /// The capabilities `bytes` of a device of `class`, or `None` if longer than
    /// [`MAX_CAPABILITY_BYTES`].
    pub fn new(class: ClassId, bytes: &[u8]) -> Option<Self> {
        let len = u8::try_from(bytes.len())
            .ok()
            .filter(|l| usize::from(*l) <= MAX_CAPABILITY_BYTES)?;
        let mut buf = [0u8; MAX_CAPABILITY_BYTES];
        buf[..bytes.len()].copy_from_slice(bytes);
        Some(Self {
            class,
            len,
            bytes: buf,
        })
    }

    /// The class these capabilities belong to.
    pub const fn class(&self) -> ClassId {
        self.class
    }

    /// The class's encoding of the capabilities.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl core::fmt::Debug for Capabilities {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Capabilities")
            .field("class", &self.class)
            .field("bytes", &const_hex::encode(self.bytes()))
            .finish()
    }
}

impl Write for Capabilities {
    fn write(&self, buf: &mut impl BufMut) {
        self.class.write(buf);
        self.len.write(buf);
        buf.put_slice(self.bytes());
    }
}

impl EncodeSize for Capabilities {
    fn encode_size(&self) -> usize {
        1 + 1 + usize::from(self.len)
    }
}

impl Read for Capabilities {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let class = ClassId::read(buf)?;
        let len = usize::from(u8::read(buf)?);
        if len > MAX_CAPABILITY_BYTES {
            return Err(Error::Invalid("Capabilities", "longer than 64 bytes"));
        }
        if buf.remaining() < len {
            return Err(Error::EndOfBuffer);
        }
        let mut bytes = vec![0u8; len];
        buf.copy_to_slice(&mut bytes);
        Ok(Self::new(class, &bytes).expect("length checked"))
    }
}

/// Whether a device is serving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum DeviceStatus {
    /// Registered and allowed to report.
    Active = 0,
    /// Switched off by its owner; its reports are rejected.
    Deactivated = 1,
}

impl Write for DeviceStatus {
    fn write(&self, buf: &mut impl BufMut) {
        (*self as u8).write(buf);
    }
}

impl Read for DeviceStatus {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        match u8::read(buf)? {
            0 => Ok(Self::Active),
            1 => Ok(Self::Deactivated),
            t => Err(Error::InvalidEnum(t)),
        }
    }
}

/// A registered device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device {
    /// The device's key.
    pub id: DeviceId,
    /// Who owns it (receives its rewards, may manage it).
    pub owner: Address,
    /// What it does and can do (attested by its maker).
    pub capabilities: Capabilities,
    /// The maker that attested it.
    pub maker: Address,
    /// Asserted location (resolution 12).
    pub location: H3Cell,
    /// Serving or not.
    pub status: DeviceStatus,
    /// Height of registration.
    pub registered_at: Height,
    /// Epoch of registration.
    pub registered_epoch: Epoch,
    /// How many times the location was re-asserted.
    pub relocations: u32,
    /// Its slot in its owner's device list ([`crate::index`]).
    pub owner_slot: u32,
    /// Its slot in its location cell's device list.
    pub cell_slot: u32,
    /// Its slot in its class's device list.
    pub class_slot: u32,
    /// Session keys count only if authorized under this generation; a transfer bumps it, so
    /// the seller's session keys stop signing for the buyer's device without listing them.
    pub session_generation: u32,
}

impl Device {
    /// The device's class.
    pub const fn class(&self) -> ClassId {
        self.capabilities.class()
    }
}

impl Write for Device {
    fn write(&self, buf: &mut impl BufMut) {
        self.id.write(buf);
        self.owner.write(buf);
        self.capabilities.write(buf);
        self.maker.write(buf);
        self.location.write(buf);
        self.status.write(buf);
        self.registered_at.write(buf);
        self.registered_epoch.write(buf);
        self.relocations.write(buf);
        self.owner_slot.write(buf);
        self.cell_slot.write(buf);
        self.class_slot.write(buf);
        self.session_generation.write(buf);
    }
}

impl EncodeSize for Device {
    fn encode_size(&self) -> usize {
        32 + 32 + self.capabilities.encode_size() + 32 + 8 + 1 + 8 + 8 + 4 + 12 + 4
    }
}

impl Read for Device {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            id: DeviceId::read(buf)?,
            owner: Address::read(buf)?,
            capabilities: Capabilities::read(buf)?,
            maker: Address::read(buf)?,
            location: H3Cell::read(buf)?,
            status: DeviceStatus::read(buf)?,
            registered_at: Height::read(buf)?,
            registered_epoch: Epoch::read(buf)?,
            relocations: u32::read(buf)?,
            owner_slot: u32::read(buf)?,
            cell_slot: u32::read(buf)?,
            class_slot: u32::read(buf)?,
            session_generation: u32::read(buf)?,
        })
    }
}

/// A session key a device authorized to sign its reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionKey {
    /// The device it signs for.
    pub device: DeviceId,
    /// Last height at which its signatures count.
    pub expires_at: Height,
    /// The device's session generation when it was authorized (see
    /// [`Device::session_generation`]).
    pub generation: u32,
}

impl SessionKey {
    /// Whether it signs for `device` at `height` (whether the device itself is active is the
    /// report precheck's concern).
    pub fn live_for(&self, device: &Device, height: Height) -> bool {
        self.device == device.id
            && self.generation == device.session_generation
            && height <= self.expires_at
    }
}

impl Write for SessionKey {
    fn write(&self, buf: &mut impl BufMut) {
        self.device.write(buf);
        self.expires_at.write(buf);
        self.generation.write(buf);
    }
}

impl Read for SessionKey {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            device: DeviceId::read(buf)?,
            expires_at: Height::read(buf)?,
            generation: u32::read(buf)?,
        })
    }
}

impl FixedSize for SessionKey {
    const SIZE: usize = 32 + 8 + 4;
}

/// An approved maker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Maker {
    /// Height since which its attestations are accepted (0 for genesis makers).
    pub approved_at: Height,
}

impl Write for Maker {
    fn write(&self, buf: &mut impl BufMut) {
        self.approved_at.write(buf);
    }
}

impl Read for Maker {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            approved_at: Height::read(buf)?,
        })
    }
}

impl FixedSize for Maker {
    const SIZE: usize = 8;
}

/// Registry totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    /// Devices ever registered.
    pub registered: u64,
    /// Devices currently active.
    pub active: u64,
}

impl Write for Registry {
    fn write(&self, buf: &mut impl BufMut) {
        self.registered.write(buf);
        self.active.write(buf);
    }
}

impl Read for Registry {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            registered: u64::read(buf)?,
            active: u64::read(buf)?,
        })
    }
}

impl FixedSize for Registry {
    const SIZE: usize = 16;
}
