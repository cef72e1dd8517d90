//! JSON views of devices, proofs of work, epochs, rewards and cells (`docs/spec/api.md`).
//!
//! Their OpenAPI schemas are derived as in [`crate::types`]; a string that takes one of a few
//! values is a `String` here (the node fills it in) and names its values in its schema.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{
    ToSchema,
    openapi::{Object, ObjectBuilder, schema::Type},
};

/// A string schema taking one of `values`.
fn one_of_strings(values: &[&str], description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .build()
}

fn device_status_schema() -> Object {
    one_of_strings(&["active", "deactivated"], "Registration status.")
}

fn capped_by_schema() -> Object {
    one_of_strings(
        &["none", "device", "cell", "demand"],
        "Which cap lowered the amount, if any (`demand`: its demand cap, rule 2b).",
    )
}

fn proof_side_schema() -> Object {
    one_of_strings(
        &["left", "right"],
        "`left`: the next hash is node(sibling, running); `right`: node(running, sibling).",
    )
}

/// A state record with its proof against the finalized state root at `height`
/// (docs/spec/state.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StateProofView {
    /// Finalized height the proof is against.
    pub height: u64,
    /// State root at `height`; equals that block header's `state_root`.
    #[schema(format = "hex")]
    pub state_root: String,
    /// State key of the record.
    #[schema(format = "hex32")]
    pub key: String,
    /// Encoded record; null if absent.
    #[schema(format = "hex", required = true)]
    pub value: Option<String>,
    /// Encoded QMDB proof: key-value proof if `value` is set, exclusion proof otherwise.
    #[schema(format = "hex")]
    pub proof: String,
}

/// A device's reward ledger. `claimable` = `cumulative` - `claimed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RewardLedgerView {
    /// Everything ever credited, base units.
    pub cumulative: u64,
    /// Everything ever claimed, base units.
    pub claimed: u64,
    /// Everything ever handed to the device's delegators (their stake's share of each
    /// credit, paid through the device's stake pool), base units.
    #[serde(default)]
    pub delegated: u64,
    /// Credited and neither claimed nor delegated, base units.
    pub claimable: u64,
    /// Last epoch that credited it.
    pub last_epoch: u64,
}

/// A registered device, with its record proven.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceView {
    /// Device key (its Ed25519 public key).
    #[schema(format = "hex32")]
    pub id: String,
    /// Owner address.
    #[schema(format = "hex32")]
    pub owner: String,
    /// Resource class.
    pub class: String,
    /// What the maker attested the device can do, as its class names it (coverage:
    /// `antenna_gain_dbi_x10`, `tx_power_dbm_x10` and `band`).
    #[schema(value_type = crate::openapi::Capabilities)]
    pub capabilities: serde_json::Value,
    /// Key of the maker that attested the device.
    #[schema(format = "hex32")]
    pub maker: String,
    /// Asserted H3 cell, resolution 12.
    #[schema(format = "h3-cell")]
    pub location: String,
    /// `active` or `deactivated`.
    #[schema(schema_with = device_status_schema)]
    pub status: String,
    /// Registration height.
    pub registered_at: u64,
    /// Registration epoch.
    pub registered_epoch: u64,
    /// Location re-assertions.
    pub relocations: u32,
    /// First epoch in which the device may be paid for its work, under its class's rules
    /// (coverage: after the cooldown that follows a relocation). Computed from the class's
    /// records, not part of the proven device record.
    pub eligible_from: u64,
    /// Reputation as of the current epoch. Parts per million, 10^6 = 1.
    #[schema(maximum = 1_000_000)]
    pub reputation_ppm: u32,
    /// Valid reports ever.
    pub valid_reports: u64,
    /// Invalid reports ever.
    pub invalid_reports: u64,
    /// Reward ledger.
    pub rewards: RewardLedgerView,
    /// The device record and its proof.
    pub record: StateProofView,
}

/// A device in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceSummaryView {
    /// Device key.
    #[schema(format = "hex32")]
    pub id: String,
    /// Owner address.
    #[schema(format = "hex32")]
    pub owner: String,
    /// Resource class.
    pub class: String,
    /// Asserted H3 cell.
    #[schema(format = "h3-cell")]
    pub location: String,
    /// `active` or `deactivated`.
    #[schema(schema_with = device_status_schema)]
    pub status: String,
}

/// Which devices to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceQuery {
    /// Devices of this owner.
    pub owner: Option<[u8; 32]>,
    /// Devices located in this H3 cell (any resolution).
    pub cell: Option<u64>,
    /// Devices of this class (name).
    pub class: Option<String>,
    /// Most devices returned (1..=1000).
    pub limit: u32,
    /// Where the page starts in the list read (`next_cursor` of the previous page; 0 first).
    pub cursor: u32,
}

/// Devices matching a query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceListView {
    /// The devices, at most `limit`.
    pub devices: Vec<DeviceSummaryView>,
    /// Length of the index list the page was read from: the owner's devices if `owner` was
    /// given, else the devices in the index cells covering `cell`, else the class's devices.
    /// It is the number of matches when that is the only filter (and a `cell` is at the index
    /// resolution, 8); otherwise an upper bound.
    pub total: u32,
    /// The `cursor` of the next page; null once the list has been read to its end.
    #[schema(required = true)]
    pub next_cursor: Option<u32>,
}

/// One judged report of a device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReportOutcomeView {
    /// Report id.
    #[schema(format = "hex32")]
    pub report_id: String,
    /// Height it was judged at.
    pub height: u64,
    /// Its epoch.
    pub epoch: u64,
    /// Report kind, e.g. `beacon` or `witness`.
    pub kind: String,
    /// 0 if valid (or pending), else the reason code; see /v1/outcomes/{code}.
    pub code: u16,
    /// Reason name, `ok` for 0.
    pub name: String,
    /// Work units credited by it.
    pub units: u64,
}

/// A device's recent report outcomes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceOutcomesView {
    /// Device key.
    #[schema(format = "hex32")]
    pub device: String,
    /// Newest first.
    pub outcomes: Vec<ReportOutcomeView>,
}

/// How a device's reward in one epoch was computed, rule by rule (docs/spec/api.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RewardLineView {
    /// The epoch.
    pub epoch: u64,
    /// Pool (class) it was paid from.
    pub class: String,
    /// Work units.
    pub units: u64,
    /// Working devices in its density cell.
    pub cell_devices: u32,
    /// Density scale. Parts per million, 10^6 = 1.
    #[schema(maximum = 1_000_000)]
    pub cell_scale_ppm: u32,
    /// Reputation. Parts per million, 10^6 = 1.
    #[schema(maximum = 1_000_000)]
    pub reputation_ppm: u32,
    /// Vetting progress. Parts per million, 10^6 = 1.
    #[schema(maximum = 1_000_000)]
    pub vetting_ppm: u32,
    /// Whether it could earn (active, not cooling down).
    pub eligible: bool,
    /// The most demand backing let it take, base units: its free share of the pool plus what
    /// paid usage in its reach backs (0: its pool is not demand-backed).
    pub demand_cap: u64,
    /// Demand backing's factor, parts per million: below 10^6 when its demand cap held it
    /// below its unit share.
    #[schema(maximum = 1_000_000)]
    pub backing_ppm: u32,
    /// units × cell_scale_ppm × reputation_ppm × vetting_ppm × backing_ppm / 10^6: a u128 as a
    /// decimal string (units in 10^-18).
    #[schema(format = "decimal")]
    pub scaled_units: String,
    /// Pro-rata amount before caps, base units.
    pub uncapped: u64,
    /// `none`, `device`, `cell` or `demand`.
    #[schema(schema_with = capped_by_schema)]
    pub capped_by: String,
    /// Subsidy credited from its class's pool, base units.
    pub amount: u64,
    /// Credits consumers paid it that this close settled (usage).
    pub usage_credits: u64,
    /// Their face value at the close's oracle price, base units.
    pub usage_face: u64,
    /// Paid for its usage, base units (face value less the network's fee, pro rata if usage
    /// exceeded its share of the emission).
    pub usage_paid: u64,
    /// Everything the line credits: `amount + usage_paid`.
    pub total: u64,
    /// Position in the epoch's reward list; null if not rewarded.
    #[schema(required = true)]
    pub leaf_index: Option<u32>,
}

/// A device's reward ledger and recent per-epoch breakdowns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceRewardsView {
    /// Device key.
    #[schema(format = "hex32")]
    pub device: String,
    /// Ledger.
    pub ledger: RewardLedgerView,
    /// Breakdowns of the most recent closed epochs it has a line in, newest first.
    pub lines: Vec<RewardLineView>,
}

/// One step of a Merkle path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProofStepView {
    /// Sibling hash.
    #[schema(format = "hex32")]
    pub sibling: String,
    /// `left` if the sibling is the left child.
    #[schema(schema_with = proof_side_schema)]
    pub side: String,
}

/// A device's reward line in an epoch, proven: leaf → `path` → `reward_root` (Merkle), and
/// the epoch summary holding `reward_root` → state root (`summary`, QMDB).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RewardProofView {
    /// The epoch.
    pub epoch: u64,
    /// Device key.
    #[schema(format = "hex32")]
    pub device: String,
    /// The line.
    pub line: RewardLineView,
    /// The 134-byte leaf data of the line (docs/spec/api.md); its leaf hash is
    /// SHA-256(0x00 ‖ leaf).
    #[schema(format = "hex")]
    pub leaf: String,
    /// Merkle path from the leaf hash to `reward_root`, leaf level first.
    pub path: Vec<ProofStepView>,
    /// The epoch's reward root.
    #[schema(format = "hex32")]
    pub reward_root: String,
    /// The epoch summary record (which contains the root) and its state proof.
    pub summary: StateProofView,
}

/// What closing an epoch decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EpochSummaryView {
    /// Emission, base units.
    pub emission: u64,
    /// Pool of each class, base units.
    pub pools: BTreeMap<String, u64>,
    /// Distributed to devices per class, base units.
    pub distributed: BTreeMap<String, u64>,
    /// Rounding dust minted to the treasury, base units.
    pub dust: u64,
    /// Not issued (caps, classes without work), base units.
    pub not_issued: u64,
    /// Merkle root of the reward list.
    #[schema(format = "hex32")]
    pub reward_root: String,
    /// Devices with a reward line.
    pub devices: u32,
    /// Devices rewarded a non-zero amount.
    pub rewarded: u32,
    /// Height of the block that closed it.
    pub closed_at: u64,
    /// Burn-and-mint: the re-mint, paid usage and the subsidy bound (`docs/spec/economy.md`).
    pub economy: EconomyView,
    /// The validators' share of the schedule, paid to bonded validators by stake (the
    /// treasury takes it when none is bonded), base units.
    #[serde(default)]
    pub validators: u64,
}

/// What the burn-and-mint rules decided for a closed epoch; amounts in base units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EconomyView {
    /// The emission schedule's part of `emission` left after the validators' share.
    pub base_emission: u64,
    /// TRN burned for credits re-minted into this epoch's emission.
    pub reminted: u64,
    /// The oracle price usage was converted at, micro-USD per TRN; 0 when the close had no
    /// fresh price and deferred usage to the next close.
    pub price: u64,
    /// Credits of usage settled in this close.
    pub usage_credits: u64,
    /// Their face value.
    pub usage_face: u64,
    /// The network's fee on usage: never minted.
    pub usage_fee: u64,
    /// Most of the emission usage could take.
    pub usage_cap: u64,
    /// Paid to devices for usage.
    pub usage_paid: u64,
    /// Pro-rata rounding, to the treasury.
    pub usage_dust: u64,
    /// Usage above the cap: not paid.
    pub usage_cut: u64,
    /// The subsidy floor this epoch (decays to zero).
    pub subsidy_floor: u64,
    /// The subsidy bound: paid usage × factor + floor.
    pub subsidy_bound: u64,
    /// The subsidy split into the class pools.
    pub subsidy: u64,
    /// Emission the bound left unissued.
    pub bound_not_issued: u64,
}

/// Which epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochId {
    /// The epoch of the latest finalized block.
    Current,
    /// A numbered epoch.
    Number(u64),
}

/// A reward epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EpochView {
    /// Its number.
    pub epoch: u64,
    /// First height.
    pub start_height: u64,
    /// Last height, inclusive.
    pub end_height: u64,
    /// Randomness that schedules its duty windows.
    #[schema(format = "hex")]
    pub randomness: String,
    /// Devices with work so far.
    pub workers: u32,
    /// Duty windows per epoch.
    pub windows: u32,
    /// Whether it has closed.
    pub closed: bool,
    /// Its summary, once closed; null before.
    #[schema(required = true)]
    pub summary: Option<EpochSummaryView>,
}

/// An H3 cell: the devices located in it and its density scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CellView {
    /// The cell asked for.
    #[schema(format = "h3-cell")]
    pub cell: String,
    /// Its H3 resolution.
    #[schema(maximum = 15)]
    pub resolution: u8,
    /// Devices located in it: at most 1000, the first found in the index.
    #[schema(max_items = 1000)]
    pub devices: Vec<DeviceSummaryView>,
    /// `true` when the cell may hold more devices than `devices` lists (page through them
    /// with `GET /v1/devices?cell=…` and its cursor).
    pub truncated: bool,
    /// The cell at the density resolution containing it, or itself if it is coarser.
    #[schema(format = "h3-cell")]
    pub density_cell: String,
    /// The current epoch.
    pub epoch: u64,
    /// Devices credited work in the density cell so far this epoch, all classes (coverage
    /// devices are credited only when the epoch closes).
    pub working_devices: u32,
    /// How the last closed epoch's reward split counted and scaled this density cell, per
    /// class, as recorded in the reward lines of its devices (`None` before any close, if
    /// none of its devices had a line, or if the cell is coarser than the density resolution).
    #[schema(required = true)]
    pub last_closed: Option<CellDensityView>,
}

/// How the last closed epoch's reward split counted and scaled a density cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CellDensityView {
    /// The closed epoch.
    pub epoch: u64,
    /// One entry per class with a reward line in the cell, in class order.
    pub classes: Vec<CellClassDensityView>,
}

/// One class's density figures in a cell, exactly as the split used them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CellClassDensityView {
    /// Class name.
    pub class: String,
    /// Eligible devices of this class with work in the cell.
    pub cell_devices: u32,
    /// The density scale each of them got. Parts per million, 10^6 = 1.
    #[schema(maximum = 1_000_000)]
    pub cell_scale_ppm: u32,
}
