//! The epoch reward list as a Merkle tree: canonical leaves, the root, inclusion proofs.
//!
//! # Leaf layout
//! One leaf per line of a [`Split`] whose `amount > 0`, in the split's input order. A leaf's
//! data is [`LEAF_LEN`] = 134 bytes, every integer fixed-width big-endian, in this order:
//!
//! ```text
//! offset  size  field
//!      0     8  epoch                 u64
//!      8    32  device                DeviceId (the device's ed25519 public key)
//!     40     8  units                 u64
//!     48     4  cell_devices          u32
//!     52     4  cell_scale_ppm        u32
//!     56     4  reputation_ppm        u32
//!     60     4  vetting_ppm           u32
//!     64     1  eligible              u8, 0 or 1
//!     65     8  demand_cap            u64, base units (0: the pool is not demand-backed)
//!     73     4  backing_ppm           u32
//!     77    16  scaled_units          u128
//!     93     8  uncapped              u64, base units
//!    101     1  capped_by             u8: 0 none, 1 device cap, 2 cell cap, 3 demand cap
//!    102     8  amount                u64, base units: the subsidy
//!    110     8  usage_credits         u64: credits consumers paid it, settled in this close
//!    118     8  usage_face            u64, base units: their face value at the close's price
//!    126     8  usage_paid            u64, base units: what its usage is paid
//! ```
//!
//! A line is rewarded, and has a leaf, when `amount + usage_paid > 0`. Leaves built from a
//! [`Split`] alone carry no usage (the three usage fields are zero).
//!
//! The tree is [`terrane_primitives::merkle`] (`docs/spec/encoding.md`):
//! `leaf = SHA-256(0x00 || leaf data)`, `node = SHA-256(0x01 || left || right)`, an odd node is
//! carried up unchanged, and an empty list has the all-zero root.
//!
//! To check a reward line, a device owner takes its epoch, device and breakdown, lays out the
//! 134 bytes above, hashes them as a leaf, folds the proof steps in (a step whose sibling is on
//! the left hashes `sibling || running`, otherwise `running || sibling`), and compares the
//! result with the epoch's published reward root: that is [`verify_line`].

use crate::{
    economy::UsageLine,
    split::{Breakdown, Split},
};
use terrane_primitives::merkle::{self, ProofStep};
use terrane_primitives::{DeviceId, Epoch, Hash32};

/// Bytes in a leaf's data.
pub const LEAF_LEN: usize = 134;

/// The leaf data of one reward line, as a fixed array (see the module doc for the layout).
pub fn leaf_array(
    epoch: Epoch,
    device: DeviceId,
    line: &Breakdown,
    usage: &UsageLine,
) -> [u8; LEAF_LEN] {
    let mut out = [0u8; LEAF_LEN];
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        out[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    put(&epoch.get().to_be_bytes());
    put(device.as_bytes());
    put(&line.units.to_be_bytes());
    put(&line.cell_devices.to_be_bytes());
    put(&line.cell_scale_ppm.to_be_bytes());
    put(&line.reputation_ppm.to_be_bytes());
    put(&line.vetting_ppm.to_be_bytes());
    put(&[u8::from(line.eligible)]);
    put(&line.demand_cap.to_be_bytes());
    put(&line.backing_ppm.to_be_bytes());
    put(&line.scaled_units.to_be_bytes());
    put(&line.uncapped.to_be_bytes());
    put(&[line.capped_by.code()]);
    put(&line.amount.to_be_bytes());
    put(&usage.credits.to_be_bytes());
    put(&usage.face.to_be_bytes());
    put(&usage.paid.to_be_bytes());
    debug_assert_eq!(at, LEAF_LEN);
    out
}

/// The leaf data of one reward line (see the module doc for the layout).
pub fn leaf_bytes(epoch: Epoch, device: DeviceId, line: &Breakdown, usage: &UsageLine) -> Vec<u8> {
    leaf_array(epoch, device, line, usage).to_vec()
}

/// The leaf hash of one reward line.
pub fn leaf_hash(epoch: Epoch, device: DeviceId, line: &Breakdown, usage: &UsageLine) -> Hash32 {
    merkle::leaf(&leaf_array(epoch, device, line, usage))
}

/// The leaf hashes of the rewarded lines (`amount > 0`) of `split`, in its order.
pub fn reward_leaves(epoch: Epoch, split: &Split) -> Vec<Hash32> {
    split
        .lines
        .iter()
        .filter(|(_, line)| line.amount > 0)
        .map(|(device, line)| leaf_hash(epoch, *device, line, &UsageLine::default()))
        .collect()
}

/// The epoch's reward root over the rewarded lines of `split`.
pub fn reward_root(epoch: Epoch, split: &Split) -> Hash32 {
    merkle::root(&reward_leaves(epoch, split))
}

/// The position in the tree of `split.lines[index]`, or `None` if it is out of range or not
/// rewarded (so not in the tree).
pub fn leaf_position(split: &Split, index: usize) -> Option<usize> {
    let (_, line) = split.lines.get(index)?;
    if line.amount == 0 {
        return None;
    }
    Some(
        split.lines[..index]
            .iter()
            .filter(|(_, line)| line.amount > 0)
            .count(),
    )
}

/// The inclusion proof of `split.lines[index]` under [`reward_root`], or `None` if that line is
/// out of range or not rewarded. Rebuilds the tree: to prove many lines, hash
/// [`reward_leaves`] once and call [`merkle::prove`] with [`leaf_position`].
pub fn prove(epoch: Epoch, split: &Split, index: usize) -> Option<Vec<ProofStep>> {
    let position = leaf_position(split, index)?;
    merkle::prove(&reward_leaves(epoch, split), position)
}

/// Whether `proof` shows that the line (`epoch`, `device`, `line`) is in the reward list with
/// `root`. Lines paying nothing are never in the list.
pub fn verify_line(
    epoch: Epoch,
    device: DeviceId,
    line: &Breakdown,
    usage: &UsageLine,
    proof: &[ProofStep],
    root: &Hash32,
) -> bool {
    line.amount.saturating_add(usage.paid) > 0
        && merkle::verify(leaf_hash(epoch, device, line, usage), proof, root)
}
