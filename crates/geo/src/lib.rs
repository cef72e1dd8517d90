//! Terrane geo: H3 locations, integer distances and fixed-point radio math for state code.
//!
//! ```text
//! tx bytes ──decode──▶ H3Cell (raw u64, unvalidated) ──validate(12)──▶ Ok / GeoError → reason code
//!                         │
//!   two cells ──distance_m──▶ face + IJK (integer walk of the digits) ──▶ unit vectors (2^60)
//!                             ──▶ chord ──▶ 2·asin(chord/2) · R ──▶ whole meters
//!   meters, kHz ──fspl_centi_db──▶ 20·log10 d + 20·log10 f − 147.55 dB, via log10_micro
//!   powers, gains ──max_rssi_centi_dbm──▶ strongest RSSI free space allows
//!   + antenna height, exponent ──max_credible_rssi_centi_dbm──▶ strongest RSSI a ground link
//!     allows (free space to the two-ray crossover, then d^-n)
//! ```
//!
//! - [`H3Cell`]: a location as a raw H3 index. Decoding never validates (a bad cell is a
//!   reason code, not a decode error); [`H3Cell::validate`] checks it is a cell at a resolution.
//! - [`distance_m`]: great-circle meters between two cells' centers.
//! - [`log10_micro`], [`fspl_centi_db`], [`max_rssi_centi_dbm`]: fixed-point logarithms and
//!   free-space link budgets for coverage physics checks.
//! - [`offchain`]: floating-point helpers for simulators and tools. **Never for state code.**
//!
//! # Determinism
//!
//! Every validator must compute the same bytes, so nothing outside [`offchain`] uses floating
//! point: `#![deny(clippy::float_arithmetic)]` holds for the whole crate except that module
//! (and test modules, which compare against floats). All arithmetic is on integers with bounds
//! stated where they are computed; nothing reads a clock or iterates a hash map; nothing in the
//! state path panics.
//!
//! The h3o functions the state path calls, all on integers (read in h3o 0.11.1's source):
//!
//! - `CellIndex::try_from(u64)` (validate, parent, distance): bit-field checks only (mode,
//!   reserved bits, base cell below 122, digit pattern, deleted pentagon sub-sequence).
//! - `CellIndex::resolution()` (validate, distance): reads 4 bits.
//! - `CellIndex::parent(Resolution)` (parent): rewrites the resolution bits and sets the
//!   trailing digits to 7. `Resolution::try_from(u8)` is a range check.
//! - `CellIndex::base_cell()`, `BaseCell::is_pentagon()` (distance): reads 7 bits; tests a
//!   constant bitmask.
//! - `u64::from(CellIndex)`: the raw bits.
//!
//! h3o computes cell centers (`LatLng::from(CellIndex)`) with `sin`, `cos`, `atan2` and
//! `sqrt`, whose last bits may differ between platforms and libm versions, so the state path
//! does **not** use it. Instead [`distance_m`] recomputes H3's centers itself: a port of h3o's
//! `CellIndex → FaceIJK` walk (integer aperture-7 steps and face-overage tables; its one float
//! step, `up_aperture7`'s `round(n · (1/7))`, is integer division here, exact because `n/7` is
//! never within 1/14 of a tie), then H3's inverse gnomonic projection, which is linear in the hex
//! coordinates once its angles are folded into fixed-point vectors (derived from H3's constants;
//! a test re-derives them). The tests check the resulting centers against h3o's float centers
//! for every cell at resolutions 0-2, the neighborhoods of all 12 pentagons at every resolution,
//! and 64,000 random cells: the largest difference is 2.8e-12 of the Earth's radius (0.02 mm).
//!
//! h3o's own integer grid distance (`CellIndex::grid_distance`, via `to_local_ijk`) is also
//! float-free in 0.11.1 (the 1/7 rounding lives in `up_aperture7`, which it does not reach), but
//! it is not used: hexagon steps times H3's average center spacing measured 10 % short to 56 %
//! long (H3 cells shrink toward the icosahedron's vertices, and hex steps overcount diagonals),
//! and local IJ coordinates fail across pentagons, where falling back to coarser parents was off
//! by up to 100 %. Two pentagons lie near land (off Norway and off Dalian).
//!
//! # Error bounds
//!
//! - [`distance_m`]: the exact great-circle distance between the two H3 cell centers on H3's
//!   sphere (radius [`EARTH_RADIUS_MM`]), rounded to the nearest meter, plus under a millimeter
//!   of fixed-point error. Measured against float haversine over 510 pairs from 20 m to 150 km
//!   (equator, high latitudes, base-cell and face edges, pentagons): max |error| 0.4996 m. What it
//!   cannot know: a device is anywhere in its cell (up to ~11 m from the center at resolution 12,
//!   so a pair of devices can be ~22 m nearer or farther than their cells), and the sphere
//!   differs from the WGS84 ellipsoid by up to ~0.5 %.
//! - [`log10_micro`]: within 0.5 micro-units (+1e-8) of `10^6 · log10 x` over all of `u64`;
//!   measured 0.4999 over 10,000 values. Powers of ten are exact.
//! - [`fspl_centi_db`]: within 0.01 dB of the formula, always rounded toward less loss, so
//!   [`max_rssi_centi_dbm`] never understates what physics allows.
#![deny(clippy::float_arithmetic)]

mod cell;
mod center;
mod distance;
#[allow(clippy::float_arithmetic)]
pub mod offchain;
mod radio;
mod tables;

pub use cell::{DEVICE_RESOLUTION, GeoError, H3Cell, ParseH3CellError};
pub use distance::{EARTH_RADIUS_MM, distance_m};
pub use radio::{
    credible_loss_centi_db, crossover_m, fspl_centi_db, log10_micro, max_credible_rssi_centi_dbm,
    max_rssi_centi_dbm,
};
