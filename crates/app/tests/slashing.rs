//! Slashing through the executor: evidence the chain checks, a pending slash with its appeal
//! window, counter-proofs that void one and their absence that lets it execute, the bounty
//! to the reporter and the burn, delegators and unbonding stake cut by the same fraction, and
//! every refusal a recorded code. `TestChain` checks every module's invariants (slashing's
//! ledger, staking's books, TRN conservation) after every block.

mod common;

use common::TestChain;
use commonware_codec::Encode;
use futures::executor::block_on;
use terrane_accounts::handler as accounts;
use terrane_app::{
    Genesis, Outcome, Payload,
    testkit::{address_of, named_key},
};
use terrane_coverage::{
    KIND_BEACON, KIND_WITNESS,
    msg::{Beacon, Witness, commitment},
};
use terrane_devices::testkit::{id_of, key};
use terrane_geo::offchain::{cell_at, offset};
use terrane_pow::{msg::SubmitReports, types::SignedReport};
use terrane_primitives::{Address, Amount, DeviceId, Epoch};
use terrane_slashing::{
    handler as slashing,
    msg::{AppealSlash, Evidence, SubmitEvidence},
    outcome::{SlashReason, SlashingRejection},
    types::SlashStatus,
};
use terrane_staking::{
    handler as staking,
    msg::{Stake, Unstake},
    types::Target,
};

const EPOCH: u64 = 30;
const NONCE: [u8; 16] = [3; 16];
const HOTSPOTS: [(&str, &str, f64); 3] = [
    ("hs-a", "ann", 0.0),
    ("hs-b", "ben", 2.0),
    ("hs-c", "cat", 4.0),
];
const PEOPLE: [&str; 6] = ["ann", "ben", "cat", "relay", "dan", "eve"];

test_chain!(Chain);

fn trn(tokens: u64) -> Amount {
    Amount::from_tokens(tokens).unwrap()
}

fn device(name: &str) -> DeviceId {
    id_of(&key(name))
}

fn target(name: &str) -> Target {
    Target::Device(device(name))
}

fn rejected(r: SlashingRejection) -> Outcome {
    r.into()
}

fn cell(km: f64) -> terrane_geo::H3Cell {
    let (lat, lng) = offset(52.52, 13.405, km * 1000.0, 0.0);
    cell_at(lat, lng, 12)
}

impl Chain {
    /// Three hotspots registered and bonded (100 TRN each) by their owners in block 1, with
    /// `tweak` applied to the genesis first.
    fn new(tweak: impl FnOnce(&mut Genesis)) -> Self {
        let mut funded: Vec<(Address, Amount)> = PEOPLE
            .iter()
            .map(|n| (address_of(&named_key(n)), trn(1_000)))
            .collect();
        funded.sort();
        let mut g = Genesis::for_tests("slashing-flow", &funded);
        g.makers = vec![address_of(&key("maker")).to_string()];
        g.params.pow.epoch_length_blocks = EPOCH;
        g.params.pow.windows_per_epoch = 1;
        g.params.pow.window_grace_blocks = 10;
        tweak(&mut g);
        let holders = PEOPLE.iter().map(|n| address_of(&named_key(n))).collect();
        let mut c = Self(TestChain::new(g, holders));
        let txs: Vec<Vec<u8>> = HOTSPOTS
            .iter()
            .flat_map(|(name, owner, km)| {
                c.register_bonded_hotspot(&named_key(owner), &key(name), cell(*km))
            })
            .collect();
        for o in c.outcomes(txs) {
            assert_eq!(o, Outcome::OK);
        }
        c
    }

    /// The epoch the next block executes in.
    fn epoch(&self) -> Epoch {
        Epoch::new(self.height / EPOCH)
    }

    /// Runs empty blocks until the next block is the first of `epoch`.
    fn run_to(&mut self, epoch: u64) {
        while self.height < epoch * EPOCH {
            self.outcomes(vec![]);
        }
    }

    fn report(&self, device: &str, epoch: Epoch, kind: u8, payload: Vec<u8>) -> SignedReport {
        self.coverage_report(&key(device), epoch, kind, payload)
    }

    fn beacon(&self, device: &str, epoch: Epoch, nonce: [u8; 16]) -> SignedReport {
        let body = Beacon {
            nonce,
            frequency_khz: 868_100,
            timestamp_ms: self.ts(),
        };
        self.report(device, epoch, KIND_BEACON, body.encode().to_vec())
    }

    fn evidence(&mut self, reporter: &str, evidence: Evidence) -> Outcome {
        self.one(
            reporter,
            Payload::SubmitEvidence(SubmitEvidence { evidence }),
        )
    }

    fn appeal(&mut self, signer: &str, slash: u64, counter: SignedReport) -> Outcome {
        self.one(signer, Payload::AppealSlash(AppealSlash { slash, counter }))
    }

    fn slash(&self, id: u64) -> terrane_slashing::types::Slash {
        block_on(slashing::slash(&self.state(), id))
            .unwrap()
            .expect("recorded")
    }

    fn balance(&self, who: &str) -> Amount {
        block_on(accounts::account(
            &self.state(),
            &address_of(&named_key(who)),
        ))
        .unwrap()
        .balance
    }

    /// What `who`'s position on `t` is worth now.
    fn staked(&self, who: &str, t: Target) -> Amount {
        let state = self.state();
        let pos = block_on(staking::position(&state, &address_of(&named_key(who)), &t)).unwrap();
        block_on(staking::pool(&state, &t))
            .unwrap()
            .map_or(Amount::ZERO, |p| p.bonded.value(pos.shares))
    }
}

/// The fee `who` paid for its last transaction: its balance change minus `moved`.
fn fees_paid(before: Amount, after: Amount, received: Amount) -> Amount {
    before
        .checked_add(received)
        .unwrap()
        .checked_sub(after)
        .unwrap()
}

#[test]
fn an_equivocating_beaconer_is_slashed_after_the_window_with_its_delegator_and_unbonding_stake() {
    let mut c = Chain::new(|_| {});
    c.run_to(1);
    // dan delegates 50 TRN to hs-a and starts unbonding 10 of it.
    let delegate = Stake {
        target: target("hs-a"),
        amount: trn(50),
    };
    assert_eq!(c.one("dan", Payload::Stake(delegate)), Outcome::OK);
    let leave = Unstake {
        target: target("hs-a"),
        amount: trn(10),
    };
    assert_eq!(c.one("dan", Payload::Unstake(leave)), Outcome::OK);

    // hs-a signed two different beacons for epoch 1: nobody needs them on chain to prove it.
    let e = c.epoch();
    let first = c.beacon("hs-a", e, [1; 16]);
    let second = c.beacon("hs-a", e, [2; 16]);
    let proof = Evidence::DeviceEquivocation {
        first: first.clone(),
        second: second.clone(),
    };
    assert_eq!(c.evidence("relay", proof.clone()), Outcome::OK);
    let s = c.slash(1);
    assert_eq!(
        (s.status, s.offence, s.due),
        (
            SlashStatus::Pending,
            SlashReason::DeviceEquivocation.code(),
            Epoch::new(3)
        )
    );
    assert_eq!(s.evidence, proof, "the evidence is kept with the slash");
    // The same offence again (either order) is refused; the owner cannot appeal it.
    let swapped = Evidence::DeviceEquivocation {
        first: second,
        second: first.clone(),
    };
    assert_eq!(
        c.evidence("eve", swapped),
        rejected(SlashingRejection::AlreadySlashed)
    );
    assert_eq!(
        c.appeal("ann", 1, first),
        rejected(SlashingRejection::NoCounterProof)
    );

    // Nothing is taken before the due epoch closes.
    c.run_to(3);
    c.outcomes(vec![]);
    assert_eq!(c.slash(1).status, SlashStatus::Pending);
    let relay_before = c.balance("relay");
    let burned_before = block_on(accounts::supply(&c.state())).unwrap().burned;
    c.run_to(4);
    c.outcomes(vec![]); // the first block of epoch 4 closes epoch 3
    let s = c.slash(1);
    assert_eq!(s.status, SlashStatus::Executed);
    // 5 % of 140 TRN bonded and of 10 TRN unbonding; 10 % of it to the reporter.
    assert_eq!(s.slashed, Amount::new(7_500_000));
    assert_eq!(s.bounty, Amount::new(750_000));
    assert_eq!(
        c.balance("relay"),
        relay_before.checked_add(s.bounty).unwrap()
    );
    let burned = block_on(accounts::supply(&c.state())).unwrap().burned;
    assert!(
        burned.checked_sub(burned_before).unwrap() >= Amount::new(6_750_000),
        "the rest is burned (with the blocks' fees)"
    );
    assert_eq!(c.staked("ann", target("hs-a")), Amount::new(95_000_000));
    assert_eq!(c.staked("dan", target("hs-a")), Amount::new(38_000_000));
    let queue = block_on(staking::unbonding(
        &c.state(),
        &address_of(&named_key("dan")),
    ))
    .unwrap();
    let worth = block_on(staking::unbonding_value(&c.state(), &queue.0[0])).unwrap();
    assert_eq!(
        worth,
        Amount::new(9_500_000),
        "unbonding stake is slashed too"
    );
    // Below its minimum bond after the slash, hs-a is unbonded until ann tops up.
    let min = Amount::new(c.exec.genesis().params.staking.min_device_bond);
    assert!(!block_on(staking::is_bonded(&c.state(), &target("hs-a"), min)).unwrap());
    assert_eq!(
        block_on(slashing::slashes_of(&c.state(), &target("hs-a"))).unwrap(),
        vec![1]
    );
}

#[test]
fn missed_duties_answered_by_a_counter_proof_do_not_execute_and_unanswered_ones_do() {
    let mut c = Chain::new(|_| {});
    // Epochs 1-3: nobody reveals a beacon. In epoch 2, hs-b hears hs-a's beacon (it records
    // the commitment), but hs-a's reveal never reaches a block.
    c.run_to(2);
    let heard = Witness {
        beaconer: device("hs-a"),
        commitment: commitment(&device("hs-a"), &NONCE),
        rssi_dbm_x10: -900,
        snr_db_x10: 60,
        frequency_khz: 868_100,
        timestamp_ms: c.ts() + 100,
    };
    let w = c.report("hs-b", c.epoch(), KIND_WITNESS, heard.encode().to_vec());
    assert_eq!(
        c.one(
            "relay",
            Payload::SubmitReports(SubmitReports { reports: vec![w] })
        ),
        Outcome::OK
    );
    c.run_to(4);
    let missed = |d: &str| Evidence::MissedDuties {
        device: device(d),
        epochs: vec![Epoch::new(1), Epoch::new(2), Epoch::new(3)],
    };
    assert_eq!(c.evidence("relay", missed("hs-a")), Outcome::OK);
    assert_eq!(c.evidence("relay", missed("hs-b")), Outcome::OK);
    // The same epochs again are covered.
    assert_eq!(
        c.evidence("eve", missed("hs-b")),
        rejected(SlashingRejection::AlreadySlashed)
    );

    // Counter-proofs: only the accused; only a beacon someone heard, for a listed epoch.
    let real = c.beacon("hs-a", Epoch::new(2), NONCE);
    assert_eq!(
        c.appeal("eve", 1, real.clone()),
        rejected(SlashingRejection::NotAccused)
    );
    let unheard = c.beacon("hs-a", Epoch::new(2), [9; 16]);
    assert_eq!(
        c.appeal("ann", 1, unheard),
        rejected(SlashingRejection::CounterProofInvalid)
    );
    let not_hers = c.beacon("hs-b", Epoch::new(2), NONCE);
    assert_eq!(
        c.appeal("ann", 1, not_hers),
        rejected(SlashingRejection::CounterProofInvalid)
    );
    assert_eq!(c.appeal("ann", 1, real.clone()), Outcome::OK);
    let s = c.slash(1);
    assert_eq!(
        (s.status, s.outcome, s.appeals),
        (SlashStatus::Voided, SlashReason::AppealUpheld.code(), 1)
    );

    // Due at the close of epoch 6: hs-b's executes, hs-a's does not.
    c.run_to(7);
    c.outcomes(vec![]);
    assert_eq!(c.slash(2).status, SlashStatus::Executed);
    assert_eq!(c.slash(2).slashed, Amount::new(1_000_000), "1 % of 100 TRN");
    assert_eq!(
        c.staked("ann", target("hs-a")),
        trn(100),
        "hs-a keeps its bond"
    );
    assert_eq!(c.staked("ben", target("hs-b")), Amount::new(99_000_000));
    // An appeal after the window is refused with its code.
    let late = c.beacon("hs-b", Epoch::new(2), NONCE);
    assert_eq!(
        c.appeal("ben", 2, late),
        rejected(SlashingRejection::WindowClosed)
    );
    let l = block_on(slashing::ledger(&c.state())).unwrap();
    assert_eq!((l.count, l.pending), (2, 0));
    assert_eq!(l.slashed, l.bounties.checked_add(l.burned).unwrap());
}

#[test]
fn missed_duties_inside_a_declared_maintenance_window_cost_nothing_and_outside_it_they_do() {
    use terrane_maintenance::{msg::DeclareMaintenance, outcome::MaintenanceRejection as M};
    let mut c = Chain::new(|g| g.params.maintenance.notice_blocks = 20);
    let declare = |start: u64, epochs: u32| {
        Payload::DeclareMaintenance(DeclareMaintenance {
            device: device("hs-a"),
            start: Epoch::new(start),
            epochs,
        })
    };
    // Epoch 1 starts at block 30, 28 blocks after this one: enough notice. Epoch 0 has begun;
    // and someone else's device is not yours to rest.
    assert_eq!(c.one("ann", declare(0, 3)), M::TooSoon.into());
    assert_eq!(c.one("ben", declare(1, 3)), M::NotOwner.into());
    assert_eq!(c.one("ann", declare(1, 3)), Outcome::OK);
    assert_eq!(c.one("ann", declare(2, 1)), M::Overlaps.into());

    // In epoch 2 hs-a's beacon is refused without fault: it earns nothing while resting.
    c.run_to(2);
    let b = c.beacon("hs-a", c.epoch(), NONCE);
    let tx = c.tx(
        &named_key("relay"),
        Payload::SubmitReports(SubmitReports { reports: vec![b] }),
    );
    let out = c.execute(vec![tx]);
    let codes: Vec<u16> =
        out.events
            .iter()
            .filter_map(|e| match &e.kind {
                terrane_app::events::EventKind::Pow(
                    terrane_pow::events::PowEvent::ReportJudged { code, units, .. },
                ) => Some(code + u16::try_from(*units).unwrap()),
                _ => None,
            })
            .collect();
    assert_eq!(
        codes,
        vec![terrane_pow::outcome::PowRejection::InMaintenance.code()]
    );

    // Epochs 1-3 missed by both: inside hs-a's window evidence is refused, hs-b is slashed.
    c.run_to(4);
    let missed = |d: &str| Evidence::MissedDuties {
        device: device(d),
        epochs: vec![Epoch::new(1), Epoch::new(2), Epoch::new(3)],
    };
    assert_eq!(
        c.evidence("relay", missed("hs-a")),
        rejected(SlashingRejection::InMaintenance)
    );
    assert_eq!(c.evidence("relay", missed("hs-b")), Outcome::OK);
    c.run_to(7);
    c.outcomes(vec![]);
    assert_eq!(c.staked("ann", target("hs-a")), trn(100));
    assert_eq!(c.staked("ben", target("hs-b")), Amount::new(99_000_000));
}

#[test]
fn repeated_invalid_proofs_reach_the_threshold_only_with_the_chains_own_verdicts() {
    let mut c = Chain::new(|g| g.params.slashing.invalid_threshold = 3);
    c.run_to(1);
    // hs-c submits three malformed witness reports in epoch 1 (accountable, invalid).
    let bad: Vec<SignedReport> = (0..3u8)
        .map(|i| c.report("hs-c", c.epoch(), KIND_WITNESS, vec![i; 3]))
        .collect();
    assert_eq!(
        c.one(
            "relay",
            Payload::SubmitReports(SubmitReports {
                reports: bad[..2].to_vec()
            })
        ),
        Outcome::OK
    );
    let evidence = |last| Evidence::RepeatedInvalidProofs {
        device: device("hs-c"),
        last_epoch: Epoch::new(last),
    };
    // The epoch has not closed yet.
    assert_eq!(
        c.evidence("relay", evidence(1)),
        rejected(SlashingRejection::OutOfWindow)
    );
    c.run_to(2);
    assert_eq!(
        c.evidence("relay", evidence(1)),
        rejected(SlashingRejection::BelowThreshold)
    );
    let tx = c.tx(
        &named_key("relay"),
        Payload::SubmitReports(SubmitReports {
            reports: bad[2..].to_vec(),
        }),
    );
    // Epoch 1's reports are stale now: the third counts nothing (and is not accountable).
    c.outcomes(vec![tx]);
    assert_eq!(
        c.evidence("relay", evidence(1)),
        rejected(SlashingRejection::BelowThreshold)
    );
    let third = c.report("hs-c", c.epoch(), KIND_WITNESS, vec![7; 3]);
    let tx = c.tx(
        &named_key("relay"),
        Payload::SubmitReports(SubmitReports {
            reports: vec![third],
        }),
    );
    c.outcomes(vec![tx]);
    c.run_to(3);
    // Window of 3 epochs ending at 2: two invalid in epoch 1, one in epoch 2.
    let before = c.balance("eve");
    assert_eq!(c.evidence("eve", evidence(2)), Outcome::OK);
    let fee = fees_paid(before, c.balance("eve"), Amount::ZERO);
    assert!(fee < trn(1), "evidence costs only its fee: {fee:?}");
    assert_eq!(
        c.slash(1).offence,
        SlashReason::RepeatedInvalidProofs.code()
    );
    // A window overlapping one already slashed is refused.
    assert_eq!(
        c.evidence("relay", evidence(2)),
        rejected(SlashingRejection::AlreadySlashed)
    );
}

#[test]
fn evidence_that_does_not_prove_an_offence_is_refused_with_its_code_and_moves_nothing() {
    let mut c = Chain::new(|_| {});
    c.run_to(1);
    let e = c.epoch();
    let a = c.beacon("hs-a", e, [1; 16]);
    let same = Evidence::DeviceEquivocation {
        first: a.clone(),
        second: a.clone(),
    };
    let other_device = Evidence::DeviceEquivocation {
        first: a.clone(),
        second: c.beacon("hs-b", e, [2; 16]),
    };
    let other_epoch = Evidence::DeviceEquivocation {
        first: a.clone(),
        second: c.beacon("hs-a", Epoch::new(0), [2; 16]),
    };
    let mut forged = c.beacon("hs-a", e, [2; 16]);
    forged.signature = a.signature.clone();
    let forged = Evidence::DeviceEquivocation {
        first: a.clone(),
        second: forged,
    };
    let unknown = Evidence::MissedDuties {
        device: device("nobody"),
        epochs: vec![Epoch::new(0)],
    };
    let open_epoch = Evidence::MissedDuties {
        device: device("hs-a"),
        epochs: vec![Epoch::new(0), e, Epoch::new(2)],
    };
    let too_few = Evidence::MissedDuties {
        device: device("hs-a"),
        epochs: vec![Epoch::new(0)],
    };
    let before = block_on(slashing::ledger(&c.state())).unwrap();
    for (evidence, code) in [
        (same, SlashingRejection::NotConflicting),
        (other_device, SlashingRejection::NotConflicting),
        (other_epoch, SlashingRejection::NotConflicting),
        (forged, SlashingRejection::BadReportSignature),
        (unknown, SlashingRejection::UnknownDevice),
        (open_epoch, SlashingRejection::OutOfWindow),
        (too_few, SlashingRejection::BelowThreshold),
    ] {
        assert_eq!(c.evidence("relay", evidence), rejected(code));
    }
    assert_eq!(block_on(slashing::ledger(&c.state())).unwrap(), before);
    // A device with nothing at stake has nothing to slash: ann unbonds hs-a entirely, and
    // once its unbonding stake is withdrawn, equivocation evidence against it is refused.
    let all = Unstake {
        target: target("hs-a"),
        amount: trn(100),
    };
    assert_eq!(c.one("ann", Payload::Unstake(all)), Outcome::OK);
    let b = c.beacon("hs-a", e, [2; 16]);
    let pending_unbond = Evidence::DeviceEquivocation {
        first: a.clone(),
        second: b,
    };
    // Unbonding stake is still at stake: this one is accepted.
    assert_eq!(c.evidence("relay", pending_unbond), Outcome::OK);
    assert_eq!(
        c.appeal("eve", 99, a),
        rejected(SlashingRejection::UnknownSlash)
    );
}
