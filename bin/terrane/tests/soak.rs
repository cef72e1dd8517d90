//! The CI-length soak, run the way an operator runs it: `terrane soak` as a process, which
//! runs four validator processes, the fleet, a transfer load and the adversarial clients
//! (slowloris, idle sockets, stalled event subscribers) and judges every validator's handles,
//! memory and disk over the second half of the run.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_terrane");

#[test]
fn handles_memory_and_disk_stay_flat_under_load_and_adversarial_clients() {
    let dir = tempfile::tempdir().unwrap();
    let soak_dir = dir.path().join("soak");
    let output = Command::new(BIN)
        .args(["soak", "--duration", "240s", "--dir"])
        .arg(&soak_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(soak_dir.join("summary.json"))
            .unwrap_or_else(|e| panic!("no summary ({e}); stderr:\n{stderr}")),
    )
    .unwrap();
    assert!(
        output.status.success(),
        "soak failed: {}\n{stderr}",
        summary["failures"]
    );
    assert_eq!(summary["failures"], serde_json::json!([]));
    let trends = summary["trends"].as_array().unwrap();
    // Four validators, five series each (two of them the chain's state, reported only), every
    // judged one bounded.
    assert_eq!(trends.len(), 20);
    assert!(trends.iter().all(|t| t["bounded"] == true), "{trends:?}");
    for judged in ["node_files", "rss_mib", "node_disk_mib"] {
        assert_eq!(
            trends
                .iter()
                .filter(|t| t["series"] == judged && t["threshold_per_hour"].is_number())
                .count(),
            4,
            "{judged} is judged for every validator"
        );
    }
    let adversaries = &summary["adversaries"];
    for closed in ["slowloris_closed", "idle_closed", "stalled_closed"] {
        assert!(adversaries[closed].as_u64().unwrap() > 0, "{adversaries}");
    }
    assert!(summary["load"]["finalized"].as_u64().unwrap() > 0);
    let plot = std::fs::read_to_string(soak_dir.join("soak.svg")).unwrap();
    assert!(plot.contains("<svg") && plot.contains("node_files"));
}
