//! The test-only uptime class end to end through the executor: devices register in it, ping,
//! earn from its own pool when the epoch closes, and their outcomes are recorded with its
//! codes; coverage's pool and rules are untouched. The class is one folder
//! (`src/modules/uptime`) and one line in each list. Every module invariant is checked after
//! every block.

mod common;

use common::TestChain;
use futures::executor::block_on;
use terrane_app::{
    Genesis, Outcome, Payload,
    modules::{self, uptime},
    testkit::{address_of, named_key},
};
use terrane_devices::{handler as devices, msg::Domains, outcome::DevicesRejection, testkit};
use terrane_pow::{
    handler as pow,
    msg::{SubmitReports, sign},
    types::{Report, SignedReport},
};
use terrane_primitives::{Amount, Epoch, Namespace};
use terrane_rewards::{ClassPool, handler as rewards};

const EPOCH: u64 = 40;
const POOL_BPS: u16 = 1_000;

test_chain!(
    /// The uptime chain: [`TestChain`] with short epochs, one approved maker and an uptime pool.
    Chain
);

impl Chain {
    fn new() -> Self {
        let ann = address_of(&named_key("ann"));
        let mut g = Genesis::for_tests(
            "uptime-class",
            &[(ann, Amount::from_tokens(1_000).unwrap())],
        );
        g.makers = vec![testkit::address_of(&testkit::key("maker")).to_string()];
        g.params.pow.epoch_length_blocks = EPOCH;
        g.params.pow.window_grace_blocks = 4;
        g.params.rewards.vetting_valid_reports = 1;
        // The class's pool is data: one more entry in the rewards parameters, its weight
        // taken from the (unissued) storage pool.
        g.params.rewards.classes[1].weight_bps -= POOL_BPS;
        g.params.rewards.classes.push(ClassPool {
            class: uptime::CLASS,
            weight_bps: POOL_BPS,
            cap_per_epoch: 0,
            cap_per_cell: 0,
            backed_bps: 0,
        });
        Self(TestChain::new(g, vec![ann]))
    }

    /// Registers `device` to ann and bonds it; the registration's outcome.
    fn register(&mut self, device: &str, caps: terrane_devices::types::Capabilities) -> Outcome {
        let ann = named_key("ann");
        let msg = testkit::registration(
            &Domains::of(&self.exec.genesis().chain_id()),
            &address_of(&ann),
            &testkit::key(device),
            caps,
            terrane_geo::offchain::cell_at(52.52, 13.40, 12),
            &testkit::key("maker"),
        );
        let tx = self.tx(&ann, Payload::RegisterDevice(msg));
        // Bonded in the same block, or it would earn nothing (refused as an unknown target
        // when the registration is).
        let min_bond = Amount::new(self.exec.genesis().params.staking.min_device_bond);
        let bond = self.tx(
            &ann,
            Payload::Stake(terrane_staking::msg::Stake {
                target: terrane_staking::types::Target::Device(testkit::id_of(&testkit::key(
                    device,
                ))),
                amount: min_bond,
            }),
        );
        self.outcomes(vec![tx, bond])[0]
    }

    /// A ping from `device` quoting height `seen`.
    fn ping(&self, device: &str, seen: u64) -> SignedReport {
        let ns = self
            .exec
            .genesis()
            .chain_id()
            .namespace(Namespace::DeviceReport);
        sign(
            &ns,
            Report {
                device: testkit::id_of(&testkit::key(device)),
                // The epoch of the block that will include it (block h is in (h - 1) / EPOCH).
                epoch: Epoch::new(self.height / EPOCH),
                class: uptime::CLASS,
                kind: uptime::KIND_PING,
                payload: seen.to_be_bytes().to_vec(),
            },
            &testkit::key(device),
        )
    }

    fn submit(&mut self, reports: Vec<SignedReport>) {
        let relay = named_key("ann");
        let tx = self.tx(&relay, Payload::SubmitReports(SubmitReports { reports }));
        assert_eq!(self.outcomes(vec![tx]), vec![Outcome::OK]);
    }
}

#[test]
fn uptime_devices_register_ping_and_earn_from_their_own_pool_with_their_own_codes() {
    let mut c = Chain::new();
    assert_eq!(c.register("pinger", uptime::capabilities()), Outcome::OK);
    assert_eq!(c.register("sleeper", uptime::capabilities()), Outcome::OK);
    // Bytes an uptime device does not have are refused by the class, with its code.
    assert_eq!(
        c.register(
            "claims-a-radio",
            testkit::capabilities(uptime::CLASS.get(), &[1])
        ),
        Outcome::from(DevicesRejection::CapabilitiesMalformed)
    );
    let pinger = testkit::id_of(&testkit::key("pinger"));
    let sleeper = testkit::id_of(&testkit::key("sleeper"));
    let d = block_on(devices::device(&c.state(), &pinger))
        .unwrap()
        .unwrap();
    assert_eq!(d.class(), uptime::CLASS);
    assert_eq!(modules::class_name(d.class()), Some("uptime"));

    // Pings every MIN_PING_GAP blocks earn; one too soon, one stale and one from the future
    // do not.
    // Every block here is in epoch 0 (heights 1..=EPOCH).
    let gap = uptime::verify::MIN_PING_GAP;
    let mut valid = 0;
    while c.height + gap + 2 <= EPOCH {
        let seen = c.height;
        c.submit(vec![c.ping("pinger", seen)]);
        valid += 1;
        for _ in 0..gap - 1 {
            c.outcomes(vec![]);
        }
    }
    let seen = c.height;
    c.submit(vec![c.ping("pinger", seen)]);
    valid += 1;
    let too_soon = c.ping("pinger", c.height);
    let stale = c.ping("sleeper", 0);
    let future = c.ping("sleeper", c.height + 50);
    c.submit(vec![too_soon, stale, future]);
    let codes: Vec<(String, u16)> = block_on(pow::recent_outcomes(
        &c.state(),
        &c.exec.genesis().params.pow,
        &pinger,
    ))
    .unwrap()
    .into_iter()
    .map(|r| {
        (
            modules::report_kind_name(uptime::CLASS, r.kind)
                .unwrap()
                .to_owned(),
            r.code,
        )
    })
    .collect();
    assert_eq!(codes.iter().filter(|(_, code)| *code == 0).count(), valid);
    assert!(codes.iter().all(|(kind, _)| kind == "ping"));
    assert_eq!(codes[0].1, 904, "newest first: ping_too_soon");
    let sleeper_codes: Vec<u16> = block_on(pow::recent_outcomes(
        &c.state(),
        &c.exec.genesis().params.pow,
        &sleeper,
    ))
    .unwrap()
    .into_iter()
    .map(|r| r.code)
    .collect();
    assert_eq!(
        sleeper_codes,
        vec![902, 903],
        "newest first: ping_from_the_future, ping_stale"
    );
    for code in [902, 903, 904] {
        assert!(
            terrane_app::outcome::lookup(code).is_some(),
            "code {code} is registered"
        );
    }

    // Close epoch 0: the pinger is paid from the uptime pool, the sleeper is not, and the
    // coverage pool (no coverage work) is not issued.
    while c.height < EPOCH + 1 {
        c.outcomes(vec![]);
    }
    let summary = block_on(rewards::summary(&c.state(), Epoch::ZERO))
        .unwrap()
        .expect("epoch 0 closed");
    let pool = summary
        .class(uptime::CLASS)
        .expect("the uptime pool is listed");
    assert_eq!(
        pool.pool,
        (summary.emission - summary.validators) * u64::from(POOL_BPS) / 10_000,
        "the class pools split what the validators' share leaves"
    );
    assert!(pool.distributed > 0 && pool.distributed <= pool.pool);
    assert_eq!(
        summary.class(terrane_coverage::CLASS).unwrap().distributed,
        0
    );
    let line = block_on(rewards::line(&c.state(), Epoch::ZERO, &pinger))
        .unwrap()
        .expect("the pinger has a reward line");
    assert_eq!(line.class, uptime::CLASS);
    assert_eq!(line.breakdown.units, valid as u64);
    let earned = block_on(rewards::device_rewards(&c.state(), &pinger)).unwrap();
    assert_eq!(earned.cumulative.get(), line.breakdown.amount);
    assert!(earned.cumulative.get() > 0);
    assert!(
        block_on(rewards::line(&c.state(), Epoch::ZERO, &sleeper))
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_class_list_names_the_uptime_class_and_its_report_kind() {
    assert!(modules::classes().contains(&(uptime::CLASS, "uptime")));
    assert_eq!(modules::class_by_name("uptime"), Some(uptime::CLASS));
    assert_eq!(
        modules::report_kind_name(uptime::CLASS, uptime::KIND_PING),
        Some("ping")
    );
    assert!(modules::module_names().contains(&"uptime"));
}
