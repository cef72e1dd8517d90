//! Maintenance windows through the `terrane` binary, the way a device's owner runs them: a
//! real `terrane node` process, `terrane device maintenance declare|show` and
//! `GET /v1/devices/{id}/maintenance` against its HTTP API. A window declared with the notice
//! the chain asks is on record, proven, counted against its period's allowance, and shows
//! upcoming, then active, then past as the epochs pass; a declaration that breaks a rule
//! (too little notice, not the owner, overlapping) exits non-zero with its reason code and
//! changes nothing.

use terrane_api::MaintenanceView;
use terrane_keystore::Keystore;
use terrane_primitives::DeviceId;

mod common;
use common::OneNode;

/// Blocks per epoch: short, so a window comes and goes in seconds.
const EPOCH_BLOCKS: u64 = 10;

/// Notice a declaration must give: two and a half epochs.
const NOTICE_BLOCKS: u64 = 25;

/// Windows a period allows (the default 12 would not tell the allowance from other figures).
const WINDOWS_PER_PERIOD: u32 = 3;

/// Epochs of rest a period allows: the default.
const EPOCHS_PER_PERIOD: u32 = 648;

/// Epochs of a period: the default.
const PERIOD_EPOCHS: u64 = 78_840;

/// The device's maintenance view over HTTP, proven against a finality certificate.
async fn proven(net: &OneNode, device: &DeviceId) -> MaintenanceView {
    let genesis = terrane_node::config::load_genesis(&net.layout.genesis()).unwrap();
    let trust = terrane_client::trust_from_genesis(&genesis).unwrap();
    let (_, view) = net
        .client
        .verified_maintenance(&trust, device)
        .await
        .unwrap()
        .expect("the device is registered");
    view
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_declared_with_notice_is_rationed_and_turns_active_then_past_while_one_without_notice_is_refused_and_changes_nothing()
 {
    let net = OneNode::start(|genesis| {
        genesis["params"]["pow"]["epoch_length_blocks"] = EPOCH_BLOCKS.into();
        genesis["params"]["pow"]["window_grace_blocks"] = 2.into();
        genesis["params"]["maintenance"]["notice_blocks"] = NOTICE_BLOCKS.into();
        genesis["params"]["maintenance"]["windows_per_period"] = WINDOWS_PER_PERIOD.into();
    })
    .await;
    let client = &net.client;

    // Alice owns a bonded hotspot `hs`.
    net.keys_new("hs");
    net.ok(&[
        "device", "register", "--owner", "alice", "--device", "hs", "--maker", "maker", "--lat",
        "48.8566", "--lng", "2.3522",
    ]);
    net.ok(&["stake", "bond", "--from", "alice", "--device", "@hs", "150"]);
    let keys = Keystore::open(net.keys()).unwrap();
    let hs = terrane_devices::testkit::id_of(&keys.load("hs", None).unwrap());

    let params = client.maintenance_params().await.unwrap();
    assert_eq!(
        (
            params.epoch_length_blocks,
            params.notice_blocks,
            params.windows_per_period,
            params.epochs_per_period,
            params.period_epochs
        ),
        (
            EPOCH_BLOCKS,
            NOTICE_BLOCKS,
            WINDOWS_PER_PERIOD,
            EPOCHS_PER_PERIOD,
            PERIOD_EPOCHS
        )
    );
    assert!(params.record.value.is_some(), "{params:?}");

    // Before any declaration: no window, the list proven absent, the allowance whole.
    let shown = net.ok(&["device", "maintenance", "show", "--device", "@hs"]);
    assert!(shown.contains("windows:    0"), "{shown}");
    assert!(
        shown.contains(&format!(
            "allowance:  period 0 (epochs 0 to {}): 0 of 3 windows, 0 of 648 epochs used",
            PERIOD_EPOCHS - 1
        )),
        "{shown}"
    );
    assert!(
        shown.contains("verified: window list and parameters proven against block"),
        "{shown}"
    );
    let before = proven(&net, &hs).await;
    assert!(before.windows.is_empty());
    assert_eq!(before.record.value, None, "an exclusion proof");

    // A window starting in the next epoch has less than 25 blocks of notice, wherever the
    // declaration lands: refused with its code, exit non-zero, nothing on record.
    let soon = (net.finalized().await / EPOCH_BLOCKS + 1).to_string();
    let refused = net.fails(&[
        "device",
        "maintenance",
        "declare",
        "--owner",
        "alice",
        "--device",
        "@hs",
        "--start",
        &soon,
        "--epochs",
        "2",
    ]);
    assert!(
        refused.contains("maintenance_notice_too_short (1205)"),
        "{refused}"
    );
    // Only the owner declares.
    let view = proven(&net, &hs).await;
    let start = view.earliest_start_epoch + 2;
    let stranger = net.fails(&[
        "device",
        "maintenance",
        "declare",
        "--owner",
        "bob",
        "--device",
        "@hs",
        "--start",
        &start.to_string(),
        "--epochs",
        "2",
    ]);
    assert!(
        stranger.contains("maintenance_not_owner (1202)"),
        "{stranger}"
    );
    let unchanged = proven(&net, &hs).await;
    assert!(unchanged.windows.is_empty(), "{unchanged:?}");
    assert_eq!(unchanged.record.value, None);
    assert_eq!(
        (unchanged.period.windows_used, unchanged.period.epochs_used),
        (0, 0)
    );

    // Two epochs from `start`, which the view says has enough notice (two epochs to spare for
    // the declaration to land in).
    let declared = net.ok(&[
        "device",
        "maintenance",
        "declare",
        "--owner",
        "alice",
        "--device",
        "@hs",
        "--start",
        &start.to_string(),
        "--epochs",
        "2",
    ]);
    assert!(
        declared.contains(&format!(
            "declaring maintenance of device {hs}: epochs {start} to {} (2 epochs)",
            start + 1
        )) && declared.contains("declare_maintenance")
            && declared.contains("finalized, ok"),
        "{declared}"
    );
    assert!(
        declared.contains(&format!(
            "windows on record: 1; period 0 (epochs 0 to {}): 1 of 3 windows, 2 of 648 epochs used",
            PERIOD_EPOCHS - 1
        )),
        "{declared}"
    );

    // Over HTTP, proven: the window, its notice kept, counted in the period.
    let view = proven(&net, &hs).await;
    assert_eq!(view.device, hs.to_string());
    assert_eq!(view.windows.len(), 1, "{view:?}");
    let w = &view.windows[0];
    assert_eq!(
        (w.start, w.epochs, w.end, w.status.as_str()),
        (start, 2, start + 2, "upcoming")
    );
    assert!(
        w.declared_at > 0 && w.declared_at <= view.height,
        "{view:?}"
    );
    assert!(
        start * EPOCH_BLOCKS >= w.declared_at + NOTICE_BLOCKS,
        "the notice was kept: {view:?}"
    );
    assert_eq!(
        (
            view.period.index,
            view.period.windows_used,
            view.period.windows_allowed,
            view.period.epochs_used,
            view.period.epochs_allowed
        ),
        (0, 1, WINDOWS_PER_PERIOD, 2, EPOCHS_PER_PERIOD)
    );
    assert_eq!(
        (view.next_period.index, view.next_period.windows_used),
        (1, 0)
    );
    assert!(view.record.value.is_some(), "{view:?}");
    let window_line = format!(
        "  epochs {start} to {} (2 epochs, declared at height {}): ",
        start + 1,
        w.declared_at
    );
    let shown = net.ok(&["device", "maintenance", "show", "--device", "@hs"]);
    assert!(
        shown.contains("windows:    1") && shown.contains(&format!("{window_line}upcoming")),
        "{shown}"
    );

    // An overlapping window is refused and the list stays as it was.
    let overlap = net.fails(&[
        "device",
        "maintenance",
        "declare",
        "--owner",
        "alice",
        "--device",
        "@hs",
        "--start",
        &(start + 1).to_string(),
        "--epochs",
        "1",
    ]);
    assert!(overlap.contains("maintenance_overlaps (1207)"), "{overlap}");
    let after = proven(&net, &hs).await;
    assert_eq!(
        (after.windows.clone(), after.record.value.clone()),
        (view.windows.clone(), view.record.value.clone())
    );

    // Unknown devices are a 404 over HTTP and an error at the CLI.
    let unknown = DeviceId::new([0x42; 32]);
    assert_eq!(client.maintenance(&unknown).await.unwrap(), None);
    let missing = net.fails(&[
        "device",
        "maintenance",
        "show",
        "--device",
        &unknown.to_string(),
    ]);
    assert!(missing.contains("is not registered"), "{missing}");

    // Epoch `start` begins at block `start * EPOCH_BLOCKS + 1`: the device rests; two epochs
    // later the window is over.
    net.wait_height(start * EPOCH_BLOCKS + 1).await;
    let active = proven(&net, &hs).await;
    assert_eq!(active.windows[0].status, "active", "{active:?}");
    let shown = net.ok(&["device", "maintenance", "show", "--device", "@hs"]);
    assert!(shown.contains(&format!("{window_line}active")), "{shown}");
    net.wait_height((start + 2) * EPOCH_BLOCKS + 1).await;
    let past = proven(&net, &hs).await;
    assert_eq!(past.windows[0].status, "past", "{past:?}");
    assert_eq!(past.period.epochs_used, 2, "a past window still counts");
    let shown = net.ok(&["device", "maintenance", "show", "--device", "@hs"]);
    assert!(shown.contains(&format!("{window_line}past")), "{shown}");
}
