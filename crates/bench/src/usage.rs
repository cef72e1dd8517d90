//! Paid usage through the state machine: consumer-signed usage receipts settled per second,
//! against raw ed25519 in the same run, and the epoch close that pays every provider's usage.
//!
//! ```text
//! untimed   epoch 0: `providers` hotspots register; the oracle reports $1; one consumer per
//!           hotspot burns 1 TRN for 100,000 credits and opens a session with it
//! timed     `rounds` rounds of receipts: in round r every consumer's receipt for r × 24,000
//!           bytes (1,000 more credits), each relayed by its hotspot's owner in its own
//!           transaction (envelope batch check + the consumer's receipt signature + the
//!           session, escrow and usage-ledger writes + QMDB merkleize, apply, commit)
//! timed     the first block of epoch 1: the close that converts every provider's usage to TRN
//!           (usage before subsidy), alone, with its state writes and peak resident memory
//! untimed   every receipt ok; every provider paid exactly rounds × 1,000 credits of usage;
//!           the credit ledger balances
//! ```
//! The providers did no coverage work: the close's usage lines are the work measured (each one
//! a device read, a reward line, a ledger write and a leaf).

use crate::{
    BenchError,
    cpu::CpuShare,
    hotspots::{Network, REGISTRATIONS_PER_BLOCK, parallel_map},
    memory::{PeakRss, RssReading},
    reports::EPOCH_BLOCKS,
    statedb::{block, with_state_db},
    stats::rate,
    verify::{cpu_line, single_rate},
    workload::SignedItem,
};
use commonware_cryptography::{Signer as _, ed25519};
use std::{fmt, time::Duration};
use terrane_app::{
    Payload, Transaction,
    testkit::{address_of, named_key},
    tx::encode_signed,
};
use terrane_credits::{
    msg::BurnForCredits,
    types::{Credits, EscrowId},
};
use terrane_oracle::{msg::SubmitPrice, types::MicroUsdPerTrn};
use terrane_primitives::{Amount, Epoch, Nonce, TimestampMs};
use terrane_sessions::{
    msg::{OpenSession, SubmitReceipt},
    types::Receipt,
};
use terrane_state::Overlay;

/// Receipts per block (well inside the default block limits: ~190 bytes each).
const RECEIPTS_PER_BLOCK: usize = 2_000;
/// Credits each consumer buys and escrows: 1 TRN at $1.
const DEPOSIT: u64 = 100_000;
/// Bytes each round adds to a receipt: 1,000 credits at 24 bytes a credit.
const ROUND_BYTES: u64 = 24_000;
/// Most receipt signatures timed for the same-run verification rate.
const VERIFY_SAMPLE: usize = 20_000;

/// What one run measured.
#[derive(Clone, Debug)]
pub struct UsageFigures {
    /// Hotspots with a paying consumer each.
    pub providers: usize,
    /// Receipts settled (providers × rounds).
    pub receipts: usize,
    /// Blocks carrying them.
    pub blocks: usize,
    /// Receipts per second through the receipt blocks (execute + merkleize + apply + commit).
    pub receipts_per_sec: f64,
    /// Share of that time in `Executor::execute`.
    pub execute_share: f64,
    /// State writes of the receipt blocks.
    pub state_writes: usize,
    /// Single ed25519 verifications per second of these receipts' signatures, this run.
    pub single_verify_per_sec: f64,
    /// Share of the receipt blocks' wall-clock the executing thread was on a CPU.
    pub cpu_share: Option<f64>,
    /// The close that paid the usage.
    pub close: UsageCloseFigures,
}

/// The first block of epoch 1, which converts epoch 0's usage.
#[derive(Clone, Debug)]
pub struct UsageCloseFigures {
    /// Devices paid for usage.
    pub paid_devices: u32,
    /// TRN paid for usage, base units.
    pub usage_paid: u64,
    /// Whole block: execute + merkleize + apply + commit.
    pub total: Duration,
    /// Of which in `Executor::execute`.
    pub execute: Duration,
    /// State keys written.
    pub state_writes: usize,
    /// Resident memory around the block (`None` off Linux).
    pub rss: Option<RssReading>,
}

/// Runs the workload of the module doc for `providers` hotspots and `rounds` receipts each.
pub fn usage(providers: usize, rounds: u64) -> Result<UsageFigures, BenchError> {
    if providers < 2 || rounds == 0 {
        return Err(BenchError::InvalidArgument(
            "usage needs at least 2 providers and 1 round".into(),
        ));
    }
    if rounds * ROUND_BYTES / 24 > DEPOSIT {
        return Err(BenchError::InvalidArgument(format!(
            "at most {} rounds fit a deposit",
            DEPOSIT * 24 / ROUND_BYTES
        )));
    }
    let oracle = named_key("terrane-bench/oracle");
    let consumers: Vec<ed25519::PrivateKey> = (0..providers)
        .map(|i| named_key(&format!("terrane-bench/consumer/{i}")))
        .collect();
    let net = Network::with_genesis(providers, 9, EPOCH_BLOCKS, 20, |g| {
        g.params.oracle.oracles = vec![address_of(&oracle).to_string()];
        for key in std::iter::once(&oracle).chain(&consumers) {
            g.allocations.push(terrane_app::genesis::Allocation {
                address: address_of(key).to_string(),
                amount: 10_000_000,
                label: None,
            });
        }
    });
    let chain = net.executor.chain_id().clone();
    let fees = net.executor.genesis().params.accounts;
    let sign = |key: &ed25519::PrivateKey, nonce: u64, payload: Payload| {
        let mut tx = Transaction {
            signer: address_of(key),
            nonce: Nonce::new(nonce),
            fee: Amount::ZERO,
            payload,
        };
        tx.fee = tx.min_fee(&fees);
        encode_signed(&tx.sign(key, &chain)).to_vec()
    };

    // Epoch 0, untimed: registrations, the price, burns, sessions.
    let mut setup: Vec<Vec<Vec<u8>>> = net
        .registrations()
        .chunks(REGISTRATIONS_PER_BLOCK)
        .map(<[_]>::to_vec)
        .collect();
    let price_height = 2 + setup.len() as u64;
    setup.push(vec![sign(
        &oracle,
        0,
        Payload::SubmitPrice(SubmitPrice {
            price: MicroUsdPerTrn::new(1_000_000),
            timestamp: TimestampMs::new(price_height * crate::statedb::BLOCK_MS),
        }),
    )]);
    let indices: Vec<usize> = (0..providers).collect();
    let burns = parallel_map(&indices, |&i| {
        let c = &consumers[i];
        sign(
            c,
            0,
            Payload::BurnForCredits(BurnForCredits {
                to: address_of(c),
                amount: Amount::from_tokens(1).expect("fits"),
            }),
        )
    });
    setup.extend(burns.chunks(REGISTRATIONS_PER_BLOCK).map(<[_]>::to_vec));
    let opens = parallel_map(&indices, |&i| {
        sign(
            &consumers[i],
            1,
            Payload::OpenSession(OpenSession {
                device: net.hotspots[i].id,
                deposit: Credits::new(DEPOSIT),
                duration_blocks: 10_000,
            }),
        )
    });
    setup.extend(opens.chunks(REGISTRATIONS_PER_BLOCK).map(<[_]>::to_vec));

    // Session ids follow the opening order: consumer i's is i + 1.
    let ns = Receipt::signing_namespace(&chain);
    let mut sample = Vec::new();
    let mut receipt_blocks: Vec<Vec<Vec<u8>>> = Vec::new();
    for round in 1..=rounds {
        let signed: Vec<(SubmitReceipt, Vec<u8>)> = parallel_map(&indices, |&i| {
            let receipt = Receipt {
                session: EscrowId::new(i as u64 + 1),
                bytes: round * ROUND_BYTES,
                nonce: round,
            };
            let msg = SubmitReceipt {
                receipt,
                signature: consumers[i].sign(&ns, &receipt.message()),
            };
            let tx = sign(net.owner_key(i), round, Payload::SubmitReceipt(msg.clone()));
            (msg, tx)
        });
        for (i, (msg, _)) in signed.iter().enumerate() {
            if sample.len() < VERIFY_SAMPLE {
                sample.push(SignedItem {
                    signer: address_of(&consumers[i]),
                    public_key: consumers[i].public_key(),
                    message: msg.receipt.message(),
                    signature: msg.signature.clone(),
                });
            }
        }
        let txs: Vec<Vec<u8>> = signed.into_iter().map(|(_, tx)| tx).collect();
        receipt_blocks.extend(txs.chunks(RECEIPTS_PER_BLOCK).map(<[_]>::to_vec));
    }
    let first_receipt = 2 + setup.len() as u64;
    let last_receipt = first_receipt + receipt_blocks.len() as u64 - 1;
    if last_receipt >= EPOCH_BLOCKS {
        return Err(BenchError::InvalidArgument(format!(
            "{providers} providers × {rounds} rounds need {} blocks, more than epoch 0 holds",
            last_receipt
        )));
    }
    let single_verify_per_sec = single_rate(&ns, &sample);
    drop(sample);

    let close_height = EPOCH_BLOCKS + 1;
    let executor = net.executor.clone();
    let expected = Credits::new(rounds * ROUND_BYTES / 24);
    let devices: Vec<_> = net.hotspots.iter().map(|h| h.id).collect();
    with_state_db("terrane-bench-usage", |mut db| async move {
        let mut height = 1;
        db = block(db, &executor, height, &[]).await?.db;
        for txs in &setup {
            height += 1;
            db = block(db, &executor, height, txs).await?.db;
        }
        let mut busy = Duration::ZERO;
        let mut execute = Duration::ZERO;
        let mut state_writes = 0;
        let cpu = CpuShare::start();
        for txs in &receipt_blocks {
            height += 1;
            let run = block(db, &executor, height, txs).await?;
            busy += run.total();
            execute += run.execute;
            state_writes += run.writes;
            db = run.db;
        }
        let cpu_share = cpu.share();
        while height + 1 < close_height {
            height += 1;
            db = block(db, &executor, height, &[]).await?.db;
        }
        let rss = PeakRss::start();
        let run = block(db, &executor, close_height, &[]).await?;
        let rss = rss.and_then(PeakRss::finish);
        let (close_total, close_execute, close_writes) = (run.total(), run.execute, run.writes);
        let db = run.db;

        // Untimed checks.
        let overlay = Overlay::new(terrane_node::db::DbReader(&db));
        for d in &devices {
            let paid = terrane_credits::handler::device_usage(&overlay, Epoch::ZERO, d)
                .await
                .map_err(crate::statedb::storage)?;
            if paid != expected {
                return Err(BenchError::StateMismatch(format!(
                    "device {d} was paid {paid} of usage, expected {expected}"
                )));
            }
        }
        let summary = terrane_rewards::handler::summary(&overlay, Epoch::ZERO)
            .await
            .map_err(crate::statedb::storage)?
            .ok_or_else(|| BenchError::StateMismatch("epoch 0 did not close".into()))?;
        if summary.rewarded as usize != providers {
            return Err(BenchError::StateMismatch(format!(
                "the close paid {} devices, expected {providers}",
                summary.rewarded
            )));
        }
        let receipts = providers * usize::try_from(rounds).expect("rounds fit a deposit");
        Ok(UsageFigures {
            providers,
            receipts,
            blocks: receipt_blocks.len(),
            receipts_per_sec: rate(receipts, busy),
            execute_share: execute.as_secs_f64() / busy.as_secs_f64().max(f64::MIN_POSITIVE),
            state_writes,
            single_verify_per_sec,
            cpu_share,
            close: UsageCloseFigures {
                paid_devices: summary.rewarded,
                usage_paid: summary.economy.usage_paid,
                total: close_total,
                execute: close_execute,
                state_writes: close_writes,
                rss,
            },
        })
    })
}

impl fmt::Display for UsageFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "receipts settled:   {} ({} providers × {} rounds) in {} blocks: {:.0} receipts/s \
             ({:.0} % in execute), {} state writes",
            self.receipts,
            self.providers,
            self.receipts / self.providers.max(1),
            self.blocks,
            self.receipts_per_sec,
            100.0 * self.execute_share,
            self.state_writes
        )?;
        writeln!(
            f,
            "raw ed25519:        {:.0} verifications/s of the same receipts' signatures, this run: \
             receipts settle at {:.2} × that rate",
            self.single_verify_per_sec,
            self.receipts_per_sec / self.single_verify_per_sec
        )?;
        writeln!(f, "{}", cpu_line(self.cpu_share))?;
        let c = &self.close;
        write!(
            f,
            "usage close:        {} providers paid {} for usage in {:.3} s ({:.3} s execute), {} \
             state writes{}",
            c.paid_devices,
            Amount::new(c.usage_paid),
            c.total.as_secs_f64(),
            c.execute.as_secs_f64(),
            c.state_writes,
            c.rss
                .map(|r| format!(", peak RSS {} MiB", r.peak_bytes / (1024 * 1024)))
                .unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_usage_run_settles_every_receipt_and_pays_every_provider_its_usage() {
        let f = usage(20, 3).unwrap();
        assert_eq!((f.providers, f.receipts), (20, 60));
        assert_eq!(f.close.paid_devices, 20);
        // 3,000 credits each at $1 = 0.03 TRN face, less the 20 % fee: 24,000 base units.
        assert_eq!(f.close.usage_paid, 20 * 24_000);
        assert!(f.receipts_per_sec > 0.0 && f.single_verify_per_sec > 0.0);
    }
}
