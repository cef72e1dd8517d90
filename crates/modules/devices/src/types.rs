//! Device records and their parts.

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, FixedSize, Read, ReadExt, Write};
use terrane_geo::H3Cell;
use terrane_primitives::{Address, DeviceId, Epoch, Height};

/// What kind of physical work a device does. The tag is stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum ResourceClass {
    /// Wireless hotspots proving radio coverage.
    Coverage = 0,
    /// Storage servers.
    Storage = 1,
    /// Compute nodes.
    Compute = 2,
    /// Energy meters and batteries.
    Energy = 3,
    /// Sensing stations.
    Sensing = 4,
}

impl ResourceClass {
    /// Every class, in tag order.
    pub const ALL: [Self; 5] = [
        Self::Coverage,
        Self::Storage,
        Self::Compute,
        Self::Energy,
        Self::Sensing,
    ];

    /// The stable name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Coverage => "coverage",
            Self::Storage => "storage",
            Self::Compute => "compute",
            Self::Energy => "energy",
            Self::Sensing => "sensing",
        }
    }

    /// The stable tag in device records and reports.
    pub const fn tag(self) -> u8 {
        self as u8
    }

    /// The class with `tag`.
    pub fn from_tag(tag: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| *c as u8 == tag)
    }

    /// The class named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl Write for ResourceClass {
    fn write(&self, buf: &mut impl BufMut) {
        (*self as u8).write(buf);
    }
}

impl Read for ResourceClass {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let tag = u8::read(buf)?;
        Self::from_tag(tag).ok_or(Error::InvalidEnum(tag))
    }
}

impl FixedSize for ResourceClass {
    const SIZE: usize = 1;
}

/// A radio band a coverage device transmits in. The tag is stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Band {
    /// EU 863-870 MHz.
    Eu868 = 0,
    /// US 902-928 MHz.
    Us915 = 1,
    /// AS 920-923 MHz.
    As923 = 2,
    /// 2.4 GHz ISM, 2400-2483.5 MHz.
    Ism2400 = 3,
}

impl Band {
    /// Every band, in tag order.
    pub const ALL: [Self; 4] = [Self::Eu868, Self::Us915, Self::As923, Self::Ism2400];

    /// The band's frequency range in kHz, inclusive.
    pub const fn range_khz(self) -> (u32, u32) {
        match self {
            Self::Eu868 => (863_000, 870_000),
            Self::Us915 => (902_000, 928_000),
            Self::As923 => (920_000, 923_000),
            Self::Ism2400 => (2_400_000, 2_483_500),
        }
    }

    /// Whether `freq_khz` is inside the band.
    pub const fn contains(self, freq_khz: u32) -> bool {
        let (lo, hi) = self.range_khz();
        freq_khz >= lo && freq_khz <= hi
    }

    /// The stable name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Eu868 => "eu868",
            Self::Us915 => "us915",
            Self::As923 => "as923",
            Self::Ism2400 => "ism2400",
        }
    }

    /// The band named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }
}

impl Write for Band {
    fn write(&self, buf: &mut impl BufMut) {
        (*self as u8).write(buf);
    }
}

impl Read for Band {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let tag = u8::read(buf)?;
        Self::ALL
            .into_iter()
            .find(|b| *b as u8 == tag)
            .ok_or(Error::InvalidEnum(tag))
    }
}

/// What a device can do, per class (fixed-point units, named with the unit last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capabilities {
    /// Tag 0: a radio hotspot.
    Coverage {
        /// Antenna gain in tenths of dBi.
        antenna_gain_dbi_x10: i16,
        /// Transmit power (conducted) in tenths of dBm.
        tx_power_dbm_x10: i16,
        /// Band it transmits in.
        band: Band,
    },
    /// Tag 1: a storage server.
    Storage {
        /// Capacity offered, GiB.
        capacity_gib: u32,
    },
    /// Tag 2: a compute node.
    Compute {
        /// CPU cores.
        cpu_cores: u16,
        /// GPUs.
        gpus: u16,
        /// Memory, GiB.
        memory_gib: u32,
    },
    /// Tag 3: an energy meter or battery.
    Energy {
        /// Rated capacity (peak generation or discharge), watts.
        rated_capacity_w: u32,
        /// Storage capacity, watt-hours (0 for a meter without a battery).
        storage_wh: u32,
    },
    /// Tag 4: a sensing station.
    Sensing {
        /// Bitmask of sensor kinds (bit 0 temperature, 1 humidity, 2 pressure, 3 wind,
        /// 4 rain, 5 air quality; [`KNOWN_SENSORS`]). Other bits are refused so they stay
        /// free for future kinds.
        sensors: u16,
    },
}

/// The sensor bits the chain knows (bits 0-5).
pub const KNOWN_SENSORS: u16 = 0b11_1111;

impl Capabilities {
    /// The class these capabilities belong to.
    pub const fn class(&self) -> ResourceClass {
        match self {
            Self::Coverage { .. } => ResourceClass::Coverage,
            Self::Storage { .. } => ResourceClass::Storage,
            Self::Compute { .. } => ResourceClass::Compute,
            Self::Energy { .. } => ResourceClass::Energy,
            Self::Sensing { .. } => ResourceClass::Sensing,
        }
    }
}

impl Write for Capabilities {
    fn write(&self, buf: &mut impl BufMut) {
        (self.class() as u8).write(buf);
        match self {
            Self::Coverage {
                antenna_gain_dbi_x10,
                tx_power_dbm_x10,
                band,
            } => {
                antenna_gain_dbi_x10.write(buf);
                tx_power_dbm_x10.write(buf);
                band.write(buf);
            }
            Self::Storage { capacity_gib } => capacity_gib.write(buf),
            Self::Compute {
                cpu_cores,
                gpus,
                memory_gib,
            } => {
                cpu_cores.write(buf);
                gpus.write(buf);
                memory_gib.write(buf);
            }
            Self::Energy {
                rated_capacity_w,
                storage_wh,
            } => {
                rated_capacity_w.write(buf);
                storage_wh.write(buf);
            }
            Self::Sensing { sensors } => sensors.write(buf),
        }
    }
}

impl EncodeSize for Capabilities {
    fn encode_size(&self) -> usize {
        1 + match self {
            Self::Coverage { .. } => 2 + 2 + 1,
            Self::Storage { .. } => 4,
            Self::Compute { .. } => 2 + 2 + 4,
            Self::Energy { .. } => 4 + 4,
            Self::Sensing { .. } => 2,
        }
    }
}

impl Read for Capabilities {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let tag = u8::read(buf)?;
        match ResourceClass::from_tag(tag).ok_or(Error::InvalidEnum(tag))? {
            ResourceClass::Coverage => Ok(Self::Coverage {
                antenna_gain_dbi_x10: i16::read(buf)?,
                tx_power_dbm_x10: i16::read(buf)?,
                band: Band::read(buf)?,
            }),
            ResourceClass::Storage => Ok(Self::Storage {
                capacity_gib: u32::read(buf)?,
            }),
            ResourceClass::Compute => Ok(Self::Compute {
                cpu_cores: u16::read(buf)?,
                gpus: u16::read(buf)?,
                memory_gib: u32::read(buf)?,
            }),
            ResourceClass::Energy => Ok(Self::Energy {
                rated_capacity_w: u32::read(buf)?,
                storage_wh: u32::read(buf)?,
            }),
            ResourceClass::Sensing => Ok(Self::Sensing {
                sensors: u16::read(buf)?,
            }),
        }
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
    /// First epoch in which the device may earn coverage rewards (after a relocation
    /// cooldown).
    pub coverage_eligible_from: Epoch,
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
    pub const fn class(&self) -> ResourceClass {
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
        self.coverage_eligible_from.write(buf);
        self.owner_slot.write(buf);
        self.cell_slot.write(buf);
        self.class_slot.write(buf);
        self.session_generation.write(buf);
    }
}

impl EncodeSize for Device {
    fn encode_size(&self) -> usize {
        32 + 32 + self.capabilities.encode_size() + 32 + 8 + 1 + 8 + 8 + 4 + 8 + 12 + 4
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
            coverage_eligible_from: Epoch::read(buf)?,
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
