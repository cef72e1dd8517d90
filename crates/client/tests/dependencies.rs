//! The client links no validator code: what `cargo tree` resolves for it, checked by name.

use std::process::Command;

/// The normal (non-dev, non-build) dependency names of `terrane-client` with `extra` flags.
fn client_dependencies(extra: &[&str]) -> Vec<String> {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--manifest-path", manifest])
        .args(["-p", "terrane-client", "-e", "normal", "--prefix", "none"])
        .args(["--format", "{p}"])
        .args(extra)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(
        names.iter().any(|n| n == "commonware-cryptography"),
        "the tree was read (it must contain the client's own crypto dependency)"
    );
    names
}

fn assert_absent(names: &[String], banned: &[&str]) {
    for crate_name in banned {
        assert!(
            !names.iter().any(|n| n == crate_name),
            "terrane-client depends on {crate_name}"
        );
    }
}

#[test]
fn client_with_state_proofs_depends_on_no_consensus_p2p_or_node_crate() {
    let names = client_dependencies(&["--features", "state-proofs"]);
    assert_absent(
        &names,
        &[
            "terrane-node",
            "commonware-consensus",
            "commonware-p2p",
            "commonware-broadcast",
            "commonware-resolver",
            "commonware-glue",
        ],
    );
}

#[test]
fn the_default_client_depends_on_no_consensus_p2p_storage_or_runtime() {
    let names = client_dependencies(&[]);
    assert_absent(
        &names,
        &[
            "terrane-node",
            "commonware-consensus",
            "commonware-p2p",
            "commonware-storage",
            "commonware-runtime",
        ],
    );
}
