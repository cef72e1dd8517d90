//! JSON views of devices, proofs of work, epochs, rewards and cells (`docs/spec/api.md`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A state value with its proof against the finalized state root at `height`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateProofView {
    /// Finalized height the proof is against.
    pub height: u64,
    /// Hex state root at that height.
    pub state_root: String,
    /// Hex 32-byte state key.
    pub key: String,
    /// Hex encoded record, `None` if absent.
    pub value: Option<String>,
    /// Hex encoded QMDB proof (inclusion if `value` is set, exclusion otherwise).
    pub proof: String,
}

/// A device's reward ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardLedgerView {
    /// Everything ever credited, base units.
    pub cumulative: u64,
    /// Everything ever claimed, base units.
    pub claimed: u64,
    /// Credited and not yet claimed, base units.
    pub claimable: u64,
    /// Last epoch that credited it.
    pub last_epoch: u64,
}

/// A registered device, with its record proven.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    /// Hex device key.
    pub id: String,
    /// Hex owner address.
    pub owner: String,
    /// Resource class name.
    pub class: String,
    /// Class-specific capabilities (e.g. coverage: antenna_gain_dbi_x10, tx_power_dbm_x10, band).
    pub capabilities: serde_json::Value,
    /// Hex maker key.
    pub maker: String,
    /// Asserted H3 cell (resolution 12), 15 hex characters.
    pub location: String,
    /// `active` or `deactivated`.
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
    /// Reputation, parts per million, as of the current epoch.
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSummaryView {
    /// Hex device key.
    pub id: String,
    /// Hex owner.
    pub owner: String,
    /// Class name.
    pub class: String,
    /// H3 cell.
    pub location: String,
    /// `active` or `deactivated`.
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

/// A list of devices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceListView {
    /// The devices.
    pub devices: Vec<DeviceSummaryView>,
    /// Length of the index list the page was read from: the owner's devices if `owner` was
    /// given, else the devices in the index cells covering `cell`, else the class's devices.
    /// It is the number of matches when that is the only filter (and a `cell` is at the index
    /// resolution, 8); otherwise an upper bound.
    pub total: u32,
    /// Pass as `cursor` for the next page; `None` when the list has been read to its end.
    pub next_cursor: Option<u32>,
}

/// One judged report of a device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOutcomeView {
    /// Hex report id.
    pub report_id: String,
    /// Height it was judged at.
    pub height: u64,
    /// Its epoch.
    pub epoch: u64,
    /// Report kind name (e.g. `beacon`, `witness`).
    pub kind: String,
    /// 0 valid (or pending), else the reason code.
    pub code: u16,
    /// Reason name (`ok` for 0).
    pub name: String,
    /// Work units credited by it.
    pub units: u64,
}

/// A device's recent outcomes, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceOutcomesView {
    /// Hex device key.
    pub device: String,
    /// Outcomes, newest first.
    pub outcomes: Vec<ReportOutcomeView>,
}

/// How a device's reward in one epoch was computed, rule by rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardLineView {
    /// The epoch.
    pub epoch: u64,
    /// Pool (class) it was paid from.
    pub class: String,
    /// Work units.
    pub units: u64,
    /// Working devices in its density cell.
    pub cell_devices: u32,
    /// Density scale, ppm.
    pub cell_scale_ppm: u32,
    /// Reputation, ppm.
    pub reputation_ppm: u32,
    /// Vetting progress, ppm.
    pub vetting_ppm: u32,
    /// Whether it could earn (active, not cooling down).
    pub eligible: bool,
    /// Scaled units (decimal string: a u128 in 10^-18 units).
    pub scaled_units: String,
    /// Pro-rata amount before caps, base units.
    pub uncapped: u64,
    /// `none`, `device` or `cell`.
    pub capped_by: String,
    /// Amount credited, base units.
    pub amount: u64,
    /// Position in the epoch's reward list, if rewarded.
    pub leaf_index: Option<u32>,
}

/// A device's rewards: ledger and recent per-epoch breakdowns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRewardsView {
    /// Hex device key.
    pub device: String,
    /// Ledger.
    pub ledger: RewardLedgerView,
    /// Breakdowns of the most recent closed epochs it has a line in, newest first.
    pub lines: Vec<RewardLineView>,
}

/// One step of a Merkle proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofStepView {
    /// Hex sibling hash.
    pub sibling: String,
    /// `left` if the sibling is the left child.
    pub side: String,
}

/// A device's reward line in an epoch, proven: leaf → reward root (Merkle), and the epoch
/// summary holding the root → state root (QMDB).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardProofView {
    /// The epoch.
    pub epoch: u64,
    /// Hex device key.
    pub device: String,
    /// The line.
    pub line: RewardLineView,
    /// Hex leaf bytes (`docs/spec/rewards.md`).
    pub leaf: String,
    /// Merkle path from the leaf to the reward root.
    pub path: Vec<ProofStepView>,
    /// Hex reward root.
    pub reward_root: String,
    /// The epoch summary record (which contains the root) and its state proof.
    pub summary: StateProofView,
}

/// An epoch's summary after it closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochSummaryView {
    /// Emission, base units.
    pub emission: u64,
    /// Pool per class.
    pub pools: BTreeMap<String, u64>,
    /// Distributed per class.
    pub distributed: BTreeMap<String, u64>,
    /// Dust minted to the treasury.
    pub dust: u64,
    /// Not issued (caps, empty classes).
    pub not_issued: u64,
    /// Hex reward root.
    pub reward_root: String,
    /// Devices with a line.
    pub devices: u32,
    /// Devices rewarded.
    pub rewarded: u32,
    /// Height it closed at.
    pub closed_at: u64,
}

/// Which epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EpochId {
    /// The epoch of the latest finalized block.
    Current,
    /// A numbered epoch.
    Number(u64),
}

/// An epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochView {
    /// Its number.
    pub epoch: u64,
    /// First height.
    pub start_height: u64,
    /// Last height (inclusive).
    pub end_height: u64,
    /// Hex randomness that schedules its duty windows.
    pub randomness: String,
    /// Devices with work so far.
    pub workers: u32,
    /// Duty windows per epoch.
    pub windows: u32,
    /// Whether it has closed.
    pub closed: bool,
    /// Its summary, once closed.
    pub summary: Option<EpochSummaryView>,
}

/// An H3 cell: its devices and its density scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellView {
    /// The cell asked for.
    pub cell: String,
    /// Its resolution.
    pub resolution: u8,
    /// Devices located in it: at most 1000, the first found in the index.
    pub devices: Vec<DeviceSummaryView>,
    /// `true` when the cell may hold more devices than `devices` lists (list them with
    /// `GET /v1/devices?cell=…` and its cursor).
    pub truncated: bool,
    /// The cell at the density resolution containing it (or itself if coarser).
    pub density_cell: String,
    /// The current epoch.
    pub epoch: u64,
    /// Devices credited work in the density cell so far this epoch, all classes (coverage
    /// devices are credited only when the epoch closes).
    pub working_devices: u32,
    /// How the last closed epoch's reward split counted and scaled this density cell, per
    /// class, as recorded in the reward lines of its devices (`None` before any close, if
    /// none of its devices had a line, or if the cell is coarser than the density resolution).
    pub last_closed: Option<CellDensityView>,
}

/// A density cell in one closed epoch's reward split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellDensityView {
    /// The closed epoch.
    pub epoch: u64,
    /// One entry per class with a reward line in the cell, in class order.
    pub classes: Vec<CellClassDensityView>,
}

/// One class's density figures in a cell, exactly as the split used them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellClassDensityView {
    /// Class name.
    pub class: String,
    /// Eligible devices of this class with work in the cell.
    pub cell_devices: u32,
    /// The density scale each of them got, ppm.
    pub cell_scale_ppm: u32,
}
