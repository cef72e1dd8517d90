//! The rewards parameters: emission schedule, class weights, caps, density and vetting. They
//! live in state in the canonical encoding below, so governance changes are provable.

use crate::{emission::BPS_ONE, split::SplitParams};
use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};
use terrane_primitives::ClassId;

/// Most class pools the parameters may list (bounds decoding and the epoch summary).
pub const MAX_CLASS_POOLS: usize = 32;

/// One resource class's pool: its share of the emission and its caps.
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPool {
    /// The class whose devices the pool pays (a class the chain does not run yet may hold a
    /// pool: with no work, it is not issued).
    pub class: ClassId,
    /// Share of each epoch's emission, basis points.
    pub weight_bps: u16,
    /// Most the pool may issue per epoch, base units (0 = no cap); the excess is not issued.
    pub cap_per_epoch: u64,
    /// Most the devices of one density cell may earn from the pool per epoch, base units
    /// (0 = no cap).
    pub cap_per_cell: u64,
    /// Demand backing, basis points of the pool (0 = off): a device may take at most
    /// `(10_000 − backed_bps)` bps of its plain unit share without customers, plus what the
    /// paid usage within its reach backs (`docs/spec/rewards.md`, rule 2b). The share others
    /// cannot back goes to the devices whose demand can, or is not issued.
    #[serde(default)]
    pub backed_bps: u16,
}

impl Write for ClassPool {
    fn write(&self, buf: &mut impl BufMut) {
        self.class.write(buf);
        self.weight_bps.write(buf);
        self.cap_per_epoch.write(buf);
        self.cap_per_cell.write(buf);
        self.backed_bps.write(buf);
    }
}

impl Read for ClassPool {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            class: ClassId::read(buf)?,
            weight_bps: u16::read(buf)?,
            cap_per_epoch: u64::read(buf)?,
            cap_per_cell: u64::read(buf)?,
            backed_bps: u16::read(buf)?,
        })
    }
}

impl FixedSize for ClassPool {
    const SIZE: usize = 1 + 2 + 8 + 8 + 2;
}

/// Token emission and reward-split parameters, set at genesis and changed by governance.
///
/// All amounts are base units (10^-6 TRN). A cap of 0 means "no cap".
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmissionParams {
    /// Emission of epoch 0, base units.
    pub initial_per_epoch: u64,
    /// Epochs between halvings of the emission.
    pub halving_epochs: u64,
    /// The class pools, in ascending class id, at most [`MAX_CLASS_POOLS`]; the weights sum
    /// to at most 10_000 bps and the unassigned rest goes to the treasury.
    pub classes: Vec<ClassPool>,
    /// Most one device may earn from one class pool per epoch, base units (0 = no cap).
    pub device_cap_per_epoch: u64,
    /// Devices a density cell may hold before their shares are scaled down.
    pub target_devices_per_cell: u32,
    /// Valid reports a new device needs before it earns its full share.
    pub vetting_valid_reports: u32,
    /// Burn-and-mint: usage before subsidy, the subsidy bound, net emissions
    /// (`docs/spec/economy.md`).
    #[serde(default)]
    pub economy: crate::economy::EconomyParams,
    /// The validators' share of each epoch's scheduled emission, basis points, taken before
    /// usage and subsidies and paid by stake to bonded validators (`docs/spec/staking.md`).
    #[serde(default = "default_validator_share_bps")]
    pub validator_share_bps: u16,
}

/// 5 % of the schedule to the validators that secure the chain, whatever the demand.
fn default_validator_share_bps() -> u16 {
    500
}

/// At most half the schedule goes to validators: the network pays for devices' work first.
pub const MAX_VALIDATOR_SHARE_BPS: u16 = 5_000;

impl Default for EmissionParams {
    /// Devnet values: 10_000 TRN per epoch halving every 1_000 epochs (visible within a devnet
    /// session at 400-block epochs); coverage (class 0) a small capped subsidy, and pools kept
    /// for the storage, compute, energy and sensing classes (ids 1-4) that are not issued until
    /// those classes run; WeatherXM-like density of 10 devices per resolution-8 cell (about
    /// 0.7 km²). Coverage is demand-backed at 98 %: a hotspot no customer pays, directly or
    /// through the hotspots it hears and is heard by, earns at most 2 % of its unit share.
    fn default() -> Self {
        let pool = |class, weight_bps| ClassPool {
            class: ClassId::new(class),
            weight_bps,
            cap_per_epoch: 0,
            cap_per_cell: 0,
            backed_bps: 0,
        };
        Self {
            initial_per_epoch: 10_000_000_000,
            halving_epochs: 1_000,
            classes: vec![
                ClassPool {
                    cap_per_epoch: 800_000_000,
                    cap_per_cell: 20_000_000,
                    backed_bps: 9_800,
                    ..pool(0, 1_000)
                },
                pool(1, 3_000),
                pool(2, 2_500),
                pool(3, 2_000),
                pool(4, 1_500),
            ],
            device_cap_per_epoch: 100_000_000,
            target_devices_per_cell: 10,
            vetting_valid_reports: 10,
            economy: crate::economy::EconomyParams::default(),
            validator_share_bps: default_validator_share_bps(),
        }
    }
}

impl EmissionParams {
    /// Checks the parameters are usable; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if self.halving_epochs == 0 {
            return Err("rewards.halving_epochs must be at least 1".into());
        }
        if self.classes.len() > MAX_CLASS_POOLS {
            return Err(format!(
                "rewards.classes lists {} pools, at most {MAX_CLASS_POOLS} are allowed",
                self.classes.len()
            ));
        }
        if self.classes.windows(2).any(|w| w[0].class >= w[1].class) {
            return Err("rewards.classes must be in ascending class id, each id once".into());
        }
        let weights: u32 = self.classes.iter().map(|c| u32::from(c.weight_bps)).sum();
        if weights > u32::from(BPS_ONE) {
            return Err(format!(
                "rewards.classes weight_bps must sum to at most 10000, got {weights}"
            ));
        }
        if let Some(c) = self.classes.iter().find(|c| c.backed_bps > BPS_ONE) {
            return Err(format!(
                "rewards.classes[{}].backed_bps must be at most 10000, got {}",
                c.class, c.backed_bps
            ));
        }
        if self.target_devices_per_cell == 0 {
            return Err("rewards.target_devices_per_cell must be at least 1".into());
        }
        self.economy.validate()?;
        if self.validator_share_bps > MAX_VALIDATOR_SHARE_BPS {
            return Err(format!(
                "rewards.validator_share_bps must be at most {MAX_VALIDATOR_SHARE_BPS}, got {}",
                self.validator_share_bps
            ));
        }
        Ok(())
    }

    /// The pool of `class`, if the parameters list one.
    pub fn pool(&self, class: ClassId) -> Option<&ClassPool> {
        self.classes.iter().find(|c| c.class == class)
    }

    /// The split rules for the pool of `class`: every class gets the density target and the
    /// device cap, and its own per-cell cap (none for a class without a pool).
    pub fn split_params(&self, class: ClassId) -> SplitParams {
        SplitParams {
            target_devices_per_cell: self.target_devices_per_cell,
            cell_cap: self.pool(class).map_or(0, |p| p.cap_per_cell),
            device_cap: self.device_cap_per_epoch,
            backed_bps: self.pool(class).map_or(0, |p| p.backed_bps),
        }
    }
}

impl Write for EmissionParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.initial_per_epoch.write(buf);
        self.halving_epochs.write(buf);
        u8::try_from(self.classes.len())
            .expect("validated: at most 32 pools")
            .write(buf);
        for c in &self.classes {
            c.write(buf);
        }
        self.device_cap_per_epoch.write(buf);
        self.target_devices_per_cell.write(buf);
        self.vetting_valid_reports.write(buf);
        self.economy.write(buf);
        self.validator_share_bps.write(buf);
    }
}

impl EncodeSize for EmissionParams {
    fn encode_size(&self) -> usize {
        8 + 8
            + 1
            + ClassPool::SIZE * self.classes.len()
            + 8
            + 4
            + 4
            + crate::economy::EconomyParams::SIZE
            + 2
    }
}

impl Read for EmissionParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        let initial_per_epoch = u64::read(buf)?;
        let halving_epochs = u64::read(buf)?;
        let n = usize::from(u8::read(buf)?);
        if n > MAX_CLASS_POOLS {
            return Err(Error::Invalid("EmissionParams", "more than 32 class pools"));
        }
        let classes = (0..n)
            .map(|_| ClassPool::read(buf))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            initial_per_epoch,
            halving_epochs,
            classes,
            device_cap_per_epoch: u64::read(buf)?,
            target_devices_per_cell: u32::read(buf)?,
            vetting_valid_reports: u32::read(buf)?,
            economy: crate::economy::EconomyParams::read(buf)?,
            validator_share_bps: u16::read(buf)?,
        })
    }
}
