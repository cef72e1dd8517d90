//! The credits parameters: what a credit is worth in USD.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

/// Set at genesis and changed by governance. A change reprices new burns only: credits
/// already bought keep their count.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsParams {
    /// The USD value of one credit, in micro-USD (10 = $0.00001, as Helium's data credit).
    pub micro_usd_per_credit: u64,
}

impl Default for CreditsParams {
    /// $0.00001 a credit: 100,000 credits a dollar.
    fn default() -> Self {
        Self {
            micro_usd_per_credit: 10,
        }
    }
}

impl CreditsParams {
    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.micro_usd_per_credit == 0 {
            return Err("credits.micro_usd_per_credit must be at least 1".into());
        }
        Ok(())
    }
}

impl Write for CreditsParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.micro_usd_per_credit.write(buf);
    }
}

impl Read for CreditsParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            micro_usd_per_credit: u64::read(buf)?,
        })
    }
}

impl FixedSize for CreditsParams {
    const SIZE: usize = 8;
}
