//! The staking parameters: minimum bonds, unbonding, commission bounds.

use crate::types::MAX_UNBONDING;
use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

/// Set at genesis and changed by governance.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakingParams {
    /// The operator's own bond a device needs to earn, in TRN base units (every class
    /// today; a class-set minimum arrives with the classes that need a different one).
    pub min_device_bond: u64,
    /// The operator's own bond a validator needs to earn its emission share.
    pub min_validator_bond: u64,
    /// Epochs between an unstake and the withdrawal of its TRN; the stake stays slashable
    /// throughout.
    pub unbonding_epochs: u64,
    /// The highest commission an operator may set, in basis points.
    pub max_commission_bps: u16,
    /// Epochs before a commission change applies: delegators see it coming and can leave.
    pub commission_delay_epochs: u64,
    /// Unbonding entries one account may have waiting.
    pub max_unbonding_entries: u8,
}

impl Default for StakingParams {
    /// 100 TRN per device, 10,000 TRN per validator, 7 epochs to unbond, commission at most
    /// 50 % with 2 epochs' notice, 16 unbonding entries per account.
    fn default() -> Self {
        Self {
            min_device_bond: 100_000_000,
            min_validator_bond: 10_000_000_000,
            unbonding_epochs: 7,
            max_commission_bps: 5_000,
            commission_delay_epochs: 2,
            max_unbonding_entries: 16,
        }
    }
}

impl StakingParams {
    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.min_device_bond == 0 || self.min_validator_bond == 0 {
            return Err("staking.min_device_bond and min_validator_bond must be at least 1".into());
        }
        if self.unbonding_epochs == 0 {
            return Err("staking.unbonding_epochs must be at least 1: unbonding stake stays slashable for a while".into());
        }
        if self.max_commission_bps > 10_000 {
            return Err("staking.max_commission_bps must be at most 10000".into());
        }
        if self.max_unbonding_entries == 0
            || usize::from(self.max_unbonding_entries) > MAX_UNBONDING
        {
            return Err(format!(
                "staking.max_unbonding_entries must be 1..={MAX_UNBONDING}"
            ));
        }
        Ok(())
    }
}

impl Write for StakingParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.min_device_bond.write(buf);
        self.min_validator_bond.write(buf);
        self.unbonding_epochs.write(buf);
        self.max_commission_bps.write(buf);
        self.commission_delay_epochs.write(buf);
        self.max_unbonding_entries.write(buf);
    }
}

impl Read for StakingParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            min_device_bond: u64::read(buf)?,
            min_validator_bond: u64::read(buf)?,
            unbonding_epochs: u64::read(buf)?,
            max_commission_bps: u16::read(buf)?,
            commission_delay_epochs: u64::read(buf)?,
            max_unbonding_entries: u8::read(buf)?,
        })
    }
}

impl FixedSize for StakingParams {
    const SIZE: usize = 8 + 8 + 8 + 2 + 8 + 1;
}
