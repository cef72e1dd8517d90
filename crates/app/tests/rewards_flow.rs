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
    radio::{Band, capabilities as coverage},
};
use terrane_devices::{
    msg::{Domains, TransferDevice},
    testkit::{self, id_of, key},
};
use terrane_geo::offchain::{cell_at, offset};
use terrane_pow::{
    msg::{SubmitReports, sign},
    types::Report,
};
use terrane_primitives::{Address, Amount, DeviceId, Epoch, Namespace};
use terrane_rewards::{events::RewardsEvent, handler as rewards, msg::ClaimRewards};
use terrane_state::Overlay;

const EPOCH: u64 = 30;
const NONCE: [u8; 16] = [3; 16];
const HOTSPOTS: [(&str, &str, f64); 3] = [
    ("hs-a", "ann", 0.0),
    ("hs-b", "ben", 2.0),
    ("hs-c", "cat", 4.0),
];

/// The hotspots' chain: [`TestChain`] with short epochs, one duty window, one approved maker.
struct Chain(TestChain);

impl std::ops::Deref for Chain {
    type Target = TestChain;
    fn deref(&self) -> &TestChain {
        &self.0
    }
}

impl std::ops::DerefMut for Chain {
    fn deref_mut(&mut self) -> &mut TestChain {
        &mut self.0
    }
}

impl Chain {
    fn new() -> Self {
        let mut owners: Vec<(Address, Amount)> = ["ann", "ben", "cat", "relay"]
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
        let holders = ["ann", "ben", "cat", "relay", "dan"]
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
        let ns = self
            .exec
            .genesis()
            .chain_id()
            .namespace(Namespace::DeviceReport);
        let epoch = Epoch::new((self.height) / EPOCH);
        sign(
            &ns,
            Report {
                device: id_of(&key(device)),
                epoch,
                class: terrane_coverage::CLASS,
                kind,
                payload,
            },
            &key(device),
        )
    }

    /// Runs one epoch of coverage work (hs-b and hs-c witness hs-a), up to its last block.
    fn work_one_epoch(&mut self) {
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

    /// Registers the three hotspots, each by its owner, in the next block.
    fn register_hotspots(&mut self) {
        let domains = Domains::of(&self.exec.genesis().chain_id());
        let regs: Vec<Vec<u8>> = HOTSPOTS
            .iter()
            .map(|(name, owner, km)| {
                let owner_key = named_key(owner);
                let msg = testkit::registration(
                    &domains,
                    &address_of(&owner_key),
                    &key(name),
                    coverage(30, 270, Band::Eu868),
                    cell(*km),
                    &key("maker"),
                );
                self.tx(&owner_key, Payload::RegisterDevice(msg))
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
    assert_eq!(c.balance(&dan), Amount::ZERO);
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
