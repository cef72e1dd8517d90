//! The sessions parameters: the price of data and the bounds of a session.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

/// Set at genesis and changed by governance; a change applies to sessions opened after it.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsParams {
    /// Bytes of traffic one credit buys (24, as Helium: $0.00001 per 24 bytes, ≈ $0.42/MB).
    pub bytes_per_credit: u32,
    /// The smallest deposit a session may open with, in credits (keeps dust sessions, each a
    /// state record, from being free).
    pub min_deposit: u64,
    /// The longest a session may run, in blocks.
    pub max_duration_blocks: u64,
    /// Blocks after a session's expiry during which its last receipts are still paid and its
    /// payer may not yet close it (the hotspot's time to submit).
    pub settle_grace_blocks: u64,
    /// Most sessions one payer may have open.
    pub max_open_per_payer: u32,
}

impl Default for SessionsParams {
    fn default() -> Self {
        Self {
            bytes_per_credit: 24,
            min_deposit: 1_000,
            max_duration_blocks: 100_000,
            settle_grace_blocks: 100,
            max_open_per_payer: 64,
        }
    }
}

impl SessionsParams {
    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.bytes_per_credit == 0 {
            return Err("sessions.bytes_per_credit must be at least 1".into());
        }
        if self.min_deposit == 0 {
            return Err("sessions.min_deposit must be at least 1".into());
        }
        if self.max_duration_blocks == 0 {
            return Err("sessions.max_duration_blocks must be at least 1".into());
        }
        if self.max_open_per_payer == 0 {
            return Err("sessions.max_open_per_payer must be at least 1".into());
        }
        Ok(())
    }
}

impl Write for SessionsParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.bytes_per_credit.write(buf);
        self.min_deposit.write(buf);
        self.max_duration_blocks.write(buf);
        self.settle_grace_blocks.write(buf);
        self.max_open_per_payer.write(buf);
    }
}

impl Read for SessionsParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            bytes_per_credit: u32::read(buf)?,
            min_deposit: u64::read(buf)?,
            max_duration_blocks: u64::read(buf)?,
            settle_grace_blocks: u64::read(buf)?,
            max_open_per_payer: u32::read(buf)?,
        })
    }
}

impl FixedSize for SessionsParams {
    const SIZE: usize = 4 + 8 + 8 + 8 + 4;
}
