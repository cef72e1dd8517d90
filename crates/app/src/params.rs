//! Chain parameters set at genesis (later changed by governance).

use serde::{Deserialize, Serialize};
use terrane_accounts::params::AccountsParams;
use terrane_coverage::params::CoverageParams;
use terrane_credits::params::CreditsParams;
use terrane_devices::params::DevicesParams;
use terrane_maintenance::params::MaintenanceParams;
use terrane_oracle::params::OracleParams;
use terrane_pow::params::PowParams;
use terrane_primitives::Amount;
use terrane_rewards::EmissionParams;
use terrane_sessions::params::SessionsParams;
use terrane_slashing::params::SlashingParams;
use terrane_staking::params::StakingParams;

/// How much a block may hold. Consensus-critical: a block over a limit is invalid.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockLimits {
    /// Most transactions in one block.
    pub max_txs: u32,
    /// Most bytes of transactions in one block (sum of encoded lengths).
    pub max_tx_bytes: u32,
}

impl BlockLimits {
    /// Hard ceiling on `max_txs` any genesis may set (bounds block decoding).
    pub const CEILING_TXS: u32 = 20_000;
    /// Hard ceiling on `max_tx_bytes` any genesis may set.
    pub const CEILING_BYTES: u32 = 8 * 1024 * 1024;

    /// Checks the limits are within the ceilings and can hold at least one transaction.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_txs == 0 || self.max_txs > Self::CEILING_TXS {
            return Err(format!(
                "block.max_txs must be 1..={}, got {}",
                Self::CEILING_TXS,
                self.max_txs
            ));
        }
        let min_bytes = u32::try_from(crate::tx::MAX_TX_BYTES).expect("fits");
        if self.max_tx_bytes < min_bytes || self.max_tx_bytes > Self::CEILING_BYTES {
            return Err(format!(
                "block.max_tx_bytes must be {}..={}, got {}",
                min_bytes,
                Self::CEILING_BYTES,
                self.max_tx_bytes
            ));
        }
        Ok(())
    }
}

impl Default for BlockLimits {
    fn default() -> Self {
        Self {
            max_txs: 10_000,
            max_tx_bytes: 4 * 1024 * 1024,
        }
    }
}

/// All state-machine parameters.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema), schema(as = ModuleParams))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainParams {
    /// Fees.
    #[serde(with = "accounts_params_json")]
    #[cfg_attr(feature = "schema", schema(value_type = crate::genesis::AccountsParamsJson))]
    pub accounts: AccountsParams,
    /// Block limits.
    pub block: BlockLimits,
    /// Device registry fees and limits.
    #[serde(default)]
    pub devices: DevicesParams,
    /// Epochs, duty windows, reputation, bundle limits.
    #[serde(default)]
    pub pow: PowParams,
    /// Coverage verification rules and units.
    #[serde(default)]
    pub coverage: CoverageParams,
    /// Emission schedule, class weights, caps, density scaling.
    #[serde(default)]
    pub rewards: EmissionParams,
    /// Oracle keys and price freshness.
    #[serde(default)]
    pub oracle: OracleParams,
    /// What a data credit is worth.
    #[serde(default)]
    pub credits: CreditsParams,
    /// The price of data and the bounds of a data session.
    #[serde(default)]
    pub sessions: SessionsParams,
    /// Bonds, unbonding and commission of stake behind devices and validators.
    #[serde(default)]
    pub staking: StakingParams,
    /// What each offence costs, the bounty, the evidence and appeal windows.
    #[serde(default)]
    pub slashing: SlashingParams,
    /// Notice and quotas of maintenance windows.
    #[serde(default)]
    pub maintenance: MaintenanceParams,
}

impl ChainParams {
    /// Checks the block limits and every module's parameters.
    pub fn validate(&self) -> Result<(), String> {
        use crate::{module::Module as _, modules::for_each_module};
        self.block.validate()?;
        for_each_module!(M => M::validate_params(M::params(self))?);
        self.slashing
            .validate_with_unbonding(self.staking.unbonding_epochs)?;
        self.maintenance
            .validate_with_evidence_age(self.slashing.evidence_max_age_epochs)?;
        Ok(())
    }
}

mod accounts_params_json {
    use super::*;
    use crate::genesis::AccountsParamsJson;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &AccountsParams, s: S) -> Result<S::Ok, S::Error> {
        AccountsParamsJson {
            base_fee: p.base_fee.get(),
            byte_fee: p.byte_fee.get(),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<AccountsParams, D::Error> {
        let j = AccountsParamsJson::deserialize(d)?;
        Ok(AccountsParams {
            base_fee: Amount::new(j.base_fee),
            byte_fee: Amount::new(j.byte_fee),
        })
    }
}
