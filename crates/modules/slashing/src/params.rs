//! The slashing parameters: what each offence costs, the bounty, the windows.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};

use crate::msg::MAX_EVIDENCE_EPOCHS;

/// Most slashes due at one epoch's close the parameters may allow (bounds the close's work).
pub const MAX_DUE_PER_EPOCH: u32 = 1024;

/// Set at genesis and changed by governance.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlashingParams {
    /// Epochs a slash stays pending (appealable) after the epoch its evidence came in.
    pub appeal_window_epochs: u64,
    /// Epochs after an offence in which evidence of it is accepted.
    pub evidence_max_age_epochs: u64,
    /// The reporter's share of what a slash takes, basis points (the rest is burned).
    pub bounty_bps: u16,
    /// Fraction of the target's stake an equivocation costs, basis points.
    pub equivocation_bps: u16,
    /// Fraction repeated invalid proofs cost, basis points.
    pub invalid_proofs_bps: u16,
    /// Accountable invalid reports in the window that make the offence.
    pub invalid_threshold: u32,
    /// Epochs of the invalid-proofs window.
    pub invalid_window_epochs: u64,
    /// Fraction missed duties cost, basis points.
    pub missed_duty_bps: u16,
    /// Missed epochs in the window that make the offence.
    pub missed_threshold: u32,
    /// Epochs of the missed-duties window.
    pub missed_window_epochs: u64,
    /// Slashes that may come due at one epoch's close.
    pub max_due_per_epoch: u32,
    /// Fraction of a validator's stake conflicting consensus votes cost, basis points; 0
    /// refuses vote evidence (`validator_evidence_disabled`). Off by default: the chain's
    /// threshold votes are not attributable (`docs/spec/staking.md`, "Validator
    /// equivocation"), so evidence can be made against an honest validator.
    #[serde(default)]
    pub validator_equivocation_bps: u16,
}

impl Default for SlashingParams {
    /// Two epochs to appeal, evidence up to 4 epochs old; 10 % bounty; equivocation 5 %,
    /// 20 invalid proofs in 3 epochs 1 %, 3 missed epochs in 4 1 %; 256 slashes per close;
    /// validators are not slashed on vote evidence (0).
    fn default() -> Self {
        Self {
            appeal_window_epochs: 2,
            evidence_max_age_epochs: 4,
            bounty_bps: 1_000,
            equivocation_bps: 500,
            invalid_proofs_bps: 100,
            invalid_threshold: 20,
            invalid_window_epochs: 3,
            missed_duty_bps: 100,
            missed_threshold: 3,
            missed_window_epochs: 4,
            max_due_per_epoch: 256,
            validator_equivocation_bps: 0,
        }
    }
}

impl SlashingParams {
    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.bounty_bps > 10_000 {
            return Err("slashing.bounty_bps must be at most 10000".into());
        }
        for (name, bps) in [
            ("equivocation_bps", self.equivocation_bps),
            ("invalid_proofs_bps", self.invalid_proofs_bps),
            ("missed_duty_bps", self.missed_duty_bps),
        ] {
            if bps == 0 || bps > 5_000 {
                return Err(format!(
                    "slashing.{name} must be 1..=5000 (at most half the stake per slash)"
                ));
            }
        }
        if self.validator_equivocation_bps > 5_000 {
            return Err(
                "slashing.validator_equivocation_bps must be 0..=5000 (0 refuses vote evidence, at most half the stake per slash)"
                    .into(),
            );
        }
        if self.invalid_threshold == 0 || self.missed_threshold == 0 {
            return Err(
                "slashing.invalid_threshold and missed_threshold must be at least 1".into(),
            );
        }
        if self.invalid_window_epochs == 0 || self.evidence_max_age_epochs == 0 {
            return Err(
                "slashing.invalid_window_epochs and evidence_max_age_epochs must be at least 1"
                    .into(),
            );
        }
        let max = MAX_EVIDENCE_EPOCHS as u64;
        if self.missed_window_epochs == 0 || self.missed_window_epochs > max {
            return Err(format!("slashing.missed_window_epochs must be 1..={max}"));
        }
        if u64::from(self.missed_threshold) > self.missed_window_epochs {
            return Err("slashing.missed_threshold must be at most missed_window_epochs".into());
        }
        if self.max_due_per_epoch == 0 || self.max_due_per_epoch > MAX_DUE_PER_EPOCH {
            return Err(format!(
                "slashing.max_due_per_epoch must be 1..={MAX_DUE_PER_EPOCH}"
            ));
        }
        Ok(())
    }

    /// Checks against staking's unbonding period: stake that starts unbonding after an
    /// offence must still be there when the slash executes, so evidence age plus the appeal
    /// window must fit inside it.
    pub fn validate_with_unbonding(&self, unbonding_epochs: u64) -> Result<(), String> {
        let reach = self
            .evidence_max_age_epochs
            .saturating_add(self.appeal_window_epochs);
        if reach >= unbonding_epochs {
            return Err(format!(
                "slashing.evidence_max_age_epochs + appeal_window_epochs ({reach}) must be below staking.unbonding_epochs ({unbonding_epochs}): unbonding stake must still be slashable when a slash executes"
            ));
        }
        Ok(())
    }
}

impl Write for SlashingParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.appeal_window_epochs.write(buf);
        self.evidence_max_age_epochs.write(buf);
        self.bounty_bps.write(buf);
        self.equivocation_bps.write(buf);
        self.invalid_proofs_bps.write(buf);
        self.invalid_threshold.write(buf);
        self.invalid_window_epochs.write(buf);
        self.missed_duty_bps.write(buf);
        self.missed_threshold.write(buf);
        self.missed_window_epochs.write(buf);
        self.max_due_per_epoch.write(buf);
        self.validator_equivocation_bps.write(buf);
    }
}

impl Read for SlashingParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            appeal_window_epochs: u64::read(buf)?,
            evidence_max_age_epochs: u64::read(buf)?,
            bounty_bps: u16::read(buf)?,
            equivocation_bps: u16::read(buf)?,
            invalid_proofs_bps: u16::read(buf)?,
            invalid_threshold: u32::read(buf)?,
            invalid_window_epochs: u64::read(buf)?,
            missed_duty_bps: u16::read(buf)?,
            missed_threshold: u32::read(buf)?,
            missed_window_epochs: u64::read(buf)?,
            max_due_per_epoch: u32::read(buf)?,
            validator_equivocation_bps: u16::read(buf)?,
        })
    }
}

impl FixedSize for SlashingParams {
    const SIZE: usize = 8 + 8 + 2 + 2 + 2 + 4 + 8 + 2 + 4 + 8 + 4 + 2;
}
