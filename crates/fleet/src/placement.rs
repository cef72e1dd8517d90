//! Where each device really is, and where it says it is.
//!
//! ```text
//! seed ─▶ K cities, population-weighted without replacement
//!   honest:    apportioned over the K cities ∝ population^¼ (at least 5 each), 0.5-6 km
//!              from the center at a uniform bearing; asserted = true cell
//!   spoofer:   like honest (cities in turn); asserted 150-300 km away at a random bearing,
//!              redrawn until no two spoofers that could hear each other assert cells within
//!              110 km of each other (so they never vouch for each other by accident)
//!   replayer,
//!   inflator,
//!   skewer:    like honest (cities in turn)
//!   ring r:    one building at a city ≥ 250 km from every sampled city and every spoofer's
//!              asserted cell; members assert cells on a 2-4.5 km circle around it
//! ```
//! Every device draws from its own stream (`rng::stream(seed, kind, index)`), so the honest
//! devices are identical whatever the number of cheaters.

use crate::{
    behavior::Behavior,
    cities::{City, sample_weighted},
    rng::{SimRng, stream},
};
use terrane_geo::offchain::{haversine_m, offset};

/// Closest a device is placed to its city's center, m.
pub const CITY_JITTER_MIN_M: f64 = 500.0;
/// Farthest a device is placed from its city's center, m.
pub const CITY_JITTER_MAX_M: f64 = 6_000.0;
/// Closest a spoofer's asserted cell is to its true position, m.
pub const SPOOF_MIN_M: f64 = 150_000.0;
/// Farthest a spoofer's asserted cell is from its true position, m.
pub const SPOOF_MAX_M: f64 = 300_000.0;
/// A ring's building is at least this far from every sampled city center and spoofer claim, m.
pub const RING_REMOTE_M: f64 = 250_000.0;
/// Least honest devices per sampled city (when there are enough).
pub const MIN_PER_CITY: usize = 5;
/// Far-end devices per wormhole (one sniffer each).
pub const WORMHOLES_PER_TUNNEL: usize = 6;

/// One device's placement.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// Its behaviour.
    pub behavior: Behavior,
    /// Its index among devices of that behaviour.
    pub index: usize,
    /// The city it is in (index into the city list), if any.
    pub city: Option<usize>,
    /// Where it is, (lat, lng) degrees.
    pub true_position: (f64, f64),
    /// Where it says it is, (lat, lng) degrees.
    pub asserted_position: (f64, f64),
    /// Its ring, for ring members.
    pub ring: Option<usize>,
    pub tunnel: Option<usize>,
}

/// Counts of each behaviour to place.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
    /// Cities to sample.
    pub cities: usize,
    /// Honest devices.
    pub honest: usize,
    /// Spoofers.
    pub spoofers: usize,
    /// Rings.
    pub rings: usize,
    /// Devices per ring.
    pub ring_size: usize,
    /// Replayers.
    pub replayers: usize,
    /// Gain inflators.
    pub inflators: usize,
    /// Timing-clique members.
    pub skewers: usize,
    pub wormholes: usize,
    /// How far from its sniffer a wormhole's far end is placed, m (min, max).
    pub wormhole_range_m: (f64, f64),
}

/// `total` split over `weights` by largest remainder, each part at least `min` when
/// `total ≥ min × weights.len()`.
pub fn apportion(total: usize, weights: &[f64], min: usize) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let floor_each = if total >= min * n { min } else { total / n };
    let rest = total - floor_each * n;
    let sum: f64 = weights.iter().sum();
    let mut parts = vec![floor_each; n];
    let mut remainders: Vec<(f64, usize)> = Vec::with_capacity(n);
    let mut given = 0;
    for (i, w) in weights.iter().enumerate() {
        let exact = if sum > 0.0 {
            rest as f64 * w / sum
        } else {
            rest as f64 / n as f64
        };
        let whole = exact.floor();
        // Bounded by `rest`, a usize.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole_n = whole as usize;
        parts[i] += whole_n;
        given += whole_n;
        remainders.push((exact - whole, i));
    }
    remainders.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.into_iter().take(rest - given) {
        parts[i] += 1;
    }
    parts
}

fn jitter(center: (f64, f64), rng: &mut SimRng) -> (f64, f64) {
    let bearing = rng.range(0.0, core::f64::consts::TAU);
    let d = rng.range(CITY_JITTER_MIN_M, CITY_JITTER_MAX_M);
    offset(center.0, center.1, d * bearing.cos(), d * bearing.sin())
}

/// Places every device.
///
/// # Panics
/// If there are fewer populated cities than `counts.cities` (or none when devices need one),
/// or no remote site for a ring exists in the list.
pub fn place(
    seed: u64,
    cities: &[City],
    counts: &Counts,
) -> (Vec<usize>, Vec<Placed>, Vec<(f64, f64)>) {
    let sampled = sample_weighted(
        cities,
        counts.cities,
        &mut SimRng::new(stream(seed, "cities", 0)),
    );
    let in_city = counts.honest
        + counts.spoofers
        + counts.replayers
        + counts.inflators
        + counts.skewers
        + counts.wormholes;
    assert!(
        in_city == 0 || !sampled.is_empty(),
        "devices need at least one city"
    );
    let centers: Vec<(f64, f64)> = sampled.iter().map(|&i| cities[i].position()).collect();
    let mut out = Vec::new();

    // A fourth root keeps a megacity's cluster within ~2× a town's, so a typical beacon has
    // 4-12 witnesses everywhere. Population is below 2^53: exact.
    #[allow(clippy::cast_precision_loss)]
    let weights: Vec<f64> = sampled
        .iter()
        .map(|&i| (cities[i].population as f64).powf(0.25))
        .collect();
    let per_city = apportion(counts.honest, &weights, MIN_PER_CITY);
    let honest_city = per_city
        .iter()
        .enumerate()
        .flat_map(|(c, &n)| core::iter::repeat_n(c, n));
    for (i, c) in honest_city.enumerate() {
        let mut rng = SimRng::new(stream(seed, "place/honest", i as u64));
        let p = jitter(centers[c], &mut rng);
        out.push(Placed {
            behavior: Behavior::Honest,
            index: i,
            city: Some(sampled[c]),
            true_position: p,
            asserted_position: p,
            ring: None,
            tunnel: None,
        });
    }

    let mut spoof_claims: Vec<((f64, f64), (f64, f64))> = Vec::new();
    for i in 0..counts.spoofers {
        let c = (i + 1) % centers.len();
        let mut rng = SimRng::new(stream(seed, "place/spoofer", i as u64));
        let p = jitter(centers[c], &mut rng);
        let mut claim = p;
        for attempt in 0..1_000 {
            let bearing = rng.range(0.0, core::f64::consts::TAU);
            let d = rng.range(SPOOF_MIN_M, SPOOF_MAX_M);
            claim = offset(p.0, p.1, d * bearing.cos(), d * bearing.sin());
            let clash = spoof_claims.iter().any(|(tp, cl)| {
                haversine_m(*tp, p) < 60_000.0 && haversine_m(*cl, claim) < 110_000.0
            });
            if !clash {
                break;
            }
            assert!(attempt < 999, "no consistent-free claim for spoofer {i}");
        }
        spoof_claims.push((p, claim));
        out.push(Placed {
            behavior: Behavior::Spoofer,
            index: i,
            city: Some(sampled[c]),
            true_position: p,
            asserted_position: claim,
            ring: None,
            tunnel: None,
        });
    }

    for (behavior, n, name, shift) in [
        (Behavior::Replayer, counts.replayers, "place/replayer", 2),
        (
            Behavior::GainInflator,
            counts.inflators,
            "place/inflator",
            3,
        ),
        (Behavior::Skewer, counts.skewers, "place/skewer", 4),
    ] {
        for i in 0..n {
            let c = (i + shift) % centers.len();
            let mut rng = SimRng::new(stream(seed, name, i as u64));
            let p = jitter(centers[c], &mut rng);
            out.push(Placed {
                behavior,
                index: i,
                city: Some(sampled[c]),
                true_position: p,
                asserted_position: p,
                ring: None,
                tunnel: None,
            });
        }
    }

    let mut sites: Vec<(f64, f64)> = Vec::new();
    for r in 0..counts.rings {
        let mut rng = SimRng::new(stream(seed, "place/ring", r as u64));
        let mut site = None;
        for _ in 0..100_000 {
            let cand = cities[rng.below(cities.len())].position();
            let far = |p: &(f64, f64)| haversine_m(*p, cand) >= RING_REMOTE_M;
            if centers.iter().all(far)
                && spoof_claims.iter().all(|(_, cl)| far(cl))
                && sites.iter().all(far)
            {
                site = Some(cand);
                break;
            }
        }
        let site = site.expect("a city far from every sampled city exists for the ring");
        sites.push(site);
        let n = counts.ring_size.max(1);
        // Adjacent members at least 2 km apart, the farthest pair at most ~10 km.
        let min_radius = 1_000.0 / (core::f64::consts::PI / n as f64).sin().max(0.1);
        let radius = rng.range(2_000.0, 4_500.0).max(min_radius);
        let phase = rng.range(0.0, core::f64::consts::TAU);
        for j in 0..n {
            let angle = phase + core::f64::consts::TAU * j as f64 / n as f64;
            let claim = offset(site.0, site.1, radius * angle.cos(), radius * angle.sin());
            out.push(Placed {
                behavior: Behavior::Ring,
                index: r * n + j,
                city: None,
                true_position: site,
                asserted_position: claim,
                ring: Some(r),
                tunnel: None,
            });
        }
    }
    let tunnels = counts.wormholes.div_ceil(WORMHOLES_PER_TUNNEL);
    let mut sniffers = Vec::with_capacity(tunnels);
    for t in 0..tunnels {
        let c = (t + 5) % centers.len();
        let mut rng = SimRng::new(stream(seed, "place/sniffer", t as u64));
        sniffers.push(jitter(centers[c], &mut rng));
    }
    for i in 0..counts.wormholes {
        let t = i % tunnels;
        let mut rng = SimRng::new(stream(seed, "place/wormhole", i as u64));
        let bearing = rng.range(0.0, core::f64::consts::TAU);
        let d = rng.range(counts.wormhole_range_m.0, counts.wormhole_range_m.1);
        let s = sniffers[t];
        let p = offset(s.0, s.1, d * bearing.cos(), d * bearing.sin());
        out.push(Placed {
            behavior: Behavior::Wormhole,
            index: i,
            city: None,
            true_position: p,
            asserted_position: p,
            ring: None,
            tunnel: Some(t),
        });
    }
    (sampled, out, sniffers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_gives_everyone_the_minimum_and_sums_to_the_total() {
        let parts = apportion(20, &[9.0, 1.0, 1.0], 3);
        assert_eq!(parts.iter().sum::<usize>(), 20);
        assert!(parts.iter().all(|&p| p >= 3));
        assert!(parts[0] > parts[1]);
        assert_eq!(apportion(2, &[1.0, 1.0, 1.0], 3).iter().sum::<usize>(), 2);
    }
}
