//! The whole reward path through the executor, block by block: hotspots register, witness and
//! reveal on schedule, epochs close and credit them, owners claim, and a sale pays the seller
//! what the device earned before it changed hands. Every module invariant is checked after
//! every block.

mod common;

use common::TestChain;
use commonware_codec::Encode;
use futures::executor::block_on;
use terrane_accounts::handler as accounts;
use terrane_app::{
    Genesis, Outcome, Payload,
    events::EventKind,
    testkit::{address_of, named_key},
};
use terrane_coverage::{
    KIND_BEACON, KIND_WITNESS,
    msg::{Beacon, Witness, commitment},
};
use terrane_devices::{
    msg::TransferDevice,
    testkit::{id_of, key},
};
use terrane_geo::offchain::{cell_at, offset};
use terrane_pow::msg::SubmitReports;
use terrane_primitives::{Address, Amount, DeviceId, Epoch};
use terrane_rewards::{events::RewardsEvent, handler as rewards, msg::ClaimRewards};
use terrane_staking::{msg::Stake, types::Target};
use terrane_state::Overlay;

const EPOCH: u64 = 30;
const NONCE: [u8; 16] = [3; 16];
const HOTSPOTS: [(&str, &str, f64); 3] = [
    ("hs-a", "ann", 0.0),
    ("hs-b", "ben", 2.0),
    ("hs-c", "cat", 4.0),
];

test_chain!(
    /// The hotspots' chain: [`TestChain`] with short epochs, one duty window, one approved maker.
    Chain
);

impl Chain {
    fn new() -> Self {
        Self::with(|_| {})
    }

    /// The chain with `tweak` applied to its genesis; `oracle` is listed as the one oracle
    /// and funded, as is `dan`, a consumer.
    fn with(tweak: impl FnOnce(&mut Genesis)) -> Self {
        let mut owners: Vec<(Address, Amount)> = ["ann", "ben", "cat", "relay", "dan", "oracle"]
            .iter()
            .map(|n| {
                (
                    address_of(&named_key(n)),
                    Amount::from_tokens(1_000).unwrap(),
                )
            })
            .collect();
        owners.sort();
        let mut g = Genesis::for_tests("rewards-flow", &owners);
        g.makers = vec![address_of(&key("maker")).to_string()];
        g.params.pow.epoch_length_blocks = EPOCH;
        g.params.pow.windows_per_epoch = 1;
        g.params.pow.window_grace_blocks = 10;
        g.params.rewards.vetting_valid_reports = 1;
        g.params.oracle.oracles = vec![address_of(&named_key("oracle")).to_string()];
        tweak(&mut g);
        let holders = ["ann", "ben", "cat", "relay", "dan", "oracle"]
            .iter()
            .map(|n| address_of(&named_key(n)))
            .collect();
        Self(TestChain::new(g, holders))
    }

    /// Executes the next block; every transaction must succeed.
    fn block(&mut self, txs: Vec<Vec<u8>>) -> Vec<EventKind> {
        let out = self.execute(txs);
        for t in &out.txs {
            assert_eq!(t.outcome, Outcome::OK, "block {}: {t:?}", self.height);
        }
        out.events.into_iter().map(|e| e.kind).collect()
    }

    fn report(&self, device: &str, kind: u8, payload: Vec<u8>) -> terrane_pow::types::SignedReport {
        let epoch = Epoch::new(self.height / EPOCH);
        self.coverage_report(&key(device), epoch, kind, payload)
    }

    /// Runs one epoch of coverage work (hs-b and hs-c witness hs-a), up to its last block.
    fn work_one_epoch(&mut self) {
        self.work_one_epoch_with(|_| {});
    }

    /// [`Self::work_one_epoch`], running `during` (which may add blocks) in its work phase.
    fn work_one_epoch_with(&mut self, during: impl FnOnce(&mut Self)) {
        let start = self.height; // the next block is the epoch's first
        assert_eq!(start % EPOCH, 0);
        self.block(vec![]);
        let beaconer = id_of(&key("hs-a"));
        let sent = self.ts();
        let witnesses: Vec<_> = [("hs-b", -900i16), ("hs-c", -1000)]
            .iter()
            .map(|(w, rssi)| {
                let body = Witness {
                    beaconer,
                    commitment: commitment(&beaconer, &NONCE),
                    rssi_dbm_x10: *rssi,
                    snr_db_x10: 60,
                    frequency_khz: 868_100,
                    timestamp_ms: sent + 100,
                };
                self.report(w, KIND_WITNESS, body.encode().to_vec())
            })
            .collect();
        let relay = named_key("relay");
        let tx = self.tx(
            &relay,
            Payload::SubmitReports(SubmitReports { reports: witnesses }),
        );
        self.block(vec![tx]);
        during(self);
        // Work phase: blocks 1..=20 of the epoch; the reveal lands in block 21.
        while self.height < start + 20 {
            self.block(vec![]);
        }
        let beacon = Beacon {
            nonce: NONCE,
            frequency_khz: 868_100,
            timestamp_ms: sent,
        };
        let reveal = self.report("hs-a", KIND_BEACON, beacon.encode().to_vec());
        let tx = self.tx(
            &relay,
            Payload::SubmitReports(SubmitReports {
                reports: vec![reveal],
            }),
        );
        self.block(vec![tx]);
        while self.height < start + EPOCH {
            self.block(vec![]);
        }
    }

    /// Registers and bonds the three hotspots, each by its owner, in the next block.
    fn register_hotspots(&mut self) {
        // Registered and bonded (an unbonded device earns nothing).
        let regs: Vec<Vec<u8>> = HOTSPOTS
            .iter()
            .flat_map(|(name, owner, km)| {
                self.register_bonded_hotspot(&named_key(owner), &key(name), cell(*km))
            })
            .collect();
        self.block(regs);
    }

    fn claimable(&self, device: &DeviceId) -> Amount {
        let o = Overlay::new(&self.store);
        block_on(rewards::device_rewards(&o, device))
            .unwrap()
            .claimable()
    }

    fn balance(&self, who: &Address) -> Amount {
        let o = Overlay::new(&self.store);
        block_on(accounts::account(&o, who)).unwrap().balance
    }
}

fn fee_of(raw: &[u8]) -> Amount {
    terrane_app::SignedTransaction::decode_bounded(raw)
        .unwrap()
        .tx
        .fee
}

fn cell(km: f64) -> terrane_geo::H3Cell {
    let (lat, lng) = offset(52.52, 13.405, km * 1000.0, 0.0);
    cell_at(lat, lng, 12)
}

#[test]
fn hotspots_earn_claim_and_a_sale_pays_the_seller_what_the_device_earned_before_it() {
    let mut c = Chain::new();
    // Epoch 0: registrations in block 1, then nothing to witness yet.
    c.register_hotspots();
    while c.height < EPOCH {
        c.block(vec![]);
    }

    // Epoch 1 works; its close (first block of epoch 2) credits the beaconer.
    c.work_one_epoch();
    let hs_a = id_of(&key("hs-a"));
    assert_eq!(
        c.claimable(&hs_a),
        Amount::ZERO,
        "credited only at the close"
    );
    let closed = c.block(vec![]);
    assert!(
        closed.iter().any(
            |k| matches!(k, EventKind::Rewards(RewardsEvent::EpochClosed { epoch, .. }) if *epoch == Epoch::new(1))
        )
    );
    let earned = c.claimable(&hs_a);
    assert!(!earned.is_zero(), "the beaconer earned in epoch 1");
    assert!(
        !c.claimable(&id_of(&key("hs-b"))).is_zero(),
        "so did its witnesses"
    );

    // Ann claims: her balance rises by exactly the claimable amount, less the fee.
    let ann = named_key("ann");
    let before = c.balance(&address_of(&ann));
    let claim = c.tx(&ann, Payload::ClaimRewards(ClaimRewards { device: hs_a }));
    let fee = fee_of(&claim);
    c.block(vec![claim]);
    assert_eq!(
        c.balance(&address_of(&ann)),
        before
            .checked_add(earned)
            .unwrap()
            .checked_sub(fee)
            .unwrap()
    );
    assert_eq!(c.claimable(&hs_a), Amount::ZERO);

    // Finish epoch 2 (it started with the close block) and let epoch 3 close too.
    while c.height < 3 * EPOCH {
        c.block(vec![]);
    }
    c.work_one_epoch();
    c.block(vec![]); // closes epoch 3
    let unclaimed = c.claimable(&hs_a);
    assert!(!unclaimed.is_zero());

    // Ann sells hs-a to Dan without claiming: the sale pays her the unclaimed rewards.
    let dan = address_of(&named_key("dan"));
    let before_dan = c.balance(&dan);
    let before = c.balance(&address_of(&ann));
    let sale = c.tx(
        &ann,
        Payload::TransferDevice(TransferDevice {
            device: hs_a,
            new_owner: dan,
        }),
    );
    let fee = fee_of(&sale);
    let events = c.block(vec![sale]);
    assert!(
        events
            .iter()
            .any(|k| matches!(k, EventKind::Rewards(RewardsEvent::Claimed { amount, .. }) if *amount == unclaimed))
    );
    assert_eq!(
        c.balance(&address_of(&ann)),
        before
            .checked_add(unclaimed)
            .unwrap()
            .checked_sub(fee)
            .unwrap()
    );
    assert_eq!(
        c.claimable(&hs_a),
        Amount::ZERO,
        "nothing of Ann's is left for Dan"
    );
    assert_eq!(c.balance(&dan), before_dan);
}

#[test]
fn a_relocated_hotspot_works_through_its_cooldown_unpaid_then_earns_again() {
    use terrane_devices::msg::AssertLocation;
    let mut c = Chain::new();
    c.register_hotspots();
    // Cat moves hs-c half a kilometre closer in epoch 0: the coverage class's reaction to the
    // devices module's `Relocated` event starts its cooldown.
    let cat = named_key("cat");
    let hs_c = id_of(&key("hs-c"));
    let mv = c.tx(
        &cat,
        Payload::AssertLocation(AssertLocation {
            device: hs_c,
            location: cell(3.5),
        }),
    );
    c.block(vec![mv]);
    let cooldown = c.exec.genesis().params.coverage.relocation_cooldown_epochs;
    let hs_c_record = {
        let o = Overlay::new(&c.store);
        block_on(terrane_devices::handler::device(&o, &hs_c))
            .unwrap()
            .unwrap()
    };
    let from = block_on(terrane_app::modules::eligible_from(
        &Overlay::new(&c.store),
        &hs_c_record,
    ))
    .unwrap();
    assert_eq!(from, Epoch::new(cooldown + 1));
    while c.height < EPOCH {
        c.block(vec![]);
    }

    let line = |c: &Chain, epoch: u64, name: &str| {
        block_on(rewards::line(
            &Overlay::new(&c.store),
            Epoch::new(epoch),
            &id_of(&key(name)),
        ))
        .unwrap()
        .expect("a reward line")
        .breakdown
    };
    assert_eq!(cooldown, 2, "the epochs below assume the default cooldown");
    // Epoch 1, inside the cooldown: hs-c still witnesses (its units count) but is not paid.
    c.work_one_epoch();
    c.block(vec![]); // closes epoch 1
    let c_line = line(&c, 1, "hs-c");
    assert!(c_line.units > 0, "its witness still counted");
    assert!(!c_line.eligible && c_line.amount == 0, "{c_line:?}");
    assert!(line(&c, 1, "hs-b").amount > 0, "its peer is paid");
    // Epoch 3, the first after the cooldown, pays it again.
    while c.height < 3 * EPOCH {
        c.block(vec![]);
    }
    c.work_one_epoch();
    c.block(vec![]); // closes epoch 3
    let c_line = line(&c, 3, "hs-c");
    assert!(c_line.eligible && c_line.amount > 0, "{c_line:?}");
}

// ── burn-and-mint: usage first, the subsidy bound, self-dealing ─────────────────────────────

/// $1.00 per TRN.
const ONE_DOLLAR: u64 = 1_000_000;
const TRN: u64 = 1_000_000;

impl Chain {
    /// The oracle reports `price` in the next block (fresh for ten minutes: 600 blocks).
    fn report_price(&mut self, price: u64) {
        let ts = self.ts() + 1_000;
        let tx = self.tx(
            &named_key("oracle"),
            Payload::SubmitPrice(terrane_oracle::msg::SubmitPrice {
                price: terrane_oracle::types::MicroUsdPerTrn::new(price),
                timestamp: terrane_primitives::TimestampMs::new(ts),
            }),
        );
        self.block(vec![tx]);
    }

    /// `payer` burns `trn` whole TRN for credits, opens a session with `hotspot` escrowing all
    /// of them, and returns the session id and the fees it paid.
    fn buy_and_open(&mut self, payer: &str, hotspot: &str, trn: u64) -> (u64, Amount) {
        let k = named_key(payer);
        let buy = self.tx(
            &k,
            Payload::BurnForCredits(terrane_credits::msg::BurnForCredits {
                to: address_of(&k),
                amount: Amount::from_tokens(trn).unwrap(),
            }),
        );
        let credits = trn * 100_000;
        let open = self.tx(
            &k,
            Payload::OpenSession(terrane_sessions::msg::OpenSession {
                device: id_of(&key(hotspot)),
                deposit: terrane_credits::types::Credits::new(credits),
                duration_blocks: 1_000,
            }),
        );
        let fees = fee_of(&buy).checked_add(fee_of(&open)).unwrap();
        self.block(vec![buy, open]);
        let id = block_on(terrane_credits::handler::ledger(&Overlay::new(&self.store)))
            .unwrap()
            .escrows_opened;
        (id, fees)
    }

    /// `payer` signs a receipt for `bytes` on `session` and `relay` submits it; returns the
    /// relay's fee.
    fn pay_receipt(
        &mut self,
        payer: &str,
        relay: &str,
        session: u64,
        bytes: u64,
        nonce: u64,
    ) -> Amount {
        use commonware_cryptography::Signer as _;
        let receipt = terrane_sessions::types::Receipt {
            session: terrane_credits::types::EscrowId::new(session),
            bytes,
            nonce,
        };
        let ns =
            terrane_sessions::types::Receipt::signing_namespace(&self.exec.genesis().chain_id());
        let msg = terrane_sessions::msg::SubmitReceipt {
            receipt,
            signature: named_key(payer).sign(&ns, &receipt.message()),
        };
        let tx = self.tx(&named_key(relay), Payload::SubmitReceipt(msg));
        let fee = fee_of(&tx);
        self.block(vec![tx]);
        fee
    }

    fn summary(&self, epoch: u64) -> terrane_rewards::types::EpochSummary {
        block_on(rewards::summary(
            &Overlay::new(&self.store),
            Epoch::new(epoch),
        ))
        .unwrap()
        .expect("closed")
    }

    fn reward_line(&self, epoch: u64, device: &str) -> terrane_rewards::types::RewardLine {
        block_on(rewards::line(
            &Overlay::new(&self.store),
            Epoch::new(epoch),
            &id_of(&key(device)),
        ))
        .unwrap()
        .expect("a reward line")
    }

    /// What `owner` holds in TRN plus what `device` may still claim.
    fn worth(&self, owner: &str, device: &str) -> u64 {
        self.balance(&address_of(&named_key(owner))).get()
            + self.claimable(&id_of(&key(device))).get()
    }
}

/// Epoch 0: hotspots register and the oracle reports $1; returns at the end of epoch 0.
fn economy_chain(tweak: impl FnOnce(&mut Genesis)) -> Chain {
    let mut c = Chain::with(tweak);
    c.register_hotspots();
    c.report_price(ONE_DOLLAR);
    c
}

fn to_epoch_end(c: &mut Chain, epoch: u64) {
    while c.height < (epoch + 1) * EPOCH {
        c.block(vec![]);
    }
}

/// No floor: the subsidy is bounded by paid usage alone.
fn no_floor(g: &mut Genesis) {
    g.params.rewards.economy.subsidy_floor_initial = 0;
}

#[test]
fn usage_is_paid_before_the_subsidy_and_bounds_it_with_exact_numbers() {
    let mut c = economy_chain(no_floor);
    // Dan, a customer, buys 10 TRN of credits (1,000,000) and spends them all on hs-b.
    let (session, _) = c.buy_and_open("dan", "hs-b", 10);
    to_epoch_end(&mut c, 0);
    c.work_one_epoch_with(|c| {
        // 24,000,000 bytes at 24 bytes a credit: every credit.
        c.pay_receipt("dan", "relay", session, 24_000_000, 1);
    });
    c.block(vec![]); // closes epoch 1
    let s = c.summary(1);
    let e = s.economy;
    // The default schedule at epoch 1 is 10,000 TRN; the validators take 5 % off the top
    // and burn-and-mint plans the rest (nothing burned re-minted yet).
    assert_eq!(s.validators, 500 * TRN);
    let emission = 9_500 * TRN;
    assert_eq!((e.base_emission, e.price), (emission, ONE_DOLLAR));
    assert_eq!(e.reminted, 0);
    assert_eq!(
        c.summary(0).economy.reminted,
        10 * TRN,
        "the 10 TRN Dan burned in epoch 0 came back in its emission"
    );
    assert_eq!(
        (e.usage_credits, e.usage_face, e.usage_fee, e.usage_paid),
        (1_000_000, 10 * TRN, 2 * TRN, 8 * TRN),
        "face value $10 = 10 TRN at $1, less the 20 % fee"
    );
    assert_eq!(
        e.subsidy_bound,
        2 * TRN,
        "a quarter of the paid usage, no floor"
    );
    assert_eq!(e.subsidy, 2 * TRN);
    assert_eq!(e.bound_not_issued, emission - 8 * TRN - 2 * TRN);
    // Coverage's pool is its 10 % of the subsidy: 200,000 base units over three hotspots.
    assert_eq!(s.class(terrane_coverage::CLASS).unwrap().pool, 200_000);
    // hs-b is paid exactly its usage's net value on top of its share of the subsidy; what
    // consumers paid it in credits is exactly what its line settles.
    let b = c.reward_line(1, "hs-b");
    assert_eq!(
        b.usage,
        terrane_rewards::economy::UsageLine {
            credits: 1_000_000,
            face: 10 * TRN,
            paid: 8 * TRN
        }
    );
    assert_eq!(b.total(), 8 * TRN + b.breakdown.amount);
    assert_eq!(c.claimable(&id_of(&key("hs-b"))).get(), b.total());
    assert_eq!(
        block_on(terrane_credits::handler::ledger(&Overlay::new(&c.store)))
            .unwrap()
            .spent
            .get(),
        1_000_000,
        "every credit Dan paid reached the hotspot's usage ledger"
    );
}

#[test]
fn a_network_without_customers_and_no_floor_pays_no_subsidy() {
    let mut c = economy_chain(no_floor);
    to_epoch_end(&mut c, 0);
    c.work_one_epoch();
    c.block(vec![]);
    let s = c.summary(1);
    assert_eq!((s.economy.usage_paid, s.economy.subsidy), (0, 0));
    assert_eq!(s.distributed_total(), 0);
    assert_eq!(
        s.not_issued + s.validators,
        s.emission,
        "nothing is minted for capacity nobody buys (validators are paid regardless)"
    );
}

/// Ann owns hs-a. In one chain she pays her own hotspot `trn` TRN of credits; in the other
/// she does nothing. Returns her worth (balance + claimable) in both, after epoch 1 closes.
fn self_dealing(tweak: fn(&mut Genesis), trn: u64) -> (u64, u64, Amount) {
    let run = |deal: bool| {
        let mut c = economy_chain(tweak);
        let mut fees = Amount::ZERO;
        let session = deal.then(|| {
            let (s, f) = c.buy_and_open("ann", "hs-a", trn);
            fees = fees.checked_add(f).unwrap();
            s
        });
        to_epoch_end(&mut c, 0);
        c.work_one_epoch_with(|c| {
            if let Some(s) = session {
                let f = c.pay_receipt("ann", "ann", s, trn * 100_000 * 24, 1);
                fees = fees.checked_add(f).unwrap();
            }
        });
        c.block(vec![]);
        (c.worth("ann", "hs-a"), fees)
    };
    let (honest, _) = run(false);
    let (dealt, fees) = run(true);
    (honest, dealt, fees)
}

#[test]
fn self_dealing_loses_money_when_the_subsidy_bound_binds() {
    // No floor: every base unit of subsidy exists only because of paid usage, so Ann's
    // usage raises the subsidy — but for everyone's pool, and her hotspot's share of it is
    // far below what the 20 % fee costs her.
    let (honest, dealt, fees) = self_dealing(no_floor, 100);
    // She burned 100 TRN, got 80 back as usage, and her share of the 20 TRN of subsidy it
    // allowed: coverage's 10 % of it (2 TRN) split with the two witnesses.
    let loss = honest - dealt;
    assert!(loss > 18 * TRN, "lost {loss}");
    assert!(loss < 20 * TRN + fees.get(), "lost {loss}");
}

#[test]
fn self_dealing_loses_the_fee_when_the_floor_pays_the_subsidy() {
    // The default floor (20,000 TRN an epoch) exceeds the emission: the bound does not bind,
    // the subsidy is what usage leaves, and Ann's usage only takes from it. Without demand
    // backing (rule 2b, off here) her usage backs nothing: she loses the fee exactly. With it,
    // her own payment backs at most what the fee costs (market_sim measures that case).
    let (honest, dealt, fees) = self_dealing(
        |g| {
            for pool in &mut g.params.rewards.classes {
                pool.backed_bps = 0;
            }
        },
        100,
    );
    assert_eq!(
        honest - dealt,
        20 * TRN + fees.get(),
        "the 20 % fee and the fees, exactly"
    );
}

#[test]
fn usage_in_a_close_without_a_fresh_price_is_deferred_to_the_next_close_never_lost() {
    let mut c = economy_chain(|g| {
        // Reports go stale after 40 s (40 blocks).
        g.params.oracle.max_report_age_ms = 40_000;
    });
    let (session, _) = c.buy_and_open("dan", "hs-b", 1);
    to_epoch_end(&mut c, 0);
    c.work_one_epoch_with(|c| {
        c.pay_receipt("dan", "relay", session, 2_400_000, 1); // all 100,000 credits
    });
    c.block(vec![]); // closes epoch 1, more than 40 s after the price
    let s = c.summary(1);
    assert_eq!(
        (s.economy.price, s.economy.usage_paid),
        (0, 0),
        "no fresh price: deferred"
    );
    assert_eq!(c.reward_line(1, "hs-b").usage.paid, 0);
    // A fresh price in epoch 2; its close settles epoch 1's usage.
    to_epoch_end(&mut c, 1);
    while c.height < 3 * EPOCH - 2 {
        c.block(vec![]);
    }
    c.report_price(2 * ONE_DOLLAR);
    to_epoch_end(&mut c, 2);
    c.block(vec![]); // closes epoch 2
    let s = c.summary(2);
    assert_eq!(s.economy.price, 2 * ONE_DOLLAR);
    assert_eq!(s.economy.usage_credits, 100_000);
    // $1 of credits at $2 is half a TRN, less the fee.
    assert_eq!(c.reward_line(2, "hs-b").usage.paid, 400_000);
}

#[test]
fn an_unbonded_device_earns_nothing_and_a_sold_one_earns_again_once_its_buyer_bonds() {
    use terrane_staking::msg::Unstake;
    let mut c = Chain::new();
    c.register_hotspots();
    let (hs_a, hs_b, hs_c) = (
        id_of(&key("hs-a")),
        id_of(&key("hs-b")),
        id_of(&key("hs-c")),
    );
    let min_bond = Amount::new(c.exec.genesis().params.staking.min_device_bond);
    // Ben takes hs-b's whole bond back in epoch 0: hs-b still witnesses, unbonded.
    let ben = named_key("ben");
    let unbond = c.tx(
        &ben,
        Payload::Unstake(Unstake {
            target: Target::Device(hs_b),
            amount: min_bond,
        }),
    );
    c.block(vec![unbond]);
    while c.height < EPOCH {
        c.block(vec![]);
    }
    c.work_one_epoch();
    c.block(vec![]); // closes epoch 1
    assert!(!c.claimable(&hs_a).is_zero(), "bonded hs-a earned");
    assert!(!c.claimable(&hs_c).is_zero(), "bonded hs-c earned");
    assert_eq!(
        c.claimable(&hs_b),
        Amount::ZERO,
        "unbonded hs-b earned nothing"
    );

    // Ann sells hs-a to Dan in epoch 2: Ann's bond stays Ann's, so hs-a is unbonded under Dan.
    let ann = named_key("ann");
    let dan = named_key("dan");
    let sale = c.tx(
        &ann,
        Payload::TransferDevice(TransferDevice {
            device: hs_a,
            new_owner: address_of(&dan),
        }),
    );
    c.block(vec![sale]);
    assert_eq!(c.claimable(&hs_a), Amount::ZERO, "the sale paid Ann out");
    while c.height < 3 * EPOCH {
        c.block(vec![]);
    }
    c.work_one_epoch();
    c.block(vec![]); // closes epoch 3
    assert_eq!(
        c.claimable(&hs_a),
        Amount::ZERO,
        "sold and not yet bonded by Dan"
    );
    assert!(!c.claimable(&hs_c).is_zero());

    // Dan bonds: he takes the pool over (Ann's stake becomes a delegation) and hs-a earns.
    let bond = c.tx(
        &dan,
        Payload::Stake(Stake {
            target: Target::Device(hs_a),
            amount: min_bond,
        }),
    );
    c.block(vec![bond]);
    while c.height < 5 * EPOCH {
        c.block(vec![]);
    }
    c.work_one_epoch();
    c.block(vec![]); // closes epoch 5
    assert!(
        !c.claimable(&hs_a).is_zero(),
        "bonded by its buyer, hs-a earns again"
    );
}

#[test]
fn delegators_share_a_devices_reward_by_stake_and_every_base_unit_lands_somewhere() {
    use terrane_staking::{handler as staking, msg::ClaimStakeRewards};
    let mut c = Chain::new();
    c.register_hotspots();
    let hs_a = id_of(&key("hs-a"));
    // Ben backs Ann's hs-a with three times her bond: three quarters of its stake.
    let min_bond = c.exec.genesis().params.staking.min_device_bond;
    let ben = named_key("ben");
    let delegate = c.tx(
        &ben,
        Payload::Stake(Stake {
            target: Target::Device(hs_a),
            amount: Amount::new(3 * min_bond),
        }),
    );
    c.block(vec![delegate]);
    while c.height < EPOCH {
        c.block(vec![]);
    }
    c.work_one_epoch();
    c.block(vec![]); // closes epoch 1
    let line = block_on(rewards::line(&c.state(), Epoch::new(1), &hs_a))
        .unwrap()
        .expect("hs-a has a line");
    let total = line.total();
    assert!(total > 0, "hs-a earned in epoch 1");
    let share = total * 3 / 4; // floor(total × 300 / 400)
    assert_eq!(
        c.claimable(&hs_a).get(),
        total - share,
        "the owner keeps its bond's quarter and the flooring"
    );
    let ben_addr = address_of(&ben);
    let owed = block_on(staking::claimable(
        &c.state(),
        &ben_addr,
        &Target::Device(hs_a),
    ))
    .unwrap()
    .get();
    // No commission in force: Ben's position is the only delegation and earns the share,
    // less at most one base unit of accumulator flooring (kept in the pool, never lost).
    assert!(owed <= share && owed + 1 >= share, "{owed} of {share}");
    let before = c.balance(&ben_addr);
    let claim = c.tx(
        &ben,
        Payload::ClaimStakeRewards(ClaimStakeRewards {
            target: Target::Device(hs_a),
        }),
    );
    let fee = fee_of(&claim);
    c.block(vec![claim]);
    assert_eq!(
        c.balance(&ben_addr),
        before
            .checked_add(Amount::new(owed))
            .unwrap()
            .checked_sub(fee)
            .unwrap()
    );
}
