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
//! ```
//! Off-chain tooling: randomness is seeded, nothing here is consensus code.

use crate::agent::AgentError;
use commonware_cryptography::{Signer as _, ed25519};
use rand::{RngExt as _, SeedableRng, rngs::StdRng};
use terrane_app::{Payload, Transaction, testkit::named_key, tx::encode_signed};
use terrane_client::Client;
use terrane_credits::{
    msg::BurnForCredits,
    types::{Credits, EscrowId},
};
use terrane_fleet::{Behavior, Fleet, cities::City};
use terrane_primitives::{Address, Amount, ChainId, DeviceId, Nonce};
use terrane_sessions::{
    msg::{CloseSession, OpenSession, SubmitReceipt},
    types::Receipt,
};

/// Consumers a devnet with a fleet funds.
pub const CONSUMERS: usize = 8;
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

/// Every consumer's address on the devnet whose fleet has `seed`.
pub fn consumer_addresses(seed: u64) -> Vec<Address> {
    (0..CONSUMERS)
        .map(|i| terrane_app::testkit::address_of(&consumer_key(seed, i)))
        .collect()
}

struct Open {
    id: EscrowId,
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
        let mut consumers = Vec::with_capacity(CONSUMERS);
        for i in 0..CONSUMERS {
            let key = consumer_key(seed, i);
            let address = terrane_app::testkit::address_of(&key);
            let nonce = client.account(&address).await?.nonce;
            consumers.push(Consumer {
                key,
                address,
                nonce,
                opening: None,
                session: None,
            });
        }
        Ok(Self {
            client,
            chain,
            rng: StdRng::seed_from_u64(seed ^ 0xc0_05_0e_e5),
            consumers,
            hotspots,
            total_weight,
        })
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
        let mut tx = Transaction {
            signer: c.address,
            nonce: Nonce::new(c.nonce),
            fee: Amount::ZERO,
            payload,
        };
        tx.fee = tx.min_fee(&Default::default());
        let signed = encode_signed(&tx.sign(&c.key, &self.chain)).to_vec();
        match self.client.submit(signed).await {
            Ok(_) => {
                c.nonce += 1;
                Ok(())
            }
            Err(e) => {
                // Out of step with the chain (a restart, a dropped transaction): resync.
                c.nonce = self.client.account(&c.address).await?.nonce;
                Err(e.into())
            }
        }
    }

    /// One round of every consumer's behaviour at finalized `height`.
    pub async fn tick(&mut self, height: u64) -> Result<TickReport, AgentError> {
        let mut report = TickReport::default();
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
                    } else if let Some(device) = self.draw_hotspot() {
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
                    let bytes = (open.bytes + more).min(capacity);
                    if bytes > open.bytes && height + 5 < open.settle_until {
                        let receipt = Receipt {
                            session: open.id,
                            bytes,
                            nonce: open.nonce + 1,
                        };
                        let ns = Receipt::signing_namespace(&self.chain);
                        let signature = self.consumers[i].key.sign(&ns, &receipt.message());
                        let payload = Payload::SubmitReceipt(SubmitReceipt { receipt, signature });
                        if self.submit(i, payload).await.is_ok() {
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
