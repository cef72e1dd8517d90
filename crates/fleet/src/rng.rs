//! Deterministic randomness for the fleet: a small seeded generator and hash-derived draws.
//!
//! Everything the fleet decides comes from its seed through one of two paths:
//! - [`SimRng`]: SplitMix64, for sequential draws in one stream (placement). A stream is named
//!   by [`stream`], so adding devices of one behaviour never shifts another behaviour's draws:
//!   the honest devices of a fleet with cheaters are bit-for-bit those of the same fleet
//!   without them.
//! - [`draw`]: SHA-256 of a domain tag and parts, for draws that must not depend on the order
//!   in which they are asked (radio noise per (epoch, beaconer, receiver), nonces).
//!
//! SplitMix64 is used rather than `rand`'s `StdRng` because its output is fixed by its
//! definition, not by a library version: a seed means the same fleet forever.

use terrane_primitives::sha256;

/// SplitMix64 (Steele, Lea and Flood 2014): 64 bits of state, passes BigCrush, exactly
/// reproducible.
#[derive(Clone, Debug)]
pub struct SimRng {
    state: u64,
}

impl SimRng {
    /// A generator starting at `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`, 53 bits.
    pub fn unit(&mut self) -> f64 {
        unit_of(self.next_u64())
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is below 2^-40 for n under 2^24).
    pub fn below_u64(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below_u64(0) has no value");
        self.next_u64() % n
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is below 2^-40 for any fleet size).
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0) has no value");
        let n64 = u64::try_from(n).expect("usize fits u64");
        usize::try_from(self.next_u64() % n64).expect("below n")
    }
}

/// Uniform in `[0, 1)` from the top 53 bits of `x`.
pub fn unit_of(x: u64) -> f64 {
    // 53 bits fit an f64 mantissa exactly.
    #[allow(clippy::cast_precision_loss)]
    let v = (x >> 11) as f64;
    v / (1u64 << 53) as f64
}

/// The seed of the stream `name` (with an index) of the fleet seeded `seed`.
pub fn stream(seed: u64, name: &str, index: u64) -> u64 {
    let h = sha256(&[
        b"terrane/fleet/stream/v1",
        &seed.to_be_bytes(),
        name.as_bytes(),
        &index.to_be_bytes(),
    ]);
    u64::from_be_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"))
}

/// 32 bytes determined by a domain tag and parts (order-independent draws).
pub fn draw(tag: &str, parts: &[&[u8]]) -> [u8; 32] {
    let mut all: Vec<&[u8]> = Vec::with_capacity(parts.len() + 2);
    all.push(b"terrane/fleet/draw/v1/");
    all.push(tag.as_bytes());
    all.extend_from_slice(parts);
    *sha256(&all).as_bytes()
}

/// A standard normal variate from 32 random bytes (Box-Muller on two 64-bit uniforms).
pub fn normal_of(bytes: &[u8; 32]) -> f64 {
    let a = u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
    let b = u64::from_be_bytes(bytes[8..16].try_into().expect("8 bytes"));
    // 1 - u is in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - unit_of(a);
    let u2 = unit_of(b);
    (-2.0 * u1.ln()).sqrt() * (2.0 * core::f64::consts::PI * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_its_reference_output() {
        // First outputs of SplitMix64 seeded with 1234567 (the reference implementation).
        let mut r = SimRng::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn normal_draws_have_unit_variance() {
        let n = 20_000u32;
        let (mut sum, mut sq) = (0.0, 0.0);
        for i in 0..n {
            let z = normal_of(&draw("test", &[&i.to_be_bytes()]));
            sum += z;
            sq += z * z;
        }
        let mean = sum / f64::from(n);
        let var = sq / f64::from(n) - mean * mean;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
