//! Bounded transaction pool: admission checks, per-account nonce order, eviction, block selection.
//!
//! ```text
//! API / gossip ─▶ decode + signature (caller) ─▶ Pool::admit (nonce, fee, caps, eviction)
//!                                                   │
//!        proposer ◀── select(next nonces from the parent state, block limits) ◀┘
//!        finalized block ─▶ Pool::remove_executed / prune_below(account, next nonce)
//! ```
//! The pool holds at most [`Config::max_txs`] transactions and [`Config::max_bytes`] bytes.
//! Transactions of one account are kept by nonce; selection only takes a run of consecutive
//! nonces starting at the account's next nonce, so a block never carries a transaction that
//! must fail for its nonce. When full, the cheapest transaction is evicted together with the
//! later nonces of its account (which could no longer execute), but only for a newcomer that
//! pays a strictly higher fee.
//!
//! An account's queue must be payable as a whole: a transaction is admitted only if the
//! balance covers its fee and transfer amount *plus* those of every queued transaction with a
//! lower nonce. Otherwise one paid fee could carry a queue of transactions that all fail
//! uncharged, using block space for free. (Other payload costs, like an onboarding fee, are
//! checked at execution, where failing still costs the fee.)
//!
//! Every refusal is an [`Outcome`] code from the chain's registry, so the API can return it as
//! `{code, reason}`.

use bytes::Bytes;
use std::{
    cmp::Reverse,
    collections::{BTreeMap, BTreeSet, BinaryHeap},
    sync::Arc,
};
use terrane_accounts::{outcome::AccountsRejection, types::Account};
use terrane_app::{Outcome, SignedTransaction, outcome::EnvelopeRejection, params::BlockLimits};
use terrane_primitives::{Address, Amount, Hash32, Nonce};

/// Pool limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Most transactions held.
    pub max_txs: usize,
    /// Most bytes held (sum of encoded lengths).
    pub max_bytes: usize,
    /// Most transactions held per account.
    pub max_per_account: usize,
    /// Furthest a nonce may be ahead of the account's next nonce.
    pub max_nonce_gap: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_txs: 50_000,
            max_bytes: 64 * 1024 * 1024,
            max_per_account: 256,
            max_nonce_gap: 256,
        }
    }
}

/// A pending transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Transaction id.
    pub id: Hash32,
    /// The encoded signed transaction, as it goes into a block.
    pub raw: Bytes,
    /// Signer.
    pub signer: Address,
    /// Nonce.
    pub nonce: Nonce,
    /// Fee offered.
    pub fee: Amount,
    /// What it spends from the balance at most: fee plus transfer amount.
    pub cost: Amount,
    /// Admission order, for deterministic tie-breaks.
    pub seq: u64,
}

/// What admission did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admitted {
    /// Added to the pool.
    Added,
    /// Replaced the pending transaction with the same signer and nonce (lower fee).
    Replaced(Hash32),
}

/// The pool. Not thread-safe by itself: the node wraps it in a mutex and does signature
/// checks and state reads outside the lock.
#[derive(Debug)]
pub struct Pool {
    cfg: Config,
    by_account: BTreeMap<Address, BTreeMap<Nonce, Arc<Pending>>>,
    by_id: BTreeMap<Hash32, (Address, Nonce)>,
    by_fee: BTreeSet<(Amount, Reverse<u64>, Address, Nonce)>,
    bytes: usize,
    next_seq: u64,
}

impl Pool {
    /// An empty pool.
    pub fn new(cfg: Config) -> Self {
        Self {
            cfg,
            by_account: BTreeMap::new(),
            by_id: BTreeMap::new(),
            by_fee: BTreeSet::new(),
            bytes: 0,
            next_seq: 0,
        }
    }

    /// Number of pending transactions.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether `id` is pending.
    pub fn contains(&self, id: &Hash32) -> bool {
        self.by_id.contains_key(id)
    }

    /// Admits a decoded, signature-checked transaction.
    ///
    /// `account` is the signer's record in the latest finalized state and `min_fee` the
    /// minimum fee for the transaction's length. Refusals leave the pool unchanged.
    pub fn admit(
        &mut self,
        tx: &SignedTransaction,
        raw: Bytes,
        account: Account,
        min_fee: Amount,
    ) -> Result<Admitted, Outcome> {
        let id = tx.id();
        let signer = tx.tx.signer;
        let nonce = tx.tx.nonce;
        let fee = tx.tx.fee;
        if self.by_id.contains_key(&id) {
            return Err(EnvelopeRejection::DuplicateTx.into());
        }
        if nonce < account.nonce {
            return Err(AccountsRejection::NonceTooLow.into());
        }
        if nonce.get() - account.nonce.get() >= self.cfg.max_nonce_gap {
            return Err(EnvelopeRejection::NonceGapTooLarge.into());
        }
        if fee < min_fee {
            return Err(AccountsRejection::FeeBelowMinimum.into());
        }
        // Whatever runs before this one (lower nonces, a same-nonce one being replaced aside).
        let ahead = self
            .by_account
            .get(&signer)
            .map_or(Some(Amount::ZERO), |q| {
                q.range(..nonce)
                    .try_fold(Amount::ZERO, |sum, (_, p)| sum.checked_add(p.cost))
            })
            .unwrap_or(Amount::new(u64::MAX));
        let cost = spend(tx).checked_add(fee).unwrap_or(Amount::new(u64::MAX));
        if ahead
            .checked_add(fee)
            .is_none_or(|need| account.balance < need)
        {
            return Err(AccountsRejection::FeeUnpayable.into());
        }
        if ahead
            .checked_add(cost)
            .is_none_or(|need| account.balance < need)
        {
            return Err(AccountsRejection::InsufficientFunds.into());
        }
        let queue_len = self.by_account.get(&signer).map_or(0, BTreeMap::len);
        let replaced = self
            .by_account
            .get(&signer)
            .and_then(|q| q.get(&nonce))
            .cloned();
        if let Some(old) = &replaced {
            if fee <= old.fee {
                return Err(EnvelopeRejection::ReplacementUnderpriced.into());
            }
        } else if queue_len >= self.cfg.max_per_account {
            return Err(EnvelopeRejection::AccountQueueFull.into());
        }

        // Make room: evict the cheapest transactions (and their accounts' later nonces) as
        // long as each pays strictly less than the newcomer.
        let freed_by_replace = replaced.as_ref().map_or(0, |p| p.raw.len());
        let count_after = self.len() + usize::from(replaced.is_none());
        let bytes_after = self.bytes + raw.len() - freed_by_replace;
        let mut evict = Vec::new();
        let (mut count, mut bytes) = (count_after, bytes_after);
        let mut cursor = self.by_fee.iter();
        while count > self.cfg.max_txs || bytes > self.cfg.max_bytes {
            let Some(&(victim_fee, _, victim_signer, victim_nonce)) = cursor.next() else {
                return Err(EnvelopeRejection::MempoolFull.into());
            };
            if victim_fee >= fee {
                return Err(EnvelopeRejection::MempoolFull.into());
            }
            if victim_signer == signer && victim_nonce <= nonce {
                // Evicting our own predecessor would strand the newcomer.
                continue;
            }
            if evict.contains(&(victim_signer, victim_nonce)) {
                continue;
            }
            for (n, p) in self.by_account[&victim_signer].range(victim_nonce..) {
                if !evict.contains(&(victim_signer, *n)) {
                    evict.push((victim_signer, *n));
                    count -= 1;
                    bytes -= p.raw.len();
                }
            }
        }
        for (a, n) in evict {
            self.remove_entry(&a, n);
        }
        if let Some(old) = &replaced {
            self.remove_entry(&signer, old.nonce);
        }

        let pending = Arc::new(Pending {
            id,
            raw,
            signer,
            nonce,
            fee,
            cost,
            seq: self.next_seq,
        });
        self.next_seq += 1;
        self.bytes += pending.raw.len();
        self.by_fee
            .insert((fee, Reverse(pending.seq), signer, nonce));
        self.by_id.insert(id, (signer, nonce));
        self.by_account
            .entry(signer)
            .or_default()
            .insert(nonce, pending);
        if replaced.is_some() {
            // A pricier replacement can leave later nonces unpayable: drop them now rather
            // than carry transactions that must fail uncharged.
            self.drop_unpayable_after(&signer, nonce, ahead, account.balance);
        }
        Ok(match replaced {
            Some(old) => Admitted::Replaced(old.id),
            None => Admitted::Added,
        })
    }

    /// Drops the first transaction of `signer` from `from` on whose cumulative cost (from
    /// `ahead`) exceeds `balance`, and every later one.
    fn drop_unpayable_after(
        &mut self,
        signer: &Address,
        from: Nonce,
        ahead: Amount,
        balance: Amount,
    ) {
        let Some(queue) = self.by_account.get(signer) else {
            return;
        };
        let mut total = ahead;
        let mut cut = None;
        for (n, p) in queue.range(from..) {
            match total.checked_add(p.cost) {
                Some(t) if t <= balance => total = t,
                _ => {
                    cut = Some(*n);
                    break;
                }
            }
        }
        if let Some(cut) = cut {
            let doomed: Vec<Nonce> = queue.range(cut..).map(|(n, _)| *n).collect();
            for n in doomed {
                self.remove_entry(signer, n);
            }
        }
    }

    fn remove_entry(&mut self, signer: &Address, nonce: Nonce) -> Option<Arc<Pending>> {
        let queue = self.by_account.get_mut(signer)?;
        let p = queue.remove(&nonce)?;
        if queue.is_empty() {
            self.by_account.remove(signer);
        }
        self.by_id.remove(&p.id);
        self.by_fee
            .remove(&(p.fee, Reverse(p.seq), p.signer, p.nonce));
        self.bytes -= p.raw.len();
        Some(p)
    }

    /// Drops every transaction of `signer` with a nonce below `next_nonce` (executed or
    /// superseded by a finalized block).
    pub fn prune_below(&mut self, signer: &Address, next_nonce: Nonce) {
        let stale: Vec<Nonce> = self
            .by_account
            .get(signer)
            .map(|q| q.range(..next_nonce).map(|(n, _)| *n).collect())
            .unwrap_or_default();
        for n in stale {
            self.remove_entry(signer, n);
        }
    }

    /// Whether the pending transaction with `id` has exactly these bytes.
    pub fn holds_exactly(&self, id: &Hash32, raw: &[u8]) -> bool {
        self.by_id
            .get(id)
            .and_then(|(a, n)| self.by_account.get(a)?.get(n))
            .is_some_and(|p| p.raw.as_ref() == raw)
    }

    /// Drops the transactions with these ids.
    pub fn remove_ids<'a>(&mut self, ids: impl IntoIterator<Item = &'a Hash32>) {
        for id in ids {
            if let Some((signer, nonce)) = self.by_id.get(id).copied() {
                self.remove_entry(&signer, nonce);
            }
        }
    }

    /// A snapshot of every account's queue, for [`select`] outside the lock.
    pub fn snapshot(&self) -> Vec<(Address, Vec<Arc<Pending>>)> {
        self.by_account
            .iter()
            .map(|(a, q)| (*a, q.values().cloned().collect()))
            .collect()
    }
}

/// What a transaction moves out of its signer's balance besides the fee, as far as the
/// envelope shows.
fn spend(tx: &SignedTransaction) -> Amount {
    match &tx.tx.payload {
        terrane_app::Payload::Transfer(t) => t.amount,
        _ => Amount::ZERO,
    }
}

/// Picks transactions for a block from a [`Pool::snapshot`].
///
/// For each account only the run of consecutive nonces starting at `next_nonce(account)`
/// (read from the state the block builds on) is eligible. Runs are merged by fee, highest
/// first, ties by admission order; an account whose next transaction does not fit the byte
/// limit contributes nothing more. Deterministic for the same inputs.
pub fn select(
    snapshot: &[(Address, Vec<Arc<Pending>>)],
    next_nonces: &BTreeMap<Address, Nonce>,
    limits: &BlockLimits,
) -> Vec<Arc<Pending>> {
    let mut runs: Vec<Vec<Arc<Pending>>> = Vec::new();
    for (account, queue) in snapshot {
        let Some(mut expected) = next_nonces.get(account).copied() else {
            continue;
        };
        let start = expected;
        let mut run = Vec::new();
        for p in queue.iter().filter(|p| p.nonce >= start) {
            if p.nonce != expected {
                break;
            }
            run.push(p.clone());
            let Some(next) = expected.checked_next() else {
                break;
            };
            expected = next;
        }
        if !run.is_empty() {
            runs.push(run);
        }
    }
    let mut heap: BinaryHeap<(Amount, Reverse<u64>, usize, usize)> = runs
        .iter()
        .enumerate()
        .map(|(r, run)| (run[0].fee, Reverse(run[0].seq), r, 0))
        .collect();
    let mut chosen = Vec::new();
    let mut bytes: u64 = 0;
    let max_txs = usize::try_from(limits.max_txs).unwrap_or(usize::MAX);
    while let Some((_, _, r, i)) = heap.pop() {
        if chosen.len() >= max_txs {
            break;
        }
        let p = &runs[r][i];
        let len = p.raw.len() as u64;
        if bytes + len > u64::from(limits.max_tx_bytes) {
            continue;
        }
        bytes += len;
        chosen.push(p.clone());
        if let Some(next) = runs[r].get(i + 1) {
            heap.push((next.fee, Reverse(next.seq), r, i + 1));
        }
    }
    chosen
}

#[cfg(test)]
mod tests;
