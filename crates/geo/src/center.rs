//! Cell centers as fixed-point unit vectors, integer-only.
//!
//! H3 defines a cell's center by its `FaceIJK` address (an icosahedron face and integer hex
//! coordinates on that face's grid) and the face's inverse gnomonic projection. Both steps are
//! done here without floating point:
//!
//! 1. [`face_ijk`] walks the cell's digits from its base cell's home coordinates (integer
//!    aperture-7 steps), then moves the address onto the adjacent face when it overflows its
//!    home face ("overage"). A port of h3o's `impl From<CellIndex> for FaceIJK`; h3o's one float
//!    step there, `up_aperture7` (`round(n · (1/7))`), is [`round_div7`] here.
//! 2. [`unit_center`] maps the address through the face's gnomonic frame, which is linear in the
//!    hex coordinates (see [`FaceFrame`]), and normalizes with an integer square root.
//!
//! Nothing here panics on a valid cell index; callers validate with h3o first.

use crate::tables::{
    BASE_CELL_HOMES, FACE_FRAMES, FACE_NEIGHBORS, FaceFrame, IJ, JK, KI, MAX_DIM_BY_CLASS2_RES,
    UNIT_SCALE_BY_CLASS2_RES,
};
use h3o::CellIndex;

/// Fractional bits of a unit vector from [`unit_center`]: `2^60` is 1.0.
pub(crate) const UNIT_BITS: u32 = 60;

/// H3 digit of the I axis.
const DIGIT_I: u8 = 4;
/// H3 digit of the IK axis.
const DIGIT_IK: u8 = 5;

/// Hex coordinates on three axes 120° apart. Only differences matter; `normalize` makes the
/// smallest component zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ijk([i64; 3]);

impl Ijk {
    fn normalize(self) -> Self {
        let [i, j, k] = self.0;
        let min = i.min(j).min(k);
        Self([i - min, j - min, k - min])
    }

    fn add(self, other: Self) -> Self {
        let ([i, j, k], [x, y, z]) = (self.0, other.0);
        Self([i + x, j + y, k + z])
    }

    fn sub(self, other: Self) -> Self {
        let ([i, j, k], [x, y, z]) = (self.0, other.0);
        Self([i - x, j - y, k - z])
    }

    /// `i·iv + j·jv + k·kv`, normalized.
    fn combine(self, iv: [i64; 3], jv: [i64; 3], kv: [i64; 3]) -> Self {
        let [i, j, k] = self.0;
        Self([
            i * iv[0] + j * jv[0] + k * kv[0],
            i * iv[1] + j * jv[1] + k * kv[1],
            i * iv[2] + j * jv[2] + k * kv[2],
        ])
        .normalize()
    }

    /// The center of this cell one aperture-7 resolution finer.
    fn down_aperture7(self, ccw: bool) -> Self {
        if ccw {
            self.combine([3, 0, 1], [1, 3, 0], [0, 1, 3])
        } else {
            self.combine([3, 1, 0], [0, 3, 1], [1, 0, 3])
        }
    }

    /// The containing cell one aperture-7 resolution coarser, clockwise (the only direction the
    /// center computation needs).
    fn up_aperture7_cw(self) -> Self {
        let [i, j, k] = self.0;
        let (a, b) = (i - k, j - k);
        Self([round_div7(2 * a + b), round_div7(3 * b - a), 0]).normalize()
    }

    fn rotate60(self, ccw: bool) -> Self {
        if ccw {
            self.combine([1, 1, 0], [0, 1, 1], [1, 0, 1])
        } else {
            self.combine([1, 0, 1], [1, 1, 0], [0, 1, 1])
        }
    }

    /// The neighbor in direction `digit` (0..=6; 0 is the center).
    fn neighbor(self, digit: u8) -> Self {
        let unit = [
            i64::from((digit >> 2) & 1),
            i64::from((digit >> 1) & 1),
            i64::from(digit & 1),
        ];
        self.add(Self(unit)).normalize()
    }
}

/// `n / 7` rounded to the nearest integer. Never a tie (7 is odd), so this equals h3o's
/// `round(f64::from(n) * (1/7))`: the exact quotient is at least 1/14 away from any half-integer,
/// far more than the one-ulp error of the float product.
fn round_div7(n: i64) -> i64 {
    (2 * n + 7).div_euclid(14)
}

/// The H3 digit of `bits` at resolution `res` (1..=15).
fn digit(bits: u64, res: u8) -> u8 {
    let shift = 3 * u32::from(15 - res);
    // Three bits: always fits.
    u8::try_from((bits >> shift) & 0b111).unwrap_or(0)
}

/// The first non-zero digit at resolutions 1..=`res`, or 0.
fn leading_digit(bits: u64, res: u8) -> u8 {
    (1..=res)
        .map(|r| digit(bits, r))
        .find(|&d| d != 0)
        .unwrap_or(0)
}

/// Every digit at resolutions 1..=`res` rotated 60° clockwise.
fn rotate_digits_cw(mut bits: u64, res: u8) -> u64 {
    // Clockwise successor of each direction: K→JK, J→IJ, JK→J, I→IK, IK→K, IJ→I.
    const CW: [u64; 7] = [0, 3, 6, 2, 5, 1, 4];
    for r in 1..=res {
        let shift = 3 * u32::from(15 - r);
        let rotated = CW[usize::from(digit(bits, r))];
        bits = (bits & !(0b111 << shift)) | (rotated << shift);
    }
    bits
}

/// Moves `coord` onto the adjacent face if it lies beyond `face`'s edge at Class II resolution
/// `class2_res`. Returns whether it moved.
fn adjust_overage(face: &mut u8, coord: &mut Ijk, class2_res: usize, is_pent4: bool) -> bool {
    let max_dim = MAX_DIM_BY_CLASS2_RES[class2_res];
    let [_, j, k] = coord.0;
    if coord.0.iter().sum::<i64>() <= max_dim {
        return false;
    }
    let quadrant = if k > 0 {
        if j > 0 {
            JK
        } else {
            if is_pent4 {
                // Undo the pentagon's missing sub-sequence: rotate about the pentagon center.
                let origin = Ijk([max_dim, 0, 0]);
                *coord = coord.sub(origin).rotate60(false).add(origin);
            }
            KI
        }
    } else {
        IJ
    };
    let neighbor = FACE_NEIGHBORS[usize::from(*face)][quadrant];
    *face = neighbor.face;
    for _ in 0..neighbor.ccw_rot60 {
        *coord = coord.rotate60(true);
    }
    let scale = UNIT_SCALE_BY_CLASS2_RES[class2_res];
    let [x, y, z] = neighbor.translate;
    *coord = coord
        .add(Ijk([x * scale, y * scale, z * scale]))
        .normalize();
    true
}

/// The face and `IJK` coordinates of `cell`'s center (H3's `_h3ToFaceIjk`).
fn face_ijk(cell: CellIndex) -> (u8, Ijk) {
    let res = u8::from(cell.resolution());
    let base_cell = cell.base_cell();
    let is_pentagon = base_cell.is_pentagon();
    let mut bits = u64::from(cell);
    // A pentagon's digits never lead with K (a deleted sub-sequence); those leading with IK
    // live in the rotated position.
    if is_pentagon && leading_digit(bits, res) == DIGIT_IK {
        bits = rotate_digits_cw(bits, res);
    }

    let (home_face, home) = BASE_CELL_HOMES[usize::from(u8::from(base_cell))];
    let mut face = home_face;
    let mut coord = Ijk(home);
    for r in 1..=res {
        // Odd resolutions are Class III (counter-clockwise).
        coord = coord.down_aperture7(r % 2 == 1).neighbor(digit(bits, r));
    }
    // A non-pentagon base cell centered on its face never leaves it.
    if !is_pentagon && (res == 0 || home == [0, 0, 0]) {
        return (face, coord);
    }

    let original = coord;
    let class3 = res % 2 == 1;
    let class2_res = if class3 {
        // Work in the finer Class II grid.
        coord = coord.down_aperture7(false);
        usize::from(res) + 1
    } else {
        usize::from(res)
    };
    let is_pent4 = is_pentagon && leading_digit(bits, res) == DIGIT_I;
    if adjust_overage(&mut face, &mut coord, class2_res, is_pent4) {
        if is_pentagon {
            // Near a pentagon the first move can land beyond the next face's edge too. H3 loops
            // until settled, which takes at most one more move (checked for every pentagon
            // neighborhood in the tests); the bound only keeps the loop visibly finite.
            for _ in 0..4 {
                if !adjust_overage(&mut face, &mut coord, class2_res, false) {
                    break;
                }
            }
        }
        if class3 {
            coord = coord.up_aperture7_cw();
        }
    } else if class3 {
        coord = original;
    }
    (face, coord)
}

/// The center of `cell` as a unit vector (`2^60` = 1.0) in the Earth-centered frame H3 uses
/// (x toward 0° N 0° E, z toward the North Pole).
pub(crate) fn unit_center(cell: CellIndex) -> [i128; 3] {
    let (face, coord) = face_ijk(cell);
    let res = u8::from(cell.resolution());
    let FaceFrame {
        center,
        class2,
        class3,
    } = FACE_FRAMES[usize::from(face)];
    let [step_i, step_j] = if res % 2 == 1 { class3 } else { class2 };
    let [i, j, k] = coord.0;
    let (a, b) = (i128::from(i - k), i128::from(j - k));
    let scale = 7_i128.pow(u32::from(res / 2));
    // Components stay below 2^62: |7^(r/2) · center| < 2^60, and |a|, |b| ≤ ~2^22 times steps
    // below 2^39.
    let point: [i128; 3] = core::array::from_fn(|n| {
        scale * i128::from(center[n]) + a * i128::from(step_i[n]) + b * i128::from(step_j[n])
    });
    // Each square is below 2^124, the sum below 2^126.
    let norm2: u128 = point.iter().map(|&c| c.unsigned_abs().pow(2)).sum();
    // At least 2^40 · 7^(r/2) · cos(face radius): never zero.
    let norm = i128::try_from(norm2.isqrt()).unwrap_or(i128::MAX).max(1);
    // |c| · 2^60 < 2^122: fits.
    point.map(|c| (c << UNIT_BITS) / norm)
}

#[cfg(test)]
#[allow(clippy::float_arithmetic, clippy::cast_possible_truncation)]
mod tests {
    use super::*;
    use h3o::{LatLng, Resolution};

    /// Deterministic pseudo-random numbers for test inputs.
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
    }

    /// The largest component difference between our center and h3o's float center.
    fn error_vs_h3o(cell: CellIndex) -> f64 {
        let ours = unit_center(cell).map(|c| c as f64 / (1u128 << UNIT_BITS) as f64);
        let ll = LatLng::from(cell);
        let (lat, lng) = (ll.lat_radians(), ll.lng_radians());
        let theirs = [lat.cos() * lng.cos(), lat.cos() * lng.sin(), lat.sin()];
        (0..3)
            .map(|n| (ours[n] - theirs[n]).abs())
            .fold(0.0, f64::max)
    }

    /// 1e-11 of the Earth's radius is 0.06 mm.
    const TOLERANCE: f64 = 1e-11;

    #[test]
    fn round_div7_matches_float_rounding() {
        for n in -10_000..=10_000_i64 {
            assert_eq!(
                round_div7(n),
                (n as f64 * (1.0 / 7.0)).round() as i64,
                "{n}"
            );
        }
    }

    #[test]
    fn every_cell_up_to_resolution_two_matches_h3o_center() {
        for res in [Resolution::Zero, Resolution::One, Resolution::Two] {
            for cell in CellIndex::base_cells().flat_map(|b| b.children(res)) {
                let error = error_vs_h3o(cell);
                assert!(error < TOLERANCE, "{cell} is off by {error}");
            }
        }
    }

    #[test]
    fn pentagons_and_their_neighborhoods_match_h3o_centers_at_every_resolution() {
        for base in CellIndex::base_cells().filter(|c| c.is_pentagon()) {
            for res in Resolution::range(Resolution::One, Resolution::Fifteen) {
                let center = base.center_child(res).unwrap();
                for cell in center.grid_disk::<Vec<_>>(3) {
                    let error = error_vs_h3o(cell);
                    assert!(error < TOLERANCE, "{cell} is off by {error}");
                }
            }
        }
    }

    #[test]
    fn random_cells_at_every_resolution_match_h3o_centers() {
        let mut rng = SplitMix64(7);
        let mut worst = 0.0_f64;
        for n in 0..64_000 {
            let res = Resolution::try_from(u8::try_from(n % 16).unwrap()).unwrap();
            // Uniform on the sphere: z uniform in [-1, 1], longitude uniform.
            let z = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
            let lng = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * 360.0 - 180.0;
            let cell = LatLng::new(z.asin().to_degrees(), lng)
                .unwrap()
                .to_cell(res);
            worst = worst.max(error_vs_h3o(cell));
        }
        println!("largest center difference from h3o: {worst:e} (unit sphere)");
        assert!(worst < TOLERANCE, "off by {worst}");
    }
}
