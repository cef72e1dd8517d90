//! The benchmarks return plausible figures for work that really succeeded. Only
//! timing-independent claims are asserted; the release figures are printed by the ignored test.

use terrane_bench::{GENESIS_ACCOUNTS, ed25519, execution};

#[test]
fn ed25519_figures_are_positive_for_transfer_sized_messages() {
    let fig = ed25519(300);
    assert_eq!(fig.samples, 300);
    // Namespace prefix plus a transfer with a full memo: the size of a device report.
    assert!(
        (150..=250).contains(&fig.message_bytes),
        "{} bytes",
        fig.message_bytes
    );
    for rate in [
        fig.single_per_sec,
        fig.single_with_decode_per_sec,
        fig.batch64_per_sec,
        fig.batch1024_per_sec,
    ] {
        assert!(rate.is_finite() && rate > 0.0, "{fig:?}");
    }
    assert!(
        fig.cpu_share.is_none_or(|s| (0.0..=1.0).contains(&s)),
        "{fig:?}"
    );
}

#[test]
fn execution_times_only_successful_transfers_that_moved_the_balances() {
    // `execution` returns an error unless every outcome is ok, every account's balance and
    // nonce match the workload's prediction and supply is conserved.
    let fig = execution(120, 50).expect("every transfer executes ok");
    assert_eq!(fig.txs, 120);
    assert_eq!(fig.blocks, 3);
    assert_eq!(fig.block_txs, 50);
    assert_eq!(fig.accounts, GENESIS_ACCOUNTS);
    // Blocks of 50, 50 and 20 transfers, each from account i to account i + 1: a block of n
    // writes n senders, one more recipient, n receipts, the supply ledger and the chain head.
    assert_eq!(fig.state_writes, 2 * 120 + 3 * 3);
    assert!(
        (150..=300).contains(&fig.tx_bytes),
        "{} bytes",
        fig.tx_bytes
    );
    for value in [
        fig.tx_per_sec,
        fig.per_tx_micros,
        fig.execute_secs,
        fig.merkleize_secs,
        fig.apply_commit_secs,
        fig.single_verify_per_sec,
        fig.batch_verify_per_sec,
        fig.ratio_to_single_verify,
        fig.ratio_to_batch_verify,
    ] {
        assert!(value.is_finite() && value > 0.0, "{fig:?}");
    }
    assert!(
        fig.cpu_share.is_none_or(|s| (0.0..=1.0).contains(&s)),
        "{fig:?}"
    );
}

/// `cargo test -p terrane-bench --release -- --ignored --nocapture`
#[test]
#[ignore = "full-size benchmark: run in release and read the printed figures"]
fn print_release_figures() {
    println!("{}", ed25519(20_000));
    println!(
        "{}",
        execution(20_000, 1_000).expect("every transfer executes ok")
    );
}
