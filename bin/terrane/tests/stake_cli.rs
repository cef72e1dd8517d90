//! Staking and slashing through the `terrane` binary, the way an operator and a reporter run
//! them: a real `terrane node` process, `terrane stake bond|delegate|unbond|withdraw|show` and
//! `terrane slash submit|appeal|show|list` against its HTTP API. The bond shows to the base
//! unit in a pool proven against a finality certificate; each rule a command breaks comes back
//! as its stable reason code and a non-zero exit; evidence against a device with nothing at
//! stake is refused, evidence against a bonded one files slashes that execute at their epoch's
//! close, taking the fraction, paying the bounty and burning the rest.

use commonware_codec::Encode;
use terrane_client::StakeTarget;
use terrane_keystore::Keystore;
use terrane_pow::types::Report;
use terrane_primitives::{Address, ChainId, DeviceId, Epoch, Namespace, hex};

mod common;
use common::OneNode;

/// Blocks per epoch: short, so three epochs of missed duties and a slash's appeal window
/// pass in seconds.
const EPOCH_BLOCKS: u64 = 10;

/// The epoch of the next block: what a transaction submitted now executes in (or later).
async fn next_epoch(net: &OneNode) -> u64 {
    net.finalized().await / EPOCH_BLOCKS
}

/// Waits until the next block's epoch is at least `epoch`.
async fn wait_epoch(net: &OneNode, epoch: u64) {
    net.wait_height(epoch * EPOCH_BLOCKS).await;
}

/// Three closed epochs from `registered` on, no older than the chain takes as evidence:
/// the last three before the next block's epoch, once that many have closed.
async fn missed_epochs(net: &OneNode, registered: u64) -> String {
    wait_epoch(net, registered + 3).await;
    let e = next_epoch(net).await;
    format!("{},{},{}", e - 3, e - 2, e - 1)
}

/// A coverage beacon claim of `device` for `epoch`, signed by the device's key, as hex of
/// its encoding; `payload` tells two claims apart.
fn beacon_claim(
    chain: &ChainId,
    key: &commonware_cryptography::ed25519::PrivateKey,
    device: DeviceId,
    epoch: u64,
    payload: u8,
) -> String {
    let report = Report {
        device,
        epoch: Epoch::new(epoch),
        class: terrane_coverage::CLASS,
        kind: terrane_coverage::KIND_BEACON,
        payload: vec![payload; 8],
    };
    let signed = terrane_pow::msg::sign(&chain.namespace(Namespace::DeviceReport), report, key);
    hex::encode(&signed.encode())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_bonds_a_delegator_joins_and_evidence_slashes_only_stake_that_is_there() {
    let net = OneNode::start(|genesis| {
        genesis["params"]["pow"]["epoch_length_blocks"] = EPOCH_BLOCKS.into();
        genesis["params"]["pow"]["window_grace_blocks"] = 2.into();
    })
    .await;
    let client = &net.client;
    let chain = net.chain.clone();
    let keys = Keystore::open(net.keys()).unwrap();

    // Alice owns a hotspot `hs`, Carol one she never stakes on, `idle`. Neither beacons.
    net.keys_new("hs");
    net.keys_new("idle");
    for (owner, device, lat) in [("alice", "hs", "48.8566"), ("carol", "idle", "45.7640")] {
        net.ok(&[
            "device", "register", "--owner", owner, "--device", device, "--maker", "maker",
            "--lat", lat, "--lng", "2.3522",
        ]);
    }
    let hs_key = keys.load("hs", None).unwrap();
    let hs = terrane_devices::testkit::id_of(&hs_key);
    let idle = terrane_devices::testkit::id_of(&keys.load("idle", None).unwrap());

    // A bond is the operator's own stake; staking on someone else's target is a delegation,
    // and the CLI says which one was meant before anything is signed.
    let wrong = net.fails(&["stake", "bond", "--from", "bob", "--device", "@hs", "1"]);
    assert!(
        wrong.contains("does not operate device") && wrong.contains("terrane stake delegate"),
        "{wrong}"
    );
    let wrong = net.fails(&[
        "stake", "delegate", "--from", "alice", "--device", "@hs", "1",
    ]);
    assert!(wrong.contains("terrane stake bond"), "{wrong}");
    let below = net.fails(&["stake", "bond", "--from", "alice", "--device", "@hs", "99"]);
    assert!(below.contains("bond_below_minimum (1003)"), "{below}");
    let bonded = net.ok(&[
        "stake",
        "bond",
        "--from",
        "alice",
        "--device",
        "@hs",
        "150000001u",
    ]);
    assert!(
        bonded.contains("now has 150.000001 TRN on device") && bonded.contains("(own bond)"),
        "{bonded}"
    );
    net.ok(&["stake", "delegate", "--from", "bob", "--device", "@hs", "5"]);

    let shown = net.ok(&["stake", "show", "--device", "@hs", "--address", "@alice"]);
    assert!(
        shown.contains("verified: pool proven against block"),
        "{shown}"
    );
    assert!(
        shown.contains("stake:      155.000001 TRN = 150.000001 TRN own + 5.000000 TRN delegated"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("  device {hs}: 150.000001 TRN (own bond)")),
        "{shown}"
    );
    assert!(shown.contains("slashes:    0"), "{shown}");
    let pool = client
        .stake_pool(StakeTarget::Device(*hs.as_bytes()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (pool.total, pool.operator_stake),
        (155_000_001, 150_000_001)
    );

    // Unbonding more than the position holds, or leaving the operator between nothing and the
    // minimum, is refused with its code; a delegator's partial unbond waits out its period.
    let over = net.fails(&[
        "stake", "unbond", "--from", "bob", "--device", "@hs", "5.000001",
    ]);
    assert!(over.contains("unbond_exceeds_stake (1006)"), "{over}");
    let under = net.fails(&[
        "stake", "unbond", "--from", "alice", "--device", "@hs", "100",
    ]);
    assert!(
        under.contains("operator_bond_below_minimum (1012)"),
        "{under}"
    );
    let unbonded = net.ok(&["stake", "unbond", "--from", "bob", "--device", "@hs", "2"]);
    assert!(
        unbonded.contains("2.000000 TRN unbonding, withdrawable from epoch"),
        "{unbonded}"
    );
    let early = net.fails(&["stake", "withdraw", "--from", "bob"]);
    assert!(early.contains("nothing_to_withdraw (1008)"), "{early}");
    // Alone, an address shows its unbonding entries (and positions on validators and its own
    // devices; Bob owns none).
    let bob = net.ok(&["stake", "show", "--address", "@bob"]);
    assert!(
        bob.contains(&format!(
            "  2.000000 TRN from device {hs}, released at epoch"
        )),
        "{bob}"
    );
    let bob = net.ok(&["stake", "show", "--device", "@hs", "--address", "@bob"]);
    assert!(
        bob.contains(&format!("  device {hs}: 3.000000 TRN (delegation)"))
            && bob.contains("unbonding:  2.000000 TRN (0.000000 TRN withdrawable"),
        "{bob}"
    );

    // Evidence is refused where nothing is at stake, and for a rule the records do not meet.
    let idle_registered = client
        .device(&idle)
        .await
        .unwrap()
        .unwrap()
        .registered_epoch;
    let epochs = missed_epochs(&net, idle_registered).await;
    let nothing = net.fails(&[
        "slash",
        "submit",
        "missed-duties",
        "--from",
        "dave",
        "--device",
        "@idle",
        "--epochs",
        &epochs,
    ]);
    assert!(
        nothing.contains("evidence_nothing_staked (1108)"),
        "{nothing}"
    );
    let closed = (next_epoch(&net).await - 1).to_string();
    let few = net.fails(&[
        "slash",
        "submit",
        "invalid-proofs",
        "--from",
        "dave",
        "--device",
        "@hs",
        "--epoch",
        &closed,
    ]);
    assert!(few.contains("evidence_below_threshold (1104)"), "{few}");
    let garbage = net.fails(&[
        "slash",
        "submit",
        "equivocation",
        "--from",
        "dave",
        "--first",
        "zz",
        "--second",
        "00",
    ]);
    assert!(garbage.contains("--first is not hex"), "{garbage}");
    // The default parameters refuse vote evidence against a validator before reading the
    // votes (threshold votes are not attributable), and the refusal files nothing.
    let staking = client.staking().await.unwrap();
    let validator = &staking.validators[0].address;
    let votes = net.fails(&[
        "slash",
        "submit",
        "validator",
        "--from",
        "dave",
        "--validator",
        validator,
        "--votes",
        "deadbeef",
    ]);
    assert!(
        votes.contains("validator_evidence_disabled (1117)"),
        "{votes}"
    );
    let books = client.slashing().await.unwrap();
    let accused: Address = validator.parse().unwrap();
    let accused = client
        .target_slashes(StakeTarget::Validator(*accused.as_bytes()))
        .await
        .unwrap();
    assert_eq!(
        (
            books.params.validator_equivocation_bps,
            books.count,
            books.slashed,
            accused.slashes.len()
        ),
        (0, 0, 0, 0)
    );

    // Against the bonded hotspot, two beacon claims for one epoch and three silent epochs
    // each file a slash for Dave.
    let now = next_epoch(&net).await;
    let first = beacon_claim(&chain, &hs_key, hs, now, 1);
    let second = beacon_claim(&chain, &hs_key, hs, now, 2);
    let filed = net.ok(&[
        "slash",
        "submit",
        "equivocation",
        "--from",
        "dave",
        "--first",
        &first,
        "--second",
        &second,
    ]);
    assert!(
        filed.contains("slash 1 filed: device_equivocation (1150), 5.00 % of the device's stake"),
        "{filed}"
    );
    // Only the accused appeals, only a rule that admits a counter-proof, and only with a
    // proof the duty was done (each while the slash is pending).
    let counter = beacon_claim(&chain, &hs_key, hs, now, 3);
    let conclusive = net.fails(&[
        "slash",
        "appeal",
        "1",
        "--from",
        "alice",
        "--counter",
        &counter,
    ]);
    assert!(
        conclusive.contains("appeal_not_allowed (1113)"),
        "{conclusive}"
    );
    let hs_registered = client.device(&hs).await.unwrap().unwrap().registered_epoch;
    let epochs = missed_epochs(&net, hs_registered).await;
    let filed = net.ok(&[
        "slash",
        "submit",
        "missed-duties",
        "--from",
        "dave",
        "--device",
        "@hs",
        "--epochs",
        &epochs,
    ]);
    assert!(
        filed.contains("slash 2 filed: missed_duties (1152), 1.00 % of the device's stake"),
        "{filed}"
    );
    let unproven = net.fails(&[
        "slash",
        "appeal",
        "2",
        "--from",
        "alice",
        "--counter",
        &counter,
    ]);
    assert!(
        unproven.contains("counter_proof_invalid (1114)"),
        "{unproven}"
    );
    let stranger = net.fails(&[
        "slash",
        "appeal",
        "2",
        "--from",
        "bob",
        "--counter",
        &counter,
    ]);
    assert!(stranger.contains("appeal_not_accused (1111)"), "{stranger}");
    let again = net.fails(&[
        "slash",
        "submit",
        "equivocation",
        "--from",
        "dave",
        "--first",
        &first,
        "--second",
        &second,
    ]);
    assert!(again.contains("evidence_already_slashed (1103)"), "{again}");

    let one = net.ok(&["slash", "show", "1"]);
    assert!(
        one.contains("verified: record proven against block"),
        "{one}"
    );
    assert!(one.contains(&format!("target:     device {hs}")), "{one}");
    assert!(
        one.contains("reason:     device_equivocation (1150): "),
        "{one}"
    );
    assert!(one.contains(&format!("  first:    {first}")), "{one}");
    let two = net.ok(&["slash", "show", "2"]);
    let listed_epochs = epochs.replace(',', ", ");
    assert!(
        two.contains(&format!(
            "evidence:   missed_duties by {hs} in epochs {listed_epochs}"
        )),
        "{two}"
    );
    let listed = net.ok(&["slash", "list", "--device", "@hs"]);
    assert!(
        listed.contains("slashes:    2")
            && listed.find("#2 missed_duties").unwrap()
                < listed.find("#1 device_equivocation").unwrap(),
        "{listed}"
    );
    let missing = net.fails(&["slash", "show", "999"]);
    assert!(
        missing.contains("no slash has id 999: the chain has recorded 2 (ids 1 to 2)"),
        "{missing}"
    );

    // Both come due; at their epochs' close they take their fractions of the pool.
    let due = client.slash(2).await.unwrap().unwrap().due_epoch;
    // The close of `due` runs in the first block of the epoch after it.
    net.wait_height((due + 1) * EPOCH_BLOCKS + 1).await;
    let books = client.slashing().await.unwrap();
    assert_eq!((books.count, books.pending), (2, 0));
    // In id order, each book cut by its fraction, floored: the equivocation takes 5 % of the
    // 153.000001 TRN bonded and the 2 TRN unbonding, the missed duties 1 % of what is left.
    let expected = [(1, 7_650_000 + 100_000), (2, 1_453_500 + 19_000)];
    for (id, slashed) in expected {
        let s = client.slash(id).await.unwrap().unwrap();
        assert_eq!(
            (s.status.as_str(), s.slashed),
            ("executed", slashed),
            "slash {id}"
        );
        // The bounty is the floor of 10 % of what it took; the rest is burned.
        assert_eq!(
            (s.bounty, s.burned),
            (slashed / 10, slashed - slashed / 10),
            "slash {id}"
        );
    }
    let taken = 7_750_000 + 1_472_500;
    assert_eq!((books.slashed, books.bounties), (taken, taken / 10));
    let pool = client
        .stake_pool(StakeTarget::Device(*hs.as_bytes()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (pool.slashed, pool.total, pool.unbonding),
        (
            taken,
            153_000_001 - 7_650_000 - 1_453_500,
            2_000_000 - 100_000 - 19_000
        )
    );
    let shown = net.ok(&["stake", "show", "--device", "@hs"]);
    assert!(
        shown.contains("#1 device_equivocation (1150) executed: 5.00 % of stake")
            && shown.contains("took 7.750000 TRN (bounty 0.775000 TRN, burned 6.975000 TRN)"),
        "{shown}"
    );
}
