//! The devnet's paying customers: accounts that buy data credits at the oracle price and pay
//! hotspots for coverage traffic through data sessions, the way a consumer app would.
//!
//! ```text
//! every tick, per consumer (keys derived from the fleet seed, funded at genesis):
//!   no session, credits short   ─▶ BurnForCredits {to: itself, 1 TRN}
//!   no session                  ─▶ OpenSession with an honest hotspot drawn by its city's
//!                                  population (demand follows people), 20,000 credits, 200 blocks
//!   session open                ─▶ traffic: 2,400-48,000 more bytes; sign the cumulative receipt
//!                                  and submit it (a consumer may relay its own receipts)
//!   deposit spent or expired    ─▶ stop paying; after expiry + grace, CloseSession (the refund)
//! and two cheats of the economy, against the two honest hotspots with the most demand:
//!   self-dealer (the first one's owner, paying from a second wallet): the same, but with his
//!     own hotspot and claiming the whole deposit at once (fabricated traffic he pays for)
//!   over-claimer (the second one's owner): for each receipt a customer hands his hotspot,
//!     also submits it with doubled bytes (`receipt_bad_signature`), again once paid, and the
//!     one before it (`receipt_stale`)
//! ```
//! [`ConsumerAgent::cheats`] measures both against what they paid: the fleet simulation
//! (`crates/fleet/tests/market_sim.rs`) proves the same against an honest baseline.
//! Off-chain tooling: randomness is seeded, nothing here is consensus code.

use crate::agent::AgentError;
use commonware_cryptography::{Signer as _, ed25519};
use rand::{RngExt as _, SeedableRng, rngs::StdRng};
use terrane_app::{Payload, testkit::named_key};
use terrane_client::Client;
use terrane_credits::{
    msg::BurnForCredits,
    types::{Credits, EscrowId},
};
use terrane_fleet::{Behavior, Fleet, cities::City};
use terrane_primitives::{Address, Amount, ChainId, DeviceId};
use terrane_sessions::{
    msg::{CloseSession, OpenSession, SubmitReceipt},
    types::Receipt,
};

/// Consumers a devnet with a fleet funds.
pub const CONSUMERS: usize = 8;
/// Market accounts beyond the consumers: the self-dealer's wallet and the over-claimer's.
const CHEATS: usize = 2;
/// What genesis gives each consumer: 1,000 TRN.
pub const CONSUMER_FUNDING: Amount = Amount::new(1_000_000_000);
/// Credits a session escrows ($0.20 at the default credit price).
const DEPOSIT: u64 = 20_000;
/// How long a session runs, blocks.
const DURATION_BLOCKS: u64 = 200;
/// Bytes of traffic a tick adds, at most (2,000 credits at 24 bytes a credit).
const MAX_TICK_BYTES: u64 = 48_000;

/// What the consumers of the devnet in `layout` buy from: its fleet, the cities it was placed
/// from and its seed (`None` for a devnet without a fleet).
pub fn market(
    layout: &crate::layout::Layout,
) -> Result<Option<(Fleet, Vec<City>, u64)>, crate::layout::LayoutError> {
    let (Some(spec), Some(fleet)) = (layout.load_fleet()?, layout.build_fleet()?) else {
        return Ok(None);
    };
    let cities = terrane_fleet::cities::load(&spec.cities)
        .map_err(|e| crate::layout::LayoutError::Invalid(format!("fleet cities: {e}")))?;
    Ok(Some((fleet, cities, spec.seed)))
}

/// Consumer `i`'s key on the devnet whose fleet has `seed`.
pub fn consumer_key(seed: u64, i: usize) -> ed25519::PrivateKey {
    named_key(&format!("terrane-devnet/{seed}/consumer/{i}"))
}

/// Every market account's address on the devnet whose fleet has `seed`: the consumers, then
/// the self-dealer's wallet and the over-claimer's account (genesis funds them alike).
pub fn consumer_addresses(seed: u64) -> Vec<Address> {
    (0..CONSUMERS + CHEATS)
        .map(|i| terrane_app::testkit::address_of(&consumer_key(seed, i)))
        .collect()
}

struct Open {
    id: EscrowId,
    device: DeviceId,
    bytes: u64,
    nonce: u64,
    deposit: u64,
    bytes_per_credit: u64,
    settle_until: u64,
}

struct Consumer {
    key: ed25519::PrivateKey,
    address: Address,
    nonce: u64,
    /// The hotspot it opened a session with, and the height it asked at, while it waits to see
    /// the session on chain.
    opening: Option<(DeviceId, u64)>,
    session: Option<Open>,
    /// For the self-dealer: his own hotspot, which he pays for traffic he fabricates.
    own_hotspot: Option<DeviceId>,
}

/// The over-claimer: its hotspot, its owner's account, and the receipts it will abuse.
struct OverClaimer {
    device: DeviceId,
    key: ed25519::PrivateKey,
    address: Address,
    nonce: u64,
    /// The last receipt handed to it, per session.
    last: std::collections::BTreeMap<u64, SubmitReceipt>,
    queued: Vec<SubmitReceipt>,
}

/// What the economy's cheats got so far, from the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheatsReport {
    /// The self-dealer's hotspot.
    pub self_dealer: DeviceId,
    /// Usage his hotspot was paid (TRN base units, closed epochs).
    pub self_dealer_usage: u64,
    /// TRN his wallet spent on credits and fees so far (funding − balance).
    pub self_dealer_spent: u64,
    /// The over-claimer's hotspot.
    pub over_claimer: DeviceId,
    /// Credits its reward lines count as usage (closed epochs).
    pub over_claimer_usage_credits: u64,
    /// Forged or replayed receipts it submitted.
    pub over_claims: u64,
}

/// What one tick did, for the devnet's log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Credits bought (TRN burned).
    pub burns: usize,
    /// Sessions opened.
    pub opened: usize,
    /// Receipts submitted.
    pub receipts: usize,
    /// Sessions closed.
    pub closed: usize,
    /// Forged or replayed receipts the over-claimer submitted.
    pub over_claims: usize,
}

/// The consumers' agent.
pub struct ConsumerAgent {
    client: Client,
    chain: ChainId,
    rng: StdRng,
    consumers: Vec<Consumer>,
    /// Honest hotspots with their city's population (the demand weight).
    hotspots: Vec<(DeviceId, u64)>,
    total_weight: u64,
    claimer: Option<OverClaimer>,
    over_claims: u64,
}

impl ConsumerAgent {
    /// Connects the devnet's consumers (from `seed`) to the node at `client`; they buy from the
    /// honest hotspots of `fleet`, placed from `cities`.
    pub async fn connect(
        client: Client,
        fleet: &Fleet,
        cities: &[City],
        seed: u64,
    ) -> Result<Self, AgentError> {
        let (chain, _) = crate::agent::chain_of(&client).await?;
        let hotspots: Vec<(DeviceId, u64)> = fleet
            .device_info()
            .filter(|d| d.behavior == Behavior::Honest)
            .map(|d| {
                let people = d
                    .city
                    .and_then(|c| cities.get(c))
                    .map_or(1, |c| c.population.max(1));
                (d.id, people)
            })
            .collect();
        let total_weight = hotspots.iter().map(|(_, w)| *w).sum();
        let mut by_demand = hotspots.clone();
        by_demand.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut consumers = Vec::with_capacity(CONSUMERS + 1);
        for i in 0..=CONSUMERS {
            let key = consumer_key(seed, i);
            let address = terrane_app::testkit::address_of(&key);
            let nonce = client.account(&address).await?.nonce;
            consumers.push(Consumer {
                key,
                address,
                nonce,
                opening: None,
                session: None,
                own_hotspot: (i == CONSUMERS)
                    .then(|| by_demand.first().map(|h| h.0))
                    .flatten(),
            });
        }
        if consumers[CONSUMERS].own_hotspot.is_none() {
            consumers.pop();
        }
        let claimer = match by_demand.get(1) {
            Some(&(device, _)) => {
                let key = consumer_key(seed, CONSUMERS + 1);
                let address = terrane_app::testkit::address_of(&key);
                let nonce = client.account(&address).await?.nonce;
                Some(OverClaimer {
                    device,
                    key,
                    address,
                    nonce,
                    last: std::collections::BTreeMap::new(),
                    queued: Vec::new(),
                })
            }
            None => None,
        };
        Ok(Self {
            client,
            chain,
            rng: StdRng::seed_from_u64(seed ^ 0xc0_05_0e_e5),
            consumers,
            hotspots,
            total_weight,
            claimer,
            over_claims: 0,
        })
    }

    /// What the self-dealer and the over-claimer got so far (`None` without them).
    pub async fn cheats(&self) -> Result<Option<CheatsReport>, AgentError> {
        let (Some(dealer), Some(claimer)) = (self.consumers.get(CONSUMERS), &self.claimer) else {
            return Ok(None);
        };
        let Some(own) = dealer.own_hotspot else {
            return Ok(None);
        };
        let lines =
            |v: Option<terrane_api::DeviceRewardsView>| v.map(|v| v.lines).unwrap_or_default();
        let dealer_lines = lines(self.client.device_rewards(&own).await?);
        let claimer_lines = lines(self.client.device_rewards(&claimer.device).await?);
        let balance = self.client.account(&dealer.address).await?.balance;
        Ok(Some(CheatsReport {
            self_dealer: own,
            self_dealer_usage: dealer_lines.iter().map(|l| l.usage_paid).sum(),
            self_dealer_spent: CONSUMER_FUNDING.get().saturating_sub(balance),
            over_claimer: claimer.device,
            over_claimer_usage_credits: claimer_lines.iter().map(|l| l.usage_credits).sum(),
            over_claims: self.over_claims,
        }))
    }

    /// The over-claimer submits what it queued (forged and replayed receipts).
    async fn over_claim(&mut self) -> Result<usize, AgentError> {
        let Some(c) = self.claimer.as_mut() else {
            return Ok(0);
        };
        let mut n = 0;
        for r in core::mem::take(&mut c.queued) {
            let payload = Payload::SubmitReceipt(r);
            let sent = crate::agent::sign_and_submit(
                &self.client,
                &self.chain,
                &c.key,
                c.address,
                &mut c.nonce,
                payload,
            )
            .await?;
            if sent.is_ok() {
                n += 1;
            }
        }
        self.over_claims += n as u64;
        Ok(n)
    }

    /// A customer hands its receipt to the hotspot; the over-claimer's plans its abuse.
    fn hand_over(&mut self, device: DeviceId, r: &SubmitReceipt) {
        let Some(c) = self.claimer.as_mut().filter(|c| c.device == device) else {
            return;
        };
        let mut inflated = r.clone();
        inflated.receipt.bytes = inflated.receipt.bytes.saturating_mul(2);
        c.queued.push(inflated);
        c.queued.push(r.clone());
        if let Some(previous) = c.last.insert(r.receipt.session.get(), r.clone()) {
            c.queued.push(previous);
        }
    }

    /// A hotspot drawn with probability proportional to its city's population.
    fn draw_hotspot(&mut self) -> Option<DeviceId> {
        if self.total_weight == 0 {
            return None;
        }
        let mut x = self.rng.random_range(0..self.total_weight);
        for (id, w) in &self.hotspots {
            if x < *w {
                return Some(*id);
            }
            x -= w;
        }
        None
    }

    /// Signs `payload` as consumer `i` with its next nonce and submits it.
    async fn submit(&mut self, i: usize, payload: Payload) -> Result<(), AgentError> {
        let c = &mut self.consumers[i];
        crate::agent::sign_and_submit(
            &self.client,
            &self.chain,
            &c.key,
            c.address,
            &mut c.nonce,
            payload,
        )
        .await??;
        Ok(())
    }

    /// One round of every consumer's behaviour at finalized `height`.
    pub async fn tick(&mut self, height: u64) -> Result<TickReport, AgentError> {
        let mut report = TickReport {
            over_claims: self.over_claim().await?,
            ..TickReport::default()
        };
        for i in 0..self.consumers.len() {
            let address = self.consumers[i].address;
            if let Some((device, asked)) = self.consumers[i].opening {
                // The session we asked for: the newest one with that hotspot.
                let view = self.client.credit_account(&address).await?;
                if let Some(s) = view
                    .sessions
                    .iter()
                    .filter(|s| s.device == device.to_string())
                    .max_by_key(|s| s.id)
                {
                    self.consumers[i].session = Some(Open {
                        id: EscrowId::new(s.id),
                        device,
                        bytes: s.paid_bytes,
                        nonce: s.last_nonce,
                        deposit: s.deposit,
                        bytes_per_credit: u64::from(s.bytes_per_credit),
                        settle_until: s.settle_until,
                    });
                    self.consumers[i].opening = None;
                } else if height > asked + 30 {
                    // Refused or dropped: try again.
                    self.consumers[i].opening = None;
                }
                continue;
            }
            match self.consumers[i].session.take() {
                None => {
                    let balance = self.client.credit_account(&address).await?.balance;
                    if balance < DEPOSIT {
                        let payload = Payload::BurnForCredits(BurnForCredits {
                            to: address,
                            amount: Amount::from_tokens(1).expect("fits"),
                        });
                        self.submit(i, payload).await?;
                        report.burns += 1;
                    } else if let Some(device) = self.consumers[i]
                        .own_hotspot
                        .or_else(|| self.draw_hotspot())
                    {
                        let payload = Payload::OpenSession(OpenSession {
                            device,
                            deposit: Credits::new(DEPOSIT),
                            duration_blocks: DURATION_BLOCKS,
                        });
                        self.submit(i, payload).await?;
                        self.consumers[i].opening = Some((device, height));
                        report.opened += 1;
                    }
                }
                Some(mut open) => {
                    let capacity = open.deposit * open.bytes_per_credit;
                    if height > open.settle_until {
                        let payload = Payload::CloseSession(CloseSession { session: open.id });
                        self.submit(i, payload).await?;
                        report.closed += 1;
                        continue;
                    }
                    let more = self.rng.random_range(2_400..=MAX_TICK_BYTES);
                    let bytes = if self.consumers[i].own_hotspot.is_some() {
                        // Fabricated: the whole deposit at once.
                        capacity
                    } else {
                        (open.bytes + more).min(capacity)
                    };
                    if bytes > open.bytes && height + 5 < open.settle_until {
                        let receipt = Receipt {
                            session: open.id,
                            bytes,
                            nonce: open.nonce + 1,
                        };
                        let ns = Receipt::signing_namespace(&self.chain);
                        let signature = self.consumers[i].key.sign(&ns, &receipt.message());
                        let submit = SubmitReceipt { receipt, signature };
                        let payload = Payload::SubmitReceipt(submit.clone());
                        if self.submit(i, payload).await.is_ok() {
                            self.hand_over(open.device, &submit);
                            open.bytes = bytes;
                            open.nonce += 1;
                            report.receipts += 1;
                        }
                    }
                    self.consumers[i].session = Some(open);
                }
            }
        }
        Ok(report)
    }
}
