//! Block execution throughput on the node's on-disk state database, on one core.
//!
//! ```text
//! untimed: genesis block (GENESIS_ACCOUNTS funded accounts) ─▶ one warm-up block
//! timed, per block:  db.new_batch() ─▶ Executor::execute on an Overlay reading through it
//!                    ─▶ writes into the batch in key order ─▶ merkleize ─▶ apply_batch ─▶ commit
//! untimed: every outcome ok, every balance and nonce as predicted, supply conserved
//! ```
//! The database and the per-block path are [`crate::statedb`]'s: the node's [`StateDb`] layout,
//! page cache and floor policy on a one-worker tokio runtime, one fsync'd commit per block.

use crate::{
    BenchError, baseline,
    cpu::CpuShare,
    statedb::{block, storage, with_state_db},
    stats::rate,
    verify::{batch_rate, cpu_line, single_rate},
    workload::{self, SignedItem},
};
use commonware_runtime::Spawner;
use std::{fmt, time::Duration};
use terrane_accounts::{handler as accounts, params::AccountsParams};
use terrane_app::{Executor, Genesis, SignedTransaction, testkit::address_of, tx::encode_signed};
use terrane_node::db::StateDb;
use terrane_primitives::{Address, Amount, Hash32, Nonce};
use terrane_state::Overlay;

/// Funded accounts in the benchmark genesis; transfers rotate through all of them.
pub const GENESIS_ACCOUNTS: usize = 10_000;

/// Balance of every genesis account, in base units: enough for thousands of transfers each.
const GENESIS_BALANCE: u64 = 1_000_000_000_000;

/// Base units each benchmark transfer moves.
const TRANSFER_AMOUNT: u64 = 1;

/// Most transactions whose verification is timed for the same-run ratios (at least one block).
const VERIFY_SAMPLE: usize = 10_000;

/// Signed-transfer throughput through execution and QMDB, and where the time went.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionFigures {
    /// Transactions timed (all executed `ok`; the warm-up block is not counted).
    pub txs: usize,
    /// Blocks timed.
    pub blocks: usize,
    /// Transactions per block (the last block may hold fewer).
    pub block_txs: usize,
    /// Funded accounts in state; senders rotate through them.
    pub accounts: usize,
    /// Encoded size of each signed transfer, in bytes.
    pub tx_bytes: usize,
    /// State keys written by the timed blocks (accounts, receipts, supply ledger, chain head).
    pub state_writes: usize,
    /// Transactions per second through decode, signature batch check, execution, QMDB
    /// merkleize, apply and a durable commit per block.
    pub tx_per_sec: f64,
    /// Microseconds per transaction, all steps included.
    pub per_tx_micros: f64,
    /// Time in `Executor::execute` (decode, signatures, handlers, state reads), seconds.
    pub execute_secs: f64,
    /// Time writing the block's writes into the QMDB batch and merkleizing it, seconds.
    pub merkleize_secs: f64,
    /// Time in `apply_batch` and the durable `commit`, seconds.
    pub apply_commit_secs: f64,
    /// Single verifications per second (decoded keys) of these transactions, this run.
    pub single_verify_per_sec: f64,
    /// `verify_batch` signatures per second in batches of `block_txs`, this run.
    pub batch_verify_per_sec: f64,
    /// `tx_per_sec / single_verify_per_sec`.
    pub ratio_to_single_verify: f64,
    /// `tx_per_sec / batch_verify_per_sec`: the share of a core left to everything but
    /// signatures is `1 - ratio`.
    pub ratio_to_batch_verify: f64,
    /// Share of the timed blocks' wall-clock the executing thread spent on a CPU (`None` if
    /// the OS does not say). The per-block fsync lowers it a little; much below 1 means the
    /// core was shared and the throughput is understated.
    pub cpu_share: Option<f64>,
}

/// Measures `txs` signed transfers executed in blocks of `block_txs` on a fresh on-disk
/// [`StateDb`] in a temporary directory (see the module docs for the exact path).
///
/// Signing, genesis and one warm-up block of `block_txs` transfers are not timed. After the
/// run, every outcome must be `ok`, every account's balance and nonce must match the
/// workload's prediction and supply must be conserved; otherwise this returns an error rather
/// than figures.
pub fn execution(txs: usize, block_txs: usize) -> Result<ExecutionFigures, BenchError> {
    run(&Plan {
        accounts: GENESIS_ACCOUNTS,
        txs,
        block_txs,
        amount: TRANSFER_AMOUNT,
    })
}

/// A workload: who is funded, how many transfers of what size, in what blocks.
pub(crate) struct Plan {
    pub(crate) accounts: usize,
    pub(crate) txs: usize,
    pub(crate) block_txs: usize,
    pub(crate) amount: u64,
}

/// The pre-signed workload and the state it must leave behind.
struct Prepared {
    executor: Executor,
    /// Encoded signed transfers: the warm-up block first, then the timed ones.
    raw: Vec<Vec<u8>>,
    /// The timed transactions, decoded, for the same-run verification figures.
    timed: Vec<SignedTransaction>,
    /// Every funded account with its predicted final balance and nonce.
    expected: Vec<(Address, Amount, Nonce)>,
    tx_bytes: usize,
}

pub(crate) fn run(plan: &Plan) -> Result<ExecutionFigures, BenchError> {
    if plan.txs == 0 {
        return Err(BenchError::InvalidArgument("txs must be at least 1".into()));
    }
    let max_block = terrane_app::params::BlockLimits::CEILING_TXS as usize;
    if plan.block_txs == 0 || plan.block_txs > max_block {
        return Err(BenchError::InvalidArgument(format!(
            "block_txs must be 1..={max_block}, got {}",
            plan.block_txs
        )));
    }
    if plan.accounts < 2 {
        return Err(BenchError::InvalidArgument(
            "at least two accounts are needed to transfer between".into(),
        ));
    }
    let prepared = prepare(plan);

    // Same-run verification rates over the same transactions, for the ratios.
    let sample = prepared.timed.len().min(VERIFY_SAMPLE.max(plan.block_txs));
    let items: Vec<SignedItem> = prepared.timed[..sample]
        .iter()
        .map(SignedItem::new)
        .collect();
    let namespace = prepared.executor.tx_namespace().to_vec();
    let single_verify_per_sec = single_rate(&namespace, &items);
    let batch_verify_per_sec = batch_rate(&namespace, &items, plan.block_txs);
    drop(items);

    let timings = with_state_db("terrane-bench-execution", |db| {
        execute_blocks(db, &prepared, plan.block_txs)
    })?;

    let total = timings.execute + timings.merkleize + timings.apply_commit;
    let tx_per_sec = rate(plan.txs, total);
    Ok(ExecutionFigures {
        txs: plan.txs,
        blocks: timings.blocks,
        block_txs: plan.block_txs,
        accounts: plan.accounts,
        tx_bytes: timings.tx_bytes,
        state_writes: timings.state_writes,
        tx_per_sec,
        per_tx_micros: total.as_secs_f64() * 1e6 / plan.txs as f64,
        execute_secs: timings.execute.as_secs_f64(),
        merkleize_secs: timings.merkleize.as_secs_f64(),
        apply_commit_secs: timings.apply_commit.as_secs_f64(),
        single_verify_per_sec,
        batch_verify_per_sec,
        ratio_to_single_verify: tx_per_sec / single_verify_per_sec,
        ratio_to_batch_verify: tx_per_sec / batch_verify_per_sec,
        cpu_share: timings.cpu_share,
    })
}

/// Signs the workload and predicts its final state (none of it timed).
///
/// Transaction `k` (warm-up block first) is sent by account `k mod accounts` with nonce
/// `k div accounts` to the next account, so a block of up to `accounts` transfers has distinct
/// senders and every sender's nonces are consecutive.
fn prepare(plan: &Plan) -> Prepared {
    let keys: Vec<_> = (0..plan.accounts).map(workload::account_key).collect();
    let addresses: Vec<Address> = keys.iter().map(address_of).collect();
    let funded: Vec<(Address, Amount)> = addresses
        .iter()
        .map(|a| (*a, Amount::new(GENESIS_BALANCE)))
        .collect();
    let genesis = Genesis::for_tests(workload::CHAIN, &funded);
    let params: AccountsParams = genesis.params.accounts;
    let executor = Executor::new(genesis);
    let chain = executor.chain_id().clone();

    let mut balances: Vec<u64> = vec![GENESIS_BALANCE; plan.accounts];
    let mut nonces: Vec<u64> = vec![0; plan.accounts];
    let total = plan.block_txs + plan.txs;
    let mut raw = Vec::with_capacity(total);
    let mut timed = Vec::with_capacity(plan.txs);
    let mut tx_bytes = 0;
    for k in 0..total {
        let from = k % plan.accounts;
        let to = (from + 1) % plan.accounts;
        let tx = workload::transfer(
            &chain,
            &params,
            &keys[from],
            Nonce::new(nonces[from]),
            addresses[to],
            Amount::new(plan.amount),
        );
        let encoded = encode_signed(&tx).to_vec();
        tx_bytes = encoded.len();
        // Predictions saturate: a plan that overdraws fails in execution, which is the point.
        balances[from] = balances[from]
            .saturating_sub(tx.tx.fee.get())
            .saturating_sub(plan.amount);
        balances[to] = balances[to].saturating_add(plan.amount);
        nonces[from] += 1;
        raw.push(encoded);
        if k >= plan.block_txs {
            timed.push(tx);
        }
    }
    let expected = addresses
        .iter()
        .zip(balances.iter().zip(&nonces))
        .map(|(a, (b, n))| (*a, Amount::new(*b), Nonce::new(*n)))
        .collect();
    Prepared {
        executor,
        raw,
        timed,
        expected,
        tx_bytes,
    }
}

/// Time spent per step over the timed blocks.
struct Timings {
    blocks: usize,
    state_writes: usize,
    tx_bytes: usize,
    execute: Duration,
    merkleize: Duration,
    apply_commit: Duration,
    cpu_share: Option<f64>,
}

/// Genesis and warm-up blocks untimed, then the timed blocks, then the final-state audit.
async fn execute_blocks<E: Spawner + commonware_storage::Context>(
    db: StateDb<E>,
    prepared: &Prepared,
    block_txs: usize,
) -> Result<Timings, BenchError> {
    let executor = &prepared.executor;
    let (warmup, timed) = prepared.raw.split_at(block_txs);
    let mut db = block(db, executor, 1, &[]).await?.db;
    db = block(db, executor, 2, warmup).await?.db;

    let mut timings = Timings {
        blocks: 0,
        state_writes: 0,
        tx_bytes: prepared.tx_bytes,
        execute: Duration::ZERO,
        merkleize: Duration::ZERO,
        apply_commit: Duration::ZERO,
        cpu_share: None,
    };
    // The root future runs on the thread that started the runtime, so this thread's CPU time
    // is the execution's (storage I/O runs on the runtime's blocking threads).
    let cpu = CpuShare::start();
    for (i, txs) in timed.chunks(block_txs).enumerate() {
        let run = block(db, executor, 3 + i as u64, txs).await?;
        db = run.db;
        timings.blocks += 1;
        timings.state_writes += run.writes;
        timings.execute += run.execute;
        timings.merkleize += run.merkleize;
        timings.apply_commit += run.apply_commit;
    }
    timings.cpu_share = cpu.share();

    audit(&db, prepared).await?;
    db.destroy().await.map_err(storage)?;
    Ok(timings)
}

/// Checks the applied state against the workload's prediction and supply conservation.
async fn audit<E: Spawner + commonware_storage::Context>(
    db: &StateDb<E>,
    prepared: &Prepared,
) -> Result<(), BenchError> {
    let state = Overlay::new(terrane_node::db::DbReader(db));
    for (address, balance, nonce) in &prepared.expected {
        let account = accounts::account(&state, address).await.map_err(storage)?;
        if account.balance != *balance || account.nonce != *nonce {
            return Err(BenchError::StateMismatch(format!(
                "account {address}: balance {} nonce {}, expected balance {balance} nonce {nonce}",
                account.balance, account.nonce
            )));
        }
    }
    let holders = prepared.expected.iter().map(|(a, _, _)| *a);
    terrane_app::invariants::check_all(&state, holders)
        .await
        .map_err(storage)?
        .map_err(|violation| BenchError::StateMismatch(violation.to_string()))?;
    for tx in &prepared.timed {
        let id: Hash32 = tx.id();
        let receipt = terrane_app::query::receipt(&state, &id)
            .await
            .map_err(storage)?;
        if receipt.is_none_or(|r| r.code != 0) {
            return Err(BenchError::StateMismatch(format!(
                "timed transaction {id} has no ok receipt"
            )));
        }
    }
    Ok(())
}

impl fmt::Display for ExecutionFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.execute_secs + self.merkleize_secs + self.apply_commit_secs;
        let share = |secs: f64| 100.0 * secs / total;
        writeln!(
            f,
            "execution: signed transfers, decode + signature batch + execute + QMDB merkleize + \
             apply + commit per block, 1 core"
        )?;
        writeln!(
            f,
            "  {} txs ({} bytes each) in {} blocks of {}, {} funded accounts, {} state writes",
            self.txs, self.tx_bytes, self.blocks, self.block_txs, self.accounts, self.state_writes
        )?;
        writeln!(
            f,
            "  throughput        {:>10.0} tx/s   {:>8.1} µs/tx   LIMITS.md bound {:.0}/s ({:.2}x)",
            self.tx_per_sec,
            self.per_tx_micros,
            baseline::EXECUTION_BOUND_PER_SEC,
            self.tx_per_sec / baseline::EXECUTION_BOUND_PER_SEC
        )?;
        writeln!(
            f,
            "  time split        execute {:.1}% ({:.3} s) | merkleize {:.1}% ({:.3} s) | \
             apply+commit {:.1}% ({:.3} s)",
            share(self.execute_secs),
            self.execute_secs,
            share(self.merkleize_secs),
            self.merkleize_secs,
            share(self.apply_commit_secs),
            self.apply_commit_secs
        )?;
        writeln!(
            f,
            "  same-run verify   single {:.0}/s (ratio {:.2}) | batch of {} {:.0}/s (ratio {:.2})",
            self.single_verify_per_sec,
            self.ratio_to_single_verify,
            self.block_txs,
            self.batch_verify_per_sec,
            self.ratio_to_batch_verify
        )?;
        writeln!(f, "  {}", cpu_line(self.cpu_share))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_measure_transfers_that_overdraw() {
        let err = run(&Plan {
            accounts: 4,
            txs: 4,
            block_txs: 4,
            amount: GENESIS_BALANCE,
        })
        .unwrap_err();
        assert!(
            matches!(err, BenchError::TxFailed { code: 101, .. }),
            "expected insufficient_funds, got {err}"
        );
    }

    #[test]
    fn rejects_empty_workloads_and_oversized_blocks() {
        assert!(matches!(
            execution(0, 10),
            Err(BenchError::InvalidArgument(_))
        ));
        assert!(matches!(
            execution(10, 0),
            Err(BenchError::InvalidArgument(_))
        ));
        assert!(matches!(
            execution(10, 20_001),
            Err(BenchError::InvalidArgument(_))
        ));
    }

    #[test]
    fn small_workload_with_few_accounts_reuses_senders_across_blocks() {
        // 3 accounts, 10 transfers in blocks of 2: every sender signs several nonces and is also
        // a recipient; the audit checks the predicted balances and nonces.
        let figures = run(&Plan {
            accounts: 3,
            txs: 10,
            block_txs: 2,
            amount: 5,
        })
        .unwrap();
        assert_eq!(figures.txs, 10);
        assert_eq!(figures.blocks, 5);
        assert!(figures.tx_per_sec > 0.0);
    }
}
