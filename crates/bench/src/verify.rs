//! ed25519 verification rates over the signing bytes of real transfer transactions.

use crate::{
    baseline,
    cpu::CpuShare,
    stats::median_rate,
    workload::{self, SignedItem},
};
use commonware_codec::{Copying, DecodeExt};
use commonware_cryptography::{BatchEntry, BatchVerifier, Verifier as _, ed25519};
use commonware_parallel::Sequential;
use rand::{SeedableRng, rngs::StdRng};
use std::{fmt, hint::black_box};
use terrane_accounts::params::AccountsParams;
use terrane_app::testkit::address_of;
use terrane_primitives::{Amount, Nonce};

/// Distinct signers among the samples: enough that no key stays hot in a cache.
const SIGNERS: usize = 1024;

/// Timed groups per figure; the figure is their median rate.
const ROUNDS: usize = 10;

/// Verifications run before any timing, to fault in code and tables.
const WARMUP: usize = 256;

/// ed25519 verification rates on one core (see the crate docs for their baselines).
#[derive(Clone, Debug, PartialEq)]
pub struct Ed25519Figures {
    /// Signatures verified per figure.
    pub samples: usize,
    /// Length of each signed message: namespace prefix and encoded transfer, in bytes.
    pub message_bytes: usize,
    /// Verifications per second with keys decoded beforehand.
    pub single_per_sec: f64,
    /// Verifications per second including decoding the 32-byte key.
    pub single_with_decode_per_sec: f64,
    /// Signatures per second through `verify_batch` in batches of 64.
    pub batch64_per_sec: f64,
    /// Signatures per second through `verify_batch` in batches of 1024 (of all samples if fewer).
    pub batch1024_per_sec: f64,
    /// Share of the timed wall-clock this thread spent on a CPU (`None` if the OS does not
    /// say): well below 1 means the core was shared and the rates are understated.
    pub cpu_share: Option<f64>,
}

/// Measures ed25519 verification of `samples` signed transfers on the calling thread.
///
/// Signing is not timed. Each figure is the median rate of [`ROUNDS`] contiguous groups of the
/// samples. Every signature is checked to verify, so a figure never times a rejection.
///
/// # Panics
/// If `samples` is 0, or a signature the benchmark made does not verify (a bug).
pub fn ed25519(samples: usize) -> Ed25519Figures {
    assert!(samples > 0, "ed25519 benchmark needs at least one sample");
    let chain = workload::chain();
    let params = AccountsParams::default();
    let signers: Vec<ed25519::PrivateKey> = (0..samples.min(SIGNERS))
        .map(workload::account_key)
        .collect();
    let items: Vec<SignedItem> = (0..samples)
        .map(|i| {
            let from = &signers[i % signers.len()];
            let to = address_of(&signers[(i + 1) % signers.len()]);
            let nonce = Nonce::new((i / signers.len()) as u64);
            SignedItem::new(&workload::transfer(
                &chain,
                &params,
                from,
                nonce,
                to,
                Amount::new(1),
            ))
        })
        .collect();
    let namespace = workload::tx_namespace();
    let message_bytes = commonware_utils::union_unique(&namespace, &items[0].message).len();

    let warm = &items[..items.len().min(WARMUP)];
    assert_eq!(verify_singles(&namespace, warm), warm.len());

    let cpu = CpuShare::start();
    let single_per_sec = single_rate(&namespace, &items);
    let single_with_decode_per_sec = median_rate(&items, ROUNDS, <[_]>::len, |group| {
        let valid = group
            .iter()
            .filter(|item| {
                let key = ed25519::PublicKey::decode(Copying(item.signer.as_bytes()))
                    .expect("benchmark signer is a valid key");
                key.verify(&namespace, &item.message, &item.signature)
            })
            .count();
        assert_eq!(
            black_box(valid),
            group.len(),
            "a benchmark signature failed"
        );
    });
    let batch64_per_sec = batch_rate(&namespace, &items, 64);
    let batch1024_per_sec = batch_rate(&namespace, &items, 1024);
    let cpu_share = cpu.share();

    Ed25519Figures {
        samples,
        message_bytes,
        single_per_sec,
        single_with_decode_per_sec,
        batch64_per_sec,
        batch1024_per_sec,
        cpu_share,
    }
}

/// How many of `items` verify one by one with their decoded keys.
fn verify_singles(namespace: &[u8], items: &[SignedItem]) -> usize {
    items
        .iter()
        .filter(|item| {
            item.public_key
                .verify(namespace, &item.message, &item.signature)
        })
        .count()
}

/// Verifications per second, one by one with decoded keys (median of [`ROUNDS`] groups).
///
/// # Panics
/// If a signature does not verify.
pub(crate) fn single_rate(namespace: &[u8], items: &[SignedItem]) -> f64 {
    median_rate(items, ROUNDS, <[_]>::len, |group| {
        let valid = verify_singles(namespace, group);
        assert_eq!(
            black_box(valid),
            group.len(),
            "a benchmark signature failed"
        );
    })
}

/// Signatures per second through `verify_batch` in batches of `batch` (one batch of everything
/// if there are fewer items), median of [`ROUNDS`] groups of whole batches. The RNG is seeded
/// the way the executor seeds it: from fixed bytes, so runs are reproducible.
///
/// # Panics
/// If a batch does not verify, or `batch` is 0.
pub(crate) fn batch_rate(namespace: &[u8], items: &[SignedItem], batch: usize) -> f64 {
    assert!(batch > 0, "batch size must be positive");
    let batch = batch.min(items.len());
    // Whole batches only: a short tail batch would be timed at a different size.
    let whole = items.len() / batch * batch;
    let batches: Vec<&[SignedItem]> = items[..whole].chunks(batch).collect();
    let mut rng = StdRng::seed_from_u64(0x7e44_a4e0);
    median_rate(
        &batches,
        ROUNDS,
        |group| group.iter().map(|b| b.len()).sum(),
        |group| {
            for b in group {
                let ok = ed25519::PublicKey::verify_batch(
                    &mut rng,
                    b,
                    |_, item| BatchEntry {
                        namespace,
                        message: &item.message,
                        public_key: &item.public_key,
                        signature: &item.signature,
                    },
                    &Sequential,
                );
                assert!(black_box(ok), "a benchmark signature batch failed");
            }
        },
    )
}

impl fmt::Display for Ed25519Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "ed25519 verify: commonware-cryptography, 1 core, {} samples of {}-byte signed transfers",
            self.samples, self.message_bytes
        )?;
        writeln!(
            f,
            "  {:<28} {:>10} {:>10} {:>16}",
            "mode", "per sec", "µs each", "LIMITS.md"
        )?;
        let rows = [
            (
                "single, decoded key",
                self.single_per_sec,
                baseline::VERIFY_SINGLE_PER_SEC,
            ),
            (
                "single, decoding the key",
                self.single_with_decode_per_sec,
                baseline::VERIFY_SINGLE_WITH_DECODE_PER_SEC,
            ),
            (
                "batch of 64",
                self.batch64_per_sec,
                baseline::VERIFY_BATCH64_PER_SEC,
            ),
            (
                "batch of 1024",
                self.batch1024_per_sec,
                baseline::VERIFY_BATCH1024_PER_SEC,
            ),
        ];
        for (mode, rate, base) in rows {
            writeln!(
                f,
                "  {:<28} {:>10.0} {:>10.1} {:>16}",
                mode,
                rate,
                1e6 / rate,
                format!("{:.0}/s ({:.2}x)", base, rate / base)
            )?;
        }
        writeln!(f, "  {}", cpu_line(self.cpu_share))
    }
}

/// The `cpu_share` line of a figures table.
pub(crate) fn cpu_line(share: Option<f64>) -> String {
    match share {
        Some(share) => format!(
            "benchmark thread on a CPU {:.0}% of the timed wall-clock{}",
            share * 100.0,
            if share < 0.9 {
                " (core shared or waiting on I/O: rates understated)"
            } else {
                ""
            }
        ),
        None => "benchmark thread CPU time not available on this OS".to_owned(),
    }
}
