//! The demand side of a simulated fleet: a price oracle, paying consumers, and the owners who
//! try to cheat the economy rather than the radio rules.
//!
//! ```text
//! Market::new(cfg, fleet, cities, chain, fees) ─▶ oracle · consumers · self-dealers' payers
//!                                                 · over-claimers' relays      (Market::funding)
//! every block: Market::step(ChainView) ─▶ signed transactions for the next block
//!   oracle, every price_every_blocks   ─▶ SubmitPrice (a constant price: the mechanism, not
//!                                         the market, is under test)
//!   consumer (population-weighted hotspot among the honest devices)
//!     credits short ─▶ BurnForCredits · no session ─▶ OpenSession · open ─▶ SubmitReceipt of
//!     the bytes delivered so far (signed by the consumer) · expired + grace ─▶ CloseSession
//!   self-dealer (an honest hotspot's owner, paying from a second wallet): the same, with his
//!     own hotspot, claiming the whole deposit at once: fabricated traffic he pays for himself
//!   over-claimer (an honest hotspot's owner): for every receipt its customers hand it, also
//!     submits the receipt with more bytes (`receipt_bad_signature`), the previous receipt
//!     again (`receipt_stale`) and the paid one again (`receipt_stale`)
//! after each block: Market::observe(events) ─▶ credits bought, sessions opened, paid, closed
//! ```
//! Self-dealers and over-claimers are roles of honest devices: their radio work is honest, so
//! what their cheating earns is measured against the same market with `cheat` off
//! ([`MarketConfig::honest`]) — every other draw is identical.
//!
//! Off-chain tooling: the market reads nothing but the chain's events, like a wallet.

use crate::{
    behavior::Behavior,
    cities::City,
    fleet::{ChainView, Fleet},
    rng::{SimRng, stream},
};
use commonware_cryptography::{Signer as _, ed25519};
use std::collections::BTreeMap;
use terrane_accounts::params::AccountsParams;
use terrane_app::{
    events::{AppEvent, EventKind},
    tx::Payload,
};
use terrane_credits::{
    events::CreditsEvent,
    msg::BurnForCredits,
    types::{Credits, EscrowId},
};
use terrane_oracle::{msg::SubmitPrice, types::MicroUsdPerTrn};
use terrane_primitives::{Address, Amount, ChainId, DeviceId, Epoch, Height, Nonce, TimestampMs};
use terrane_sessions::{
    events::SessionsEvent,
    msg::{CloseSession, OpenSession, SubmitReceipt},
    params::SessionsParams,
    types::Receipt,
};

/// The market's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarketConfig {
    /// Seed of every draw (keys, hotspot choice, traffic).
    pub seed: u64,
    /// Paying consumers, each buying from honest hotspots drawn by their city's population.
    pub consumers: usize,
    /// Consumers living in each town with honest hotspots, each buying only from its own
    /// town's (demand everywhere, as in a busy network); 0 for none.
    pub consumers_per_town: usize,
    /// Whether each ring's owners pay their own ring's devices in turn (fabricated traffic,
    /// the whole deposit at once): a ring buying the demand backing it cannot get from
    /// customers.
    pub ring_dealers: bool,
    /// Honest hotspots whose owners also pay themselves for fabricated traffic.
    pub self_dealers: usize,
    /// Honest hotspots whose owners try to be paid more than their customers signed.
    pub over_claimers: usize,
    /// Whether self-dealers and over-claimers cheat (off: they are plain honest hotspots and
    /// self-dealers' payers stay idle: the baseline their gain is measured against).
    pub cheat: bool,
    /// The oracle's constant price, micro-USD per TRN.
    pub price: u64,
    /// Blocks between price reports.
    pub price_every_blocks: u64,
    /// TRN a payer burns when its credits run short.
    pub burn: Amount,
    /// Credits a session escrows.
    pub deposit: u64,
    /// How long a session runs, blocks.
    pub session_blocks: u64,
    /// A consumer acts every this many blocks (staggered per consumer).
    pub act_every_blocks: u64,
    /// Most bytes of traffic one action adds.
    pub max_step_bytes: u64,
    /// Genesis balance of every market account, base units.
    pub funding: Amount,
    /// Blocks after a session expired before its payer closes it (the sessions' settle grace
    /// must have passed).
    pub close_after_blocks: u64,
    /// The sessions' bytes per credit (what a deposit buys).
    pub bytes_per_credit: u32,
}

impl MarketConfig {
    /// Eight consumers, two self-dealers, two over-claimers, $1 per TRN, 20,000-credit
    /// sessions of 60 blocks.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            consumers: 8,
            consumers_per_town: 0,
            ring_dealers: false,
            self_dealers: 2,
            over_claimers: 2,
            cheat: true,
            price: 1_000_000,
            price_every_blocks: 50,
            burn: Amount::new(1_000_000),
            deposit: 20_000,
            session_blocks: 60,
            act_every_blocks: 4,
            max_step_bytes: 48_000,
            funding: Amount::new(1_000_000_000),
            close_after_blocks: SessionsParams::default().settle_grace_blocks + 1,
            bytes_per_credit: SessionsParams::default().bytes_per_credit,
        }
    }

    /// A busy network: two consumers in every town with honest hotspots and none drawn by
    /// population, each spending about $100 an epoch (sessions of 8,000,000 credits = $80,
    /// steps of up to 800,000 credits), funded with 10,000 TRN and burning 100 TRN at a time:
    /// enough paid usage to back the coverage pool (`docs/spec/rewards.md`, rule 2b).
    pub fn busy(seed: u64) -> Self {
        Self {
            consumers: 0,
            consumers_per_town: 2,
            burn: Amount::new(100_000_000),
            deposit: 8_000_000,
            max_step_bytes: 19_200_000,
            funding: Amount::new(10_000_000_000),
            ..Self::new(seed)
        }
    }

    /// The same market with nobody cheating.
    pub fn honest(&self) -> Self {
        Self {
            cheat: false,
            ring_dealers: false,
            ..self.clone()
        }
    }
}

/// What a payer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A customer buying coverage traffic.
    Consumer,
    /// A hotspot owner's second wallet, paying his own hotspot.
    SelfDealer(DeviceId),
    /// A ring's owners' wallet, paying the ring's devices in turn (index into the rings).
    RingDealer(usize),
}

struct Open {
    id: EscrowId,
    device: DeviceId,
    bytes: u64,
    nonce: u64,
    capacity: u64,
    expires: Height,
}

struct Payer {
    key: ed25519::PrivateKey,
    address: Address,
    nonce: Nonce,
    role: Role,
    /// The town a consumer buys in (index into the towns), if it lives in one.
    home: Option<usize>,
    /// Sessions opened (a ring dealer pays its ring's devices in this turn).
    turn: usize,
    credits: u64,
    /// A burn or an opening in flight since this height (cleared by its event, or retried).
    waiting: Option<Height>,
    session: Option<Open>,
    /// Sessions expired, to close once their grace is over.
    closing: Vec<(EscrowId, Height)>,
}

/// What the market's accounts did, from the chain's events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    /// TRN each account burned for credits.
    pub burned: BTreeMap<Address, Amount>,
    /// Credits each payer bought.
    pub bought: BTreeMap<Address, u64>,
    /// Credits each payer's sessions paid to each device, by the epoch of the payment.
    pub paid: BTreeMap<(Address, DeviceId, Epoch), u64>,
    /// Sessions opened.
    pub opened: u64,
    /// Receipts paid.
    pub receipts_paid: u64,
    /// Sessions closed.
    pub closed: u64,
}

/// An over-claimer: the device it owns and the account its owner submits with.
struct OverClaimer {
    device: DeviceId,
    account: usize,
    /// Receipts its customers handed it, newest last, per session.
    handed: BTreeMap<EscrowId, Vec<SubmitReceipt>>,
    /// What to submit next block.
    queued: Vec<SubmitReceipt>,
}

/// A simulated market for a [`Fleet`].
pub struct Market {
    cfg: MarketConfig,
    chain: ChainId,
    fee_params: AccountsParams,
    receipt_ns: Vec<u8>,
    oracle: Payer,
    payers: Vec<Payer>,
    claimers: Vec<OverClaimer>,
    claimer_accounts: Vec<Payer>,
    /// Honest hotspots consumers buy from, with their demand weight (city population).
    hotspots: Vec<(DeviceId, u64)>,
    /// The honest hotspots of each town, in ascending city index.
    towns: Vec<Vec<DeviceId>>,
    /// Each ring's devices, in ring order.
    rings: Vec<Vec<DeviceId>>,
    total_weight: u64,
    rng: SimRng,
    /// Sessions by id: their payer.
    sessions: BTreeMap<EscrowId, usize>,
    /// The market's accounts by address: payer index.
    by_address: BTreeMap<Address, usize>,
    ledger: Ledger,
}

fn key(seed: u64, name: &str, i: usize) -> ed25519::PrivateKey {
    ed25519::PrivateKey::from_seed(stream(seed, name, i as u64))
}

fn payer(key: ed25519::PrivateKey, role: Role) -> Payer {
    Payer {
        address: Address::from_slice(key.public_key().as_ref()).expect("32 bytes"),
        key,
        nonce: Nonce::new(0),
        role,
        home: None,
        turn: 0,
        credits: 0,
        waiting: None,
        session: None,
        closing: Vec::new(),
    }
}

impl Market {
    /// The market of `fleet` (placed from `cities`) on `chain`, paying fees under `fee_params`.
    /// Self-dealers and over-claimers are the honest devices with the most demand (so they
    /// see traffic), self-dealers first.
    ///
    /// # Panics
    /// If the fleet has fewer honest devices than the roles need.
    pub fn new(
        cfg: MarketConfig,
        fleet: &Fleet,
        cities: &[City],
        chain: ChainId,
        fee_params: AccountsParams,
    ) -> Self {
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
        let mut by_demand = hotspots.clone();
        by_demand.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let roles = cfg.self_dealers + cfg.over_claimers;
        assert!(
            by_demand.len() > roles,
            "too few honest hotspots for the roles"
        );
        let mut payers: Vec<Payer> = (0..cfg.consumers)
            .map(|i| payer(key(cfg.seed, "market/consumer", i), Role::Consumer))
            .collect();
        let mut by_town: BTreeMap<usize, Vec<DeviceId>> = BTreeMap::new();
        for d in fleet.device_info() {
            if d.behavior == Behavior::Honest
                && let Some(c) = d.city
            {
                by_town.entry(c).or_default().push(d.id);
            }
        }
        let towns: Vec<Vec<DeviceId>> = by_town.into_values().collect();
        for t in 0..towns.len() {
            for j in 0..cfg.consumers_per_town {
                let i = t * cfg.consumers_per_town + j;
                let mut p = payer(key(cfg.seed, "market/resident", i), Role::Consumer);
                p.home = Some(t);
                payers.push(p);
            }
        }
        let mut by_ring: BTreeMap<usize, Vec<DeviceId>> = BTreeMap::new();
        for d in fleet.device_info() {
            if let Some(r) = d.ring {
                by_ring.entry(r).or_default().push(d.id);
            }
        }
        let rings: Vec<Vec<DeviceId>> = by_ring.into_values().collect();
        if cfg.ring_dealers {
            for r in 0..rings.len() {
                payers.push(payer(
                    key(cfg.seed, "market/ring-dealer", r),
                    Role::RingDealer(r),
                ));
            }
        }
        for (i, (device, _)) in by_demand.iter().take(cfg.self_dealers).enumerate() {
            payers.push(payer(
                key(cfg.seed, "market/self-dealer", i),
                Role::SelfDealer(*device),
            ));
        }
        let mut claimers = Vec::new();
        let mut claimer_accounts = Vec::new();
        for (i, (device, _)) in by_demand
            .iter()
            .skip(cfg.self_dealers)
            .take(cfg.over_claimers)
            .enumerate()
        {
            claimer_accounts.push(payer(
                key(cfg.seed, "market/over-claimer", i),
                Role::Consumer,
            ));
            claimers.push(OverClaimer {
                device: *device,
                account: i,
                handed: BTreeMap::new(),
                queued: Vec::new(),
            });
        }
        let by_address = payers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.address, i))
            .collect();
        let total_weight = hotspots.iter().map(|(_, w)| *w).sum();
        Self {
            receipt_ns: Receipt::signing_namespace(&chain),
            oracle: payer(key(cfg.seed, "market/oracle", 0), Role::Consumer),
            rng: SimRng::new(stream(cfg.seed, "market/traffic", 0)),
            cfg,
            chain,
            fee_params,
            payers,
            claimers,
            claimer_accounts,
            hotspots,
            towns,
            rings,
            total_weight,
            sessions: BTreeMap::new(),
            by_address,
            ledger: Ledger::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &MarketConfig {
        &self.cfg
    }

    /// The oracle's account (genesis must list it in `oracle.oracles`).
    pub fn oracle(&self) -> Address {
        self.oracle.address
    }

    /// Genesis allocations: the oracle, every payer and every over-claimer's account.
    pub fn funding(&self) -> Vec<(Address, Amount)> {
        core::iter::once(&self.oracle)
            .chain(&self.payers)
            .chain(&self.claimer_accounts)
            .map(|p| (p.address, self.cfg.funding))
            .collect()
    }

    /// The consumers' accounts.
    pub fn consumers(&self) -> Vec<Address> {
        self.payers
            .iter()
            .filter(|p| p.role == Role::Consumer)
            .map(|p| p.address)
            .collect()
    }

    /// Each self-dealer's payer account and the hotspot it pays.
    pub fn self_dealers(&self) -> Vec<(Address, DeviceId)> {
        self.payers
            .iter()
            .filter_map(|p| match p.role {
                Role::SelfDealer(d) => Some((p.address, d)),
                Role::Consumer | Role::RingDealer(_) => None,
            })
            .collect()
    }

    /// Each ring dealer's payer account and the ring devices it pays.
    pub fn ring_dealers(&self) -> Vec<(Address, Vec<DeviceId>)> {
        self.payers
            .iter()
            .filter_map(|p| match p.role {
                Role::RingDealer(r) => Some((p.address, self.rings.get(r).cloned()?)),
                _ => None,
            })
            .collect()
    }

    /// Each over-claimer's submitting account and its hotspot.
    pub fn over_claimers(&self) -> Vec<(Address, DeviceId)> {
        self.claimers
            .iter()
            .map(|c| (self.claimer_accounts[c.account].address, c.device))
            .collect()
    }

    /// What the market's accounts did so far.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn sign(chain: &ChainId, fees: &AccountsParams, p: &mut Payer, payload: Payload) -> Vec<u8> {
        crate::fleet::sign_encoded(chain, fees, &p.key, &mut p.nonce, payload)
    }

    fn draw_hotspot(&mut self, home: Option<usize>) -> Option<DeviceId> {
        if let Some(t) = home {
            let town = self.towns.get(t)?;
            let n = u64::try_from(town.len()).expect("a town's hotspots fit u64");
            let i = usize::try_from(self.rng.below_u64(n)).expect("below the town's size");
            return town.get(i).copied();
        }
        if self.total_weight == 0 {
            return None;
        }
        let mut x = self.rng.below_u64(self.total_weight);
        for (id, w) in &self.hotspots {
            if x < *w {
                return Some(*id);
            }
            x -= w;
        }
        None
    }

    /// The transactions for the block after `view`'s head. Call once per block, in order,
    /// with [`Market::observe`] after each block.
    pub fn step(&mut self, view: &ChainView) -> Vec<Vec<u8>> {
        let mut txs = Vec::new();
        let h = view.height.get();
        if h.is_multiple_of(self.cfg.price_every_blocks.max(1)) {
            let payload = Payload::SubmitPrice(SubmitPrice {
                price: MicroUsdPerTrn::new(self.cfg.price),
                timestamp: TimestampMs::new(view.timestamp_ms),
            });
            txs.push(Self::sign(
                &self.chain,
                &self.fee_params,
                &mut self.oracle,
                payload,
            ));
        }
        // Over-claimers submit what they queued from the last block's receipts.
        if self.cfg.cheat {
            for c in &mut self.claimers {
                let account = &mut self.claimer_accounts[c.account];
                for r in core::mem::take(&mut c.queued) {
                    txs.push(Self::sign(
                        &self.chain,
                        &self.fee_params,
                        account,
                        Payload::SubmitReceipt(r),
                    ));
                }
            }
        }
        let every = self.cfg.act_every_blocks.max(1);
        for i in 0..self.payers.len() {
            if !(h + i as u64).is_multiple_of(every) {
                continue;
            }
            let self_dealing = matches!(self.payers[i].role, Role::SelfDealer(_));
            if self_dealing && !self.cfg.cheat {
                continue;
            }
            if let Some(payload) = self.act(i, view.height) {
                let handed = match &payload {
                    Payload::SubmitReceipt(r) => Some(r.clone()),
                    _ => None,
                };
                txs.push(Self::sign(
                    &self.chain,
                    &self.fee_params,
                    &mut self.payers[i],
                    payload,
                ));
                if let Some(r) = handed
                    && self.cfg.cheat
                {
                    self.hand_to_hotspot(r);
                }
            }
        }
        txs
    }

    /// One payer's next move, if any.
    fn act(&mut self, i: usize, height: Height) -> Option<Payload> {
        let h = height.get();
        let cfg = self.cfg.clone();
        if let Some(&(session, at)) = self.payers[i].closing.first()
            && h >= at.get()
        {
            self.payers[i].closing.remove(0);
            return Some(Payload::CloseSession(CloseSession { session }));
        }
        if let Some(since) = self.payers[i].waiting {
            if h < since.get() + 20 {
                return None;
            }
            // Refused or dropped: try again.
            self.payers[i].waiting = None;
        }
        let Some(mut open) = self.payers[i].session.take() else {
            let p = &self.payers[i];
            if p.credits < cfg.deposit {
                let to = p.address;
                self.payers[i].waiting = Some(height);
                return Some(Payload::BurnForCredits(BurnForCredits {
                    to,
                    amount: cfg.burn,
                }));
            }
            let device = match p.role {
                Role::SelfDealer(d) => d,
                Role::RingDealer(r) => {
                    let ring = self.rings.get(r)?;
                    *ring.get(p.turn % ring.len().max(1))?
                }
                Role::Consumer => {
                    let home = p.home;
                    self.draw_hotspot(home)?
                }
            };
            self.payers[i].turn += 1;
            self.payers[i].waiting = Some(height);
            return Some(Payload::OpenSession(OpenSession {
                device,
                deposit: Credits::new(cfg.deposit),
                duration_blocks: cfg.session_blocks,
            }));
        };
        if h + 2 >= open.expires.get() || open.bytes >= open.capacity {
            // Done paying: close once the grace is over.
            let close_at = Height::new(open.expires.get() + cfg.close_after_blocks);
            self.payers[i].closing.push((open.id, close_at));
            return None;
        }
        let bytes = match self.payers[i].role {
            // Fabricated traffic: the whole deposit at once.
            Role::SelfDealer(_) | Role::RingDealer(_) => open.capacity,
            Role::Consumer => {
                let more = 2_400 + self.rng.below_u64(cfg.max_step_bytes - 2_400 + 1);
                (open.bytes + more).min(open.capacity)
            }
        };
        let receipt = Receipt {
            session: open.id,
            bytes,
            nonce: open.nonce + 1,
        };
        let signature = self.payers[i]
            .key
            .sign(&self.receipt_ns, &receipt.message());
        open.bytes = bytes;
        open.nonce += 1;
        self.payers[i].session = Some(open);
        Some(Payload::SubmitReceipt(SubmitReceipt { receipt, signature }))
    }

    /// A consumer hands each receipt to its hotspot too (the payment channel); an
    /// over-claimer plans its abuse of it.
    fn hand_to_hotspot(&mut self, r: SubmitReceipt) {
        let Some(&payer) = self.sessions.get(&r.receipt.session) else {
            return;
        };
        let Some(device) = self.payers[payer].session.as_ref().map(|s| s.device) else {
            return;
        };
        let Some(c) = self.claimers.iter_mut().find(|c| c.device == device) else {
            return;
        };
        let handed = c.handed.entry(r.receipt.session).or_default();
        // More bytes than the customer signed.
        let mut inflated = r.clone();
        inflated.receipt.bytes = inflated.receipt.bytes.saturating_mul(2);
        c.queued.push(inflated);
        // The paid receipt again, and the one before it.
        c.queued.push(r.clone());
        if let Some(previous) = handed.last() {
            c.queued.push(previous.clone());
        }
        handed.push(r);
    }

    /// Reads a block's events: credits bought, sessions opened, receipts paid, sessions closed.
    pub fn observe(&mut self, events: &[AppEvent]) {
        for e in events {
            match &e.kind {
                EventKind::Credits(CreditsEvent::Bought {
                    payer,
                    to,
                    burned,
                    credits,
                    ..
                }) => {
                    if let Some(&i) = self.by_address.get(to) {
                        self.payers[i].credits += credits.get();
                        self.payers[i].waiting = None;
                    }
                    if self.by_address.contains_key(payer) {
                        let b = self.ledger.burned.entry(*payer).or_insert(Amount::ZERO);
                        *b = b.checked_add(*burned).expect("burns fit");
                        *self.ledger.bought.entry(*payer).or_default() += credits.get();
                    }
                }
                EventKind::Sessions(SessionsEvent::Opened {
                    session,
                    payer,
                    device,
                    deposit,
                    expires,
                }) => {
                    if let Some(&i) = self.by_address.get(payer) {
                        let p = &mut self.payers[i];
                        p.credits = p.credits.saturating_sub(deposit.get());
                        p.waiting = None;
                        p.session = Some(Open {
                            id: *session,
                            device: *device,
                            bytes: 0,
                            nonce: 0,
                            capacity: deposit.get() * u64::from(self.cfg.bytes_per_credit),
                            expires: *expires,
                        });
                        self.sessions.insert(*session, i);
                        self.ledger.opened += 1;
                    }
                }
                EventKind::Credits(CreditsEvent::Paid {
                    escrow,
                    device,
                    epoch,
                    credits,
                }) => {
                    if let Some(&i) = self.sessions.get(escrow) {
                        *self
                            .ledger
                            .paid
                            .entry((self.payers[i].address, *device, *epoch))
                            .or_default() += credits.get();
                        self.ledger.receipts_paid += 1;
                    }
                }
                EventKind::Sessions(SessionsEvent::Closed {
                    session, refunded, ..
                }) => {
                    if let Some(i) = self.sessions.remove(session) {
                        self.payers[i].credits += refunded.get();
                        self.ledger.closed += 1;
                        for c in &mut self.claimers {
                            c.handed.remove(session);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
