//! The oracle parameters: who may report and what counts as fresh. They live in state in the
//! canonical encoding below, so governance changes are provable.

use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};
use terrane_primitives::Address;

/// Most oracle keys the parameters may list (bounds decoding and the median's work).
pub const MAX_ORACLES: usize = 32;

/// Oracle keys and freshness rules, set at genesis and changed by governance.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OracleParams {
    /// The oracle keys, hex addresses, at most [`MAX_ORACLES`], each once.
    pub oracles: Vec<String>,
    /// Oldest a report may be and still count, ms before the block's time.
    pub max_report_age_ms: u64,
    /// Furthest ahead of the block's time a report's timestamp may be, ms (clock skew).
    pub max_future_skew_ms: u64,
    /// Fewest fresh reports the chain takes a price from.
    pub min_fresh_reports: u32,
}

impl Default for OracleParams {
    /// No oracle: the chain has no price until genesis lists some. Ten-minute freshness (a
    /// price source updating every minute survives nine missed updates), 30 s of clock skew,
    /// one report (a devnet runs one oracle; a public network should ask for a majority).
    fn default() -> Self {
        Self {
            oracles: Vec::new(),
            max_report_age_ms: 600_000,
            max_future_skew_ms: 30_000,
            min_fresh_reports: 1,
        }
    }
}

impl OracleParams {
    /// The oracle keys.
    ///
    /// # Errors
    /// The first entry that is not a 32-byte hex key.
    pub fn oracle_keys(&self) -> Result<Vec<Address>, String> {
        self.oracles
            .iter()
            .map(|hex| {
                terrane_primitives::hex::decode(hex)
                    .and_then(|b| Address::from_slice(&b).ok())
                    .ok_or_else(|| format!("oracle.oracles: {hex:?} is not a 32-byte hex key"))
            })
            .collect()
    }

    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.oracles.len() > MAX_ORACLES {
            return Err(format!(
                "oracle.oracles lists {} keys, at most {MAX_ORACLES} are allowed",
                self.oracles.len()
            ));
        }
        let mut keys = self.oracle_keys()?;
        keys.sort();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err("oracle.oracles lists a key twice".into());
        }
        if self.min_fresh_reports == 0 {
            return Err("oracle.min_fresh_reports must be at least 1".into());
        }
        if self.max_report_age_ms == 0 {
            return Err("oracle.max_report_age_ms must be at least 1".into());
        }
        Ok(())
    }
}

impl Write for OracleParams {
    fn write(&self, buf: &mut impl BufMut) {
        let keys = self.oracle_keys().expect("validated parameters");
        u8::try_from(keys.len())
            .expect("validated: at most 32 oracles")
            .write(buf);
        for k in &keys {
            k.write(buf);
        }
        self.max_report_age_ms.write(buf);
        self.max_future_skew_ms.write(buf);
        self.min_fresh_reports.write(buf);
    }
}

impl EncodeSize for OracleParams {
    fn encode_size(&self) -> usize {
        1 + 32 * self.oracles.len() + 8 + 8 + 4
    }
}

impl Read for OracleParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let n = usize::from(u8::read(buf)?);
        if n > MAX_ORACLES {
            return Err(Error::Invalid("OracleParams", "more than 32 oracles"));
        }
        let oracles = (0..n)
            .map(|_| Address::read(buf).map(|a| a.to_string()))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            oracles,
            max_report_age_ms: u64::read(buf)?,
            max_future_skew_ms: u64::read(buf)?,
            min_fresh_reports: u32::read(buf)?,
        })
    }
}
