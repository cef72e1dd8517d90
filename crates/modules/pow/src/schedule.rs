//! Duty windows: when in an epoch each device must do its scheduled work.
//!
//! An epoch of `L` blocks is split into `W` windows of `L / W` blocks (the last window takes
//! the remainder). Device `d`'s window in epoch `e` is
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
    Height::new(epoch.get().saturating_mul(epoch_length_blocks).saturating_add(1))
}

/// Whether `height` is the first block of its epoch.
pub fn is_epoch_start(height: Height, epoch_length_blocks: u64) -> bool {
    height.get() >= 1 && (height.get() - 1) % epoch_length_blocks.max(1) == 0
}

/// Device `device`'s window index in the epoch with `randomness`.
pub fn window_of(randomness: &Hash32, device: &DeviceId, windows: u32) -> u32 {
    let h = sha256(&[b"terrane/window/v1", randomness.as_ref(), device.as_ref()]);
    let x = u64::from_be_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"));
    u32::try_from(x % u64::from(windows.max(1))).expect("below a u32 modulus")
}

/// The heights `[start, end)` of window `window` of the epoch starting at `epoch_start`.
pub fn window_bounds(epoch_start: Height, epoch_length_blocks: u64, windows: u32, window: u32) -> (Height, Height) {
    let windows = u64::from(windows.max(1));
    let len = epoch_length_blocks / windows;
    let w = u64::from(window).min(windows - 1);
    let start = epoch_start.get() + w * len;
    let end = if w == windows - 1 {
        epoch_start.get() + epoch_length_blocks
    } else {
        start + len
    };
    (Height::new(start), Height::new(end))
}

/// Whether `height` is inside window `window` or its grace period.
pub fn in_window(
    height: Height,
    epoch_start: Height,
    epoch_length_blocks: u64,
    windows: u32,
    window: u32,
    grace_blocks: u64,
) -> bool {
    let (start, end) = window_bounds(epoch_start, epoch_length_blocks, windows, window);
    height >= start && height.get() < end.get().saturating_add(grace_blocks)
}
