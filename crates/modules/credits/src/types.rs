//! The records credits keep: balances, escrows, the ledger, usage.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use core::fmt;
use terrane_primitives::{Address, Amount, Height};

terrane_primitives::quantity!(
    /// A number of data credits. Whole credits only: a credit is the smallest thing a service
    /// charges.
    Credits
);

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} DC", self.0)
    }
}

/// An escrow's id: the ledger's counter at its opening (from 1), so ids are never reused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EscrowId(u64);

impl EscrowId {
    /// Wraps a raw id.
    pub const fn new(id: u64) -> Self {
        Self(id)
    }

    /// The raw id.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for EscrowId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Write for EscrowId {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl Read for EscrowId {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self(u64::read(buf)?))
    }
}

impl FixedSize for EscrowId {
    const SIZE: usize = 8;
}

/// Which kind of service an escrow pays for. Stable forever: a service module takes its id
/// here and is the only code that pays from or releases its escrows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Service(u8);

impl Service {
    /// A coverage data session (`terrane-sessions`): paid per byte by signed receipts.
    pub const DATA_SESSION: Self = Self(1);
    /// A storage deal (planned): paid per piece per proven epoch.
    pub const STORAGE_DEAL: Self = Self(2);
    /// A compute job (planned).
    pub const COMPUTE_JOB: Self = Self(3);
    /// An energy trade (planned).
    pub const ENERGY_TRADE: Self = Self(4);
    /// A sensor-data purchase (planned).
    pub const SENSOR_DATA: Self = Self(5);

    /// Every service id with its name.
    pub const ALL: &'static [(Self, &'static str)] = &[
        (Self::DATA_SESSION, "data_session"),
        (Self::STORAGE_DEAL, "storage_deal"),
        (Self::COMPUTE_JOB, "compute_job"),
        (Self::ENERGY_TRADE, "energy_trade"),
        (Self::SENSOR_DATA, "sensor_data"),
    ];

    /// The raw id.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// The service's name, if the id is one of [`Self::ALL`].
    pub fn name(self) -> Option<&'static str> {
        Self::ALL.iter().find(|(s, _)| *s == self).map(|(_, n)| *n)
    }
}

impl Write for Service {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}

impl Read for Service {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let s = Self(u8::read(buf)?);
        if s.name().is_none() {
            return Err(Error::Invalid("Service", "unknown service id"));
        }
        Ok(s)
    }
}

impl FixedSize for Service {
    const SIZE: usize = 1;
}

/// Credits a payer set aside for one service. Only the service module that opened it pays
/// from it or releases it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escrow {
    /// Who deposited, and who gets the remainder back.
    pub payer: Address,
    /// What it pays for.
    pub service: Service,
    /// Credits deposited.
    pub deposit: Credits,
    /// Credits paid out to providers so far (never above `deposit`).
    pub paid: Credits,
    /// The height that opened it.
    pub opened: Height,
}

impl Escrow {
    /// What is left to pay or refund.
    ///
    /// # Panics
    /// If more was paid than deposited: the escrow is corrupt.
    pub fn remaining(&self) -> Credits {
        self.deposit
            .checked_sub(self.paid)
            .expect("an escrow never pays above its deposit")
    }
}

impl Write for Escrow {
    fn write(&self, buf: &mut impl BufMut) {
        self.payer.write(buf);
        self.service.write(buf);
        self.deposit.write(buf);
        self.paid.write(buf);
        self.opened.write(buf);
    }
}

impl Read for Escrow {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            payer: Address::read(buf)?,
            service: Service::read(buf)?,
            deposit: Credits::read(buf)?,
            paid: Credits::read(buf)?,
            opened: Height::read(buf)?,
        })
    }
}

impl FixedSize for Escrow {
    const SIZE: usize = Address::SIZE + 1 + 8 + 8 + 8;
}

/// Where every credit came from and where it is: `minted == spent + balances + escrowed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreditLedger {
    /// TRN burned for credits since genesis (also counted in the accounts supply's `burned`).
    pub trn_burned: Amount,
    /// Credits minted by burns.
    pub minted: Credits,
    /// Credits paid to providers' usage ledgers.
    pub spent: Credits,
    /// Credits in accounts' balances.
    pub balances: Credits,
    /// Credits in open escrows.
    pub escrowed: Credits,
    /// Escrows ever opened (the last id handed out).
    pub escrows_opened: u64,
    /// Escrows open now.
    pub escrows_open: u64,
}

impl CreditLedger {
    /// Credits bought and not yet spent: in balances or escrows.
    ///
    /// # Panics
    /// On overflow, impossible while the ledger balances (both are parts of `minted`).
    pub fn outstanding(&self) -> Credits {
        self.balances
            .checked_add(self.escrowed)
            .expect("outstanding credits are bounded by minted")
    }
}

impl Write for CreditLedger {
    fn write(&self, buf: &mut impl BufMut) {
        self.trn_burned.write(buf);
        self.minted.write(buf);
        self.spent.write(buf);
        self.balances.write(buf);
        self.escrowed.write(buf);
        self.escrows_opened.write(buf);
        self.escrows_open.write(buf);
    }
}

impl Read for CreditLedger {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            trn_burned: Amount::read(buf)?,
            minted: Credits::read(buf)?,
            spent: Credits::read(buf)?,
            balances: Credits::read(buf)?,
            escrowed: Credits::read(buf)?,
            escrows_opened: u64::read(buf)?,
            escrows_open: u64::read(buf)?,
        })
    }
}

impl FixedSize for CreditLedger {
    const SIZE: usize = 7 * 8;
}

/// One epoch's paid usage, network-wide: what rewards converts to TRN at the epoch's close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EpochUsage {
    /// Credits paid to devices in the epoch.
    pub credits: Credits,
    /// Devices with paid usage in the epoch (the length of its usage list).
    pub devices: u32,
}

impl Write for EpochUsage {
    fn write(&self, buf: &mut impl BufMut) {
        self.credits.write(buf);
        self.devices.write(buf);
    }
}

impl Read for EpochUsage {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            credits: Credits::read(buf)?,
            devices: u32::read(buf)?,
        })
    }
}

impl FixedSize for EpochUsage {
    const SIZE: usize = 12;
}
