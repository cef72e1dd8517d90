//! Duty windows: when in an epoch each device must do its scheduled work.
//!
//! An epoch of `L` blocks ends with `G` grace blocks (`window_grace_blocks`); the first `L - G`
//! are split into `W` windows of `(L - G) / W` blocks (the last takes the remainder). Window `w`
//! has a **work phase** `[start_w, end_w)` and a **reveal phase** `[end_w, end_w + G)`, which
//! always ends inside the epoch. Classes that commit first and reveal later (coverage: witnesses
//! commit to a beacon's nonce, the beaconer reveals it) accept commitments only in the work
//! phase and reveals only in the reveal phase, so a reveal waiting in a mempool can never
//! enable a late commitment. Device `d`'s window in epoch `e` is
//! `u64be(SHA-256("terrane/window/v1" || randomness_e || d)[0..8]) mod W`, where
//! `randomness_e` is the randomness of epoch `e`'s first block. That randomness is a threshold
//! VRF output no one knows before the previous epoch's last block is notarized, so nobody can
//! pick or predict their window before the epoch starts.

use terrane_primitives::{DeviceId, Epoch, Hash32, Height, sha256};

/// The epoch a block height belongs to (height 1 is the first block of epoch 0).
pub fn epoch_of(height: Height, epoch_length_blocks: u64) -> Epoch {
    Epoch::new(height.get().saturating_sub(1) / epoch_length_blocks.max(1))
}

/// The first height of `epoch`.
pub fn epoch_start(epoch: Epoch, epoch_length_blocks: u64) -> Height {
    Height::new(
        epoch
            .get()
            .saturating_mul(epoch_length_blocks)
            .saturating_add(1),
    )
}

/// Whether `height` is the first block of its epoch.
pub fn is_epoch_start(height: Height, epoch_length_blocks: u64) -> bool {
    height.get() >= 1 && (height.get() - 1).is_multiple_of(epoch_length_blocks.max(1))
}

/// Device `device`'s window index in the epoch with `randomness`.
pub fn window_of(randomness: &Hash32, device: &DeviceId, windows: u32) -> u32 {
    let h = sha256(&[b"terrane/window/v1", randomness.as_ref(), device.as_ref()]);
    let x = u64::from_be_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"));
    u32::try_from(x % u64::from(windows.max(1))).expect("below a u32 modulus")
}

/// The work phase `[start, end)` of window `window` of the epoch starting at `epoch_start`
/// (its reveal phase is `[end, end + grace_blocks)`).
pub fn window_bounds(
    epoch_start: Height,
    epoch_length_blocks: u64,
    grace_blocks: u64,
    windows: u32,
    window: u32,
) -> (Height, Height) {
    let windows = u64::from(windows.max(1));
    let usable = epoch_length_blocks
        .saturating_sub(grace_blocks)
        .max(windows);
    let len = usable / windows;
    let w = u64::from(window).min(windows - 1);
    let start = epoch_start.get() + w * len;
    let end = if w == windows - 1 {
        epoch_start.get() + usable
    } else {
        start + len
    };
    (Height::new(start), Height::new(end))
}

/// Which phase of a device's window a height is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Before the window.
    Before,
    /// The work phase: work and commitments are accepted.
    Work,
    /// The reveal phase: reveals are accepted.
    Reveal,
    /// After the reveal phase.
    After,
}

/// The phase of window `window` that `height` is in.
pub fn phase(
    height: Height,
    epoch_start: Height,
    epoch_length_blocks: u64,
    grace_blocks: u64,
    windows: u32,
    window: u32,
) -> Phase {
    let (start, end) = window_bounds(
        epoch_start,
        epoch_length_blocks,
        grace_blocks,
        windows,
        window,
    );
    if height < start {
        Phase::Before
    } else if height < end {
        Phase::Work
    } else if height.get() < end.get().saturating_add(grace_blocks) {
        Phase::Reveal
    } else {
        Phase::After
    }
}
