//! Burn-and-mint: how an epoch's emission is shared between paid usage and the capacity
//! subsidy (`docs/spec/economy.md` has the equations with a worked example).
//!
//! ```text
//! E        = emission_for(e) + remint            remint = min(TRN burned for credits not yet
//!                                                          re-minted, remint_cap_per_epoch)
//! face_d   = ⌊credits_d × µUSD_per_credit × 10^6 / price⌋      the device's usage at face value
//! net_d    = ⌊face_d × (10^4 − usage_fee_bps) / 10^4⌋          the network's take removed
//! cap_U    = ⌊E × usage_share_bps / 10^4⌋
//! paid_d   = net_d                          if Σ net ≤ cap_U   (usage first, before subsidy)
//!          = ⌊net_d × cap_U / Σ net⌋        otherwise          (pro rata; rounding → treasury)
//! floor_e  = ⌊floor_0 × (T − e) / T⌋ for e < T, else 0         decays to zero
//! bound    = ⌊Σ paid × subsidy_per_usage_bps / 10^4⌋ + floor_e
//! subsidy  = min(E − Σ paid − usage dust, bound)                split into class pools
//! not issued += E − Σ paid − usage dust − subsidy
//! ```
//!
//! Why self-dealing does not pay: a provider that buys credits to pay its own device gets at
//! most face value back minus the fee (`h = usage_fee_bps`); its extra paid usage raises the
//! network's subsidy bound by `k = subsidy_per_usage_bps` of it, of which it earns only its
//! share `s ≤ 1` of the subsidy pool. Its net is at most `(s·k·(1 − h) − h) × face ≤ 0`
//! whenever `k·(1 − h) ≤ h`, which [`EconomyParams::validate`] requires — for every share,
//! even a self-dealer that owns the whole network.
//!
//! Conservation, exact for every input: `Σ paid + usage dust + subsidy + not issued == E`.
//! All integer, no floats; nothing here panics.

use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
use serde::{Deserialize, Serialize};
use terrane_primitives::{DeviceId, Epoch, TOKEN_DECIMALS};

/// 100 % in basis points, as u128 for the products below.
const ONE: u128 = 10_000;

/// The burn-and-mint parameters (genesis; later governance).
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomyParams {
    /// Most of an epoch's emission paid usage may take, basis points; above it usage is paid
    /// pro rata.
    pub usage_share_bps: u16,
    /// The network's take on usage, basis points of face value: not paid, never minted.
    pub usage_fee_bps: u16,
    /// Subsidy each base unit of paid usage allows, basis points (`k`): the total subsidy is
    /// at most `k × paid usage + floor`. Must satisfy `k × (10^4 − fee) ≤ fee × 10^4`.
    pub subsidy_per_usage_bps: u32,
    /// The subsidy floor at epoch 0, base units: what the network may pay for capacity
    /// without any customer while it bootstraps.
    pub subsidy_floor_initial: u64,
    /// Epochs over which the floor falls linearly to zero (≥ 1).
    pub subsidy_floor_epochs: u64,
    /// Most TRN burned for credits re-minted into one epoch's emission, base units (net
    /// emissions: burns come back as future rewards, so supply converges).
    pub remint_cap_per_epoch: u64,
}

impl Default for EconomyParams {
    /// Usage may take half the emission; a 20 % take on usage; a quarter of paid usage in
    /// subsidy on top of a floor of 20,000 TRN an epoch falling to zero over 3,000 epochs;
    /// up to 1,000 TRN of burns re-minted per epoch.
    fn default() -> Self {
        Self {
            usage_share_bps: 5_000,
            usage_fee_bps: 2_000,
            subsidy_per_usage_bps: 2_500,
            subsidy_floor_initial: 20_000_000_000,
            subsidy_floor_epochs: 3_000,
            remint_cap_per_epoch: 1_000_000_000,
        }
    }
}

impl EconomyParams {
    /// Checks the parameters; the message names the field and the rule.
    pub fn validate(&self) -> Result<(), String> {
        if u128::from(self.usage_share_bps) > ONE || u128::from(self.usage_fee_bps) > ONE {
            return Err("rewards.economy basis points must be at most 10000".into());
        }
        if self.subsidy_floor_epochs == 0 {
            return Err("rewards.economy.subsidy_floor_epochs must be at least 1".into());
        }
        let k = u128::from(self.subsidy_per_usage_bps);
        let h = u128::from(self.usage_fee_bps);
        if k * (ONE - h) > h * ONE {
            return Err(format!(
                "rewards.economy: subsidy_per_usage_bps {k} × (10000 − usage_fee_bps {h}) must \
                 be at most usage_fee_bps × 10000, or paying one's own device would earn more \
                 subsidy than the fee costs"
            ));
        }
        Ok(())
    }
}

impl Write for EconomyParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.usage_share_bps.write(buf);
        self.usage_fee_bps.write(buf);
        self.subsidy_per_usage_bps.write(buf);
        self.subsidy_floor_initial.write(buf);
        self.subsidy_floor_epochs.write(buf);
        self.remint_cap_per_epoch.write(buf);
    }
}

impl Read for EconomyParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            usage_share_bps: u16::read(buf)?,
            usage_fee_bps: u16::read(buf)?,
            subsidy_per_usage_bps: u32::read(buf)?,
            subsidy_floor_initial: u64::read(buf)?,
            subsidy_floor_epochs: u64::read(buf)?,
            remint_cap_per_epoch: u64::read(buf)?,
        })
    }
}

impl FixedSize for EconomyParams {
    const SIZE: usize = 2 + 2 + 4 + 8 + 8 + 8;
}

/// One device's usage in an epoch's close: its credits, their face value and what it is paid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UsageLine {
    /// Credits consumers paid it (the epochs this close settles).
    pub credits: u64,
    /// Their face value in TRN base units at the close's price.
    pub face: u64,
    /// What it is paid, base units.
    pub paid: u64,
}

impl Write for UsageLine {
    fn write(&self, buf: &mut impl BufMut) {
        self.credits.write(buf);
        self.face.write(buf);
        self.paid.write(buf);
    }
}

impl Read for UsageLine {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            credits: u64::read(buf)?,
            face: u64::read(buf)?,
            paid: u64::read(buf)?,
        })
    }
}

impl FixedSize for UsageLine {
    const SIZE: usize = 24;
}

/// What the burn-and-mint rules decided for one epoch (every figure in base units unless
/// named otherwise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Economy {
    /// The schedule's emission.
    pub base_emission: u64,
    /// TRN burned for credits re-minted into this epoch.
    pub reminted: u64,
    /// The price usage was converted at, micro-USD per TRN; 0 when the close had no fresh
    /// price (usage is then deferred to the next close with one, never converted stale).
    pub price: u64,
    /// Credits of usage settled.
    pub usage_credits: u64,
    /// Their face value.
    pub usage_face: u64,
    /// The network's take (face − net): never minted.
    pub usage_fee: u64,
    /// What usage may take of the emission.
    pub usage_cap: u64,
    /// Paid to devices for usage.
    pub usage_paid: u64,
    /// What pro-rata rounding left over: to the treasury.
    pub usage_dust: u64,
    /// Net usage above the cap: not paid (pro rata), never minted.
    pub usage_cut: u64,
    /// The subsidy floor this epoch.
    pub subsidy_floor: u64,
    /// The subsidy bound: `k × usage_paid + floor`.
    pub subsidy_bound: u64,
    /// The subsidy: split into the class pools.
    pub subsidy: u64,
    /// Emission the bound left unissued.
    pub bound_not_issued: u64,
}

impl Economy {
    /// The epoch's emission: schedule plus re-mint.
    pub fn emission(&self) -> u64 {
        self.base_emission.saturating_add(self.reminted)
    }
}

impl Write for Economy {
    fn write(&self, buf: &mut impl BufMut) {
        for v in [
            self.base_emission,
            self.reminted,
            self.price,
            self.usage_credits,
            self.usage_face,
            self.usage_fee,
            self.usage_cap,
            self.usage_paid,
            self.usage_dust,
            self.usage_cut,
            self.subsidy_floor,
            self.subsidy_bound,
            self.subsidy,
            self.bound_not_issued,
        ] {
            v.write(buf);
        }
    }
}

impl Read for Economy {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        // Field initialisers run in the order written: the encoding's order.
        Ok(Self {
            base_emission: u64::read(buf)?,
            reminted: u64::read(buf)?,
            price: u64::read(buf)?,
            usage_credits: u64::read(buf)?,
            usage_face: u64::read(buf)?,
            usage_fee: u64::read(buf)?,
            usage_cap: u64::read(buf)?,
            usage_paid: u64::read(buf)?,
            usage_dust: u64::read(buf)?,
            usage_cut: u64::read(buf)?,
            subsidy_floor: u64::read(buf)?,
            subsidy_bound: u64::read(buf)?,
            subsidy: u64::read(buf)?,
            bound_not_issued: u64::read(buf)?,
        })
    }
}

impl FixedSize for Economy {
    const SIZE: usize = 14 * 8;
}

/// The subsidy floor of `epoch`: `floor_0 × (T − e) / T`, zero from epoch `T` on.
pub fn subsidy_floor(epoch: Epoch, p: &EconomyParams) -> u64 {
    let t = u128::from(p.subsidy_floor_epochs.max(1));
    let e = u128::from(epoch.get());
    if e >= t {
        return 0;
    }
    // floor_0 × (t − e) / t ≤ floor_0: fits.
    u64::try_from(u128::from(p.subsidy_floor_initial) * (t - e) / t).unwrap_or(u64::MAX)
}

/// The face value of `credits` in TRN base units at `price` micro-USD per TRN (rounded down;
/// `u64::MAX` if it does not fit, impossible for credits bought with real TRN).
pub fn face_value(credits: u64, price: u64, micro_usd_per_credit: u64) -> u64 {
    if price == 0 {
        return 0;
    }
    let usd = u128::from(credits) * u128::from(micro_usd_per_credit);
    u64::try_from(usd * 10u128.pow(TOKEN_DECIMALS) / u128::from(price)).unwrap_or(u64::MAX)
}

/// Applies the rules of the module doc to one close: `usage` is each device's settled
/// credits (in the order lines are reported), `price` the close's fresh price (`None`: usage is
/// deferred and not in `usage`). Returns the figures and one usage line per device of `usage`,
/// in its order.
///
/// Conservation (asserted): `usage_paid + usage_dust + subsidy + bound_not_issued ==
/// base_emission + reminted`, and per usage line `paid ≤ face`.
pub fn plan(
    epoch: Epoch,
    base_emission: u64,
    reminted: u64,
    usage: &[(DeviceId, u64)],
    price: Option<u64>,
    micro_usd_per_credit: u64,
    p: &EconomyParams,
) -> (Economy, Vec<(DeviceId, UsageLine)>) {
    let mut out = Economy {
        base_emission,
        reminted,
        price: price.unwrap_or(0),
        subsidy_floor: subsidy_floor(epoch, p),
        ..Economy::default()
    };
    let emission = out.emission();
    out.usage_cap = u64::try_from(u128::from(emission) * u128::from(p.usage_share_bps) / ONE)
        .expect("at most the emission");
    let fee = u128::from(p.usage_fee_bps);
    let mut lines: Vec<(DeviceId, UsageLine)> = Vec::new();
    let mut net_total: u128 = 0;
    if let Some(price) = price {
        for (device, credits) in usage {
            let face = face_value(*credits, price, micro_usd_per_credit);
            let net = u64::try_from(u128::from(face) * (ONE - fee) / ONE).expect("at most face");
            out.usage_credits = out.usage_credits.saturating_add(*credits);
            out.usage_face = out.usage_face.saturating_add(face);
            out.usage_fee = out.usage_fee.saturating_add(face - net);
            net_total += u128::from(net);
            lines.push((
                *device,
                UsageLine {
                    credits: *credits,
                    face,
                    paid: net,
                },
            ));
        }
    }
    let cap = u128::from(out.usage_cap);
    if net_total > cap {
        // Pro rata: each line gets its share of the cap, rounded down.
        for (_, line) in &mut lines {
            line.paid = u64::try_from(u128::from(line.paid) * cap / net_total)
                .expect("at most the line's net");
        }
        out.usage_cut = u64::try_from(net_total - cap).unwrap_or(u64::MAX);
        let paid: u128 = lines.iter().map(|(_, l)| u128::from(l.paid)).sum();
        out.usage_paid = u64::try_from(paid).expect("at most the cap");
        out.usage_dust = out.usage_cap - out.usage_paid;
    } else {
        out.usage_paid = u64::try_from(net_total).expect("at most the cap");
    }
    let available = emission - out.usage_paid - out.usage_dust;
    let bound = u128::from(out.usage_paid) * u128::from(p.subsidy_per_usage_bps) / ONE
        + u128::from(out.subsidy_floor);
    out.subsidy_bound = u64::try_from(bound).unwrap_or(u64::MAX);
    out.subsidy = available.min(out.subsidy_bound);
    out.bound_not_issued = available - out.subsidy;
    assert_eq!(
        u128::from(out.usage_paid)
            + u128::from(out.usage_dust)
            + u128::from(out.subsidy)
            + u128::from(out.bound_not_issued),
        u128::from(emission),
        "burn-and-mint must conserve the emission"
    );
    (out, lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dev(n: u8) -> DeviceId {
        DeviceId::new([n; 32])
    }

    const TRN: u64 = 1_000_000;

    fn params() -> EconomyParams {
        EconomyParams {
            subsidy_floor_initial: 600 * TRN,
            subsidy_floor_epochs: 10,
            ..EconomyParams::default()
        }
    }

    #[test]
    fn usage_is_paid_at_face_value_less_the_fee_before_any_subsidy() {
        // $2 per TRN, 1 credit = $0.00001: 2,000,000 credits ($20) are 10 TRN at face value.
        let usage = [(dev(1), 1_500_000), (dev(2), 500_000)];
        let (e, lines) = plan(
            Epoch::new(5),
            1_000 * TRN,
            0,
            &usage,
            Some(2 * TRN),
            10,
            &params(),
        );
        assert_eq!(
            lines[0].1,
            UsageLine {
                credits: 1_500_000,
                face: 7_500_000,
                paid: 6_000_000
            }
        );
        assert_eq!(
            lines[1].1,
            UsageLine {
                credits: 500_000,
                face: 2_500_000,
                paid: 2_000_000
            }
        );
        assert_eq!(
            (e.usage_face, e.usage_fee, e.usage_paid),
            (10 * TRN, 2 * TRN, 8 * TRN)
        );
        // Floor at epoch 5 of 10: 300 TRN; the bound is a quarter of 8 TRN on top.
        assert_eq!(e.subsidy_floor, 300 * TRN);
        assert_eq!(e.subsidy_bound, 302 * TRN);
        assert_eq!(e.subsidy, 302 * TRN);
        assert_eq!(e.bound_not_issued, 1_000 * TRN - 8 * TRN - 302 * TRN);
    }

    #[test]
    fn usage_above_its_share_of_the_emission_is_paid_pro_rata() {
        // 100 TRN of emission, usage may take 50; net usage owed is 80 and 20 TRN.
        let usage = [(dev(1), 5_000_000), (dev(2), 1_250_000)];
        let (e, lines) = plan(
            Epoch::new(20),
            100 * TRN,
            0,
            &usage,
            Some(TRN / 2),
            10,
            &params(),
        );
        assert_eq!(lines[0].1.face, 100 * TRN);
        assert_eq!((lines[0].1.paid, lines[1].1.paid), (40 * TRN, 10 * TRN));
        assert_eq!(
            (e.usage_paid, e.usage_cut, e.usage_dust),
            (50 * TRN, 50 * TRN, 0)
        );
        // No floor any more: the subsidy is a quarter of the paid usage.
        assert_eq!((e.subsidy_floor, e.subsidy), (0, 12_500_000));
    }

    #[test]
    fn without_a_fresh_price_no_usage_is_converted_and_the_floor_still_applies() {
        let (e, lines) = plan(
            Epoch::ZERO,
            1_000 * TRN,
            0,
            &[(dev(1), 9_999)],
            None,
            10,
            &params(),
        );
        assert!(lines.is_empty());
        assert_eq!((e.price, e.usage_paid, e.subsidy), (0, 0, 600 * TRN));
    }

    #[test]
    fn a_network_without_customers_winds_its_subsidy_down_to_zero() {
        let subsidy = |epoch| {
            plan(
                Epoch::new(epoch),
                1_000 * TRN,
                0,
                &[],
                Some(TRN),
                10,
                &params(),
            )
            .0
            .subsidy
        };
        assert_eq!(subsidy(0), 600 * TRN);
        assert_eq!(subsidy(5), 300 * TRN);
        assert_eq!(subsidy(9), 60 * TRN);
        assert_eq!(subsidy(10), 0);
        assert_eq!(subsidy(1_000), 0);
    }

    #[test]
    fn the_parameters_refuse_a_subsidy_factor_that_would_pay_self_dealing() {
        EconomyParams::default().validate().unwrap();
        let greedy = EconomyParams {
            subsidy_per_usage_bps: 2_501,
            ..EconomyParams::default()
        };
        assert!(
            greedy
                .validate()
                .unwrap_err()
                .contains("subsidy than the fee costs")
        );
        let free = EconomyParams {
            usage_fee_bps: 0,
            subsidy_per_usage_bps: 0,
            ..EconomyParams::default()
        };
        free.validate().unwrap();
        let free_with_subsidy = EconomyParams {
            usage_fee_bps: 0,
            subsidy_per_usage_bps: 1,
            ..EconomyParams::default()
        };
        assert!(free_with_subsidy.validate().is_err());
    }

    proptest! {
        #[test]
        fn the_plan_conserves_the_emission_and_never_pays_above_face(
            base in 0u64..20_000_000_000,
            remint in 0u64..2_000_000_000,
            usage in prop::collection::vec(0u64..50_000_000, 0..20),
            price in prop::option::of(1u64..100_000_000),
            epoch in 0u64..30,
            share in 0u16..=10_000,
        ) {
            let p = EconomyParams { usage_share_bps: share, ..params() };
            let usage: Vec<_> = usage.into_iter().enumerate().map(|(i, c)| (dev(u8::try_from(i).unwrap()), c)).collect();
            let (e, lines) = plan(Epoch::new(epoch), base, remint, &usage, price, 10, &p);
            prop_assert!(lines.iter().all(|(_, l)| l.paid <= l.face));
            prop_assert_eq!(lines.iter().map(|(_, l)| l.paid).sum::<u64>(), e.usage_paid);
            prop_assert!(e.usage_paid + e.usage_dust <= e.usage_cap);
            prop_assert!(e.subsidy <= e.subsidy_bound);
        }
    }
}
