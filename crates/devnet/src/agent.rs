//! The device agent: runs a simulated fleet against a node, over the node's HTTP API only.
//!
//! ```text
//! every tick: GET /v1/blocks/latest, GET /v1/epochs/current ─▶ ChainView (new head only)
//!   ─▶ Fleet::step ─▶ signed registrations / report bundles ─▶ POST /v1/tx each
//!   an epoch closed ─▶ GET /v1/devices/{id}/rewards per device ─▶ EpochShares (honest vs cheaters)
//!   every CHECK_EVERY heads: per signing account, is the transaction at its chain nonce still
//!   alive (pending or included)? If not (refused at submission, dropped, rejected uncharged),
//!   rewind the fleet's nonce for that account to the chain's.
//! ```
//! The fleet signs with its own keys: owners register their devices, devices sign their
//! reports, one relay account pays for the bundles. Nothing here touches chain state directly,
//! so the agent works against any node of the chain, local or remote.

use std::collections::BTreeMap;
use terrane_api::TxStatus;
use terrane_app::SignedTransaction;
use terrane_client::{Client, ClientError};
use terrane_fleet::{ChainView, EpochShares, Fleet};
use terrane_pow::params::PowParams;
use terrane_primitives::{Address, Amount, ChainId, DeviceId, Epoch, Hash32, Height, Nonce};

/// Signs `payload` as `key` (account `signer`) with nonce `*nonce` and the minimum fee, and
/// submits it. Accepted: the nonce advances. Refused: the nonce resynchronizes to the chain's
/// (a restart, a dropped transaction) and the refusal is the inner error; the outer one is a
/// failure to read the account back.
pub(crate) async fn sign_and_submit(
    client: &Client,
    chain: &ChainId,
    key: &commonware_cryptography::ed25519::PrivateKey,
    signer: Address,
    nonce: &mut u64,
    payload: terrane_app::Payload,
) -> Result<Result<(), ClientError>, AgentError> {
    let mut tx = terrane_app::Transaction {
        signer,
        nonce: Nonce::new(*nonce),
        fee: Amount::ZERO,
        payload,
    };
    tx.fee = tx.min_fee(&Default::default());
    let signed = terrane_app::tx::encode_signed(&tx.sign(key, chain)).to_vec();
    match client.submit(signed).await {
        Ok(_) => {
            *nonce += 1;
            Ok(Ok(()))
        }
        Err(e) => {
            *nonce = client.account(&signer).await?.nonce;
            Ok(Err(e))
        }
    }
}

/// Heads between checks that every account's next transaction is still alive.
const CHECK_EVERY: u64 = 10;

/// Why the agent cannot run.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The node could not be asked.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The node is for another chain, or answered something unusable.
    #[error("{0}")]
    Node(String),
}

/// The chain the node at `client` runs, from its `/v1/params`; with the parameters, for the
/// agents that read their module's.
pub(crate) async fn chain_of(client: &Client) -> Result<(ChainId, serde_json::Value), AgentError> {
    let params = client.params().await?;
    let chain = params["chain_id"]
        .as_str()
        .ok_or_else(|| AgentError::Node("/v1/params has no chain_id".into()))
        .and_then(|id| ChainId::new(id).map_err(|e| AgentError::Node(e.to_string())))?;
    Ok((chain, params))
}

/// What happened in a tick, for the operator.
#[derive(Clone, Debug, PartialEq)]
pub enum AgentEvent {
    /// The fleet's registrations were submitted.
    Registering {
        /// Devices.
        devices: usize,
    },
    /// The fleet's devices were already registered (an earlier run): the agent resumed.
    Resumed {
        /// The head it resumed at.
        height: u64,
    },
    /// An epoch closed: who got its rewards, and why the cheaters' reports were rejected
    /// (outcome name → count, from the cheating devices' outcome records of that epoch).
    EpochClosed(EpochShares, BTreeMap<String, u64>),
    /// Submissions the node refused, by reason, since the last report.
    Refused(BTreeMap<String, u64>),
}

/// Counters since the agent started.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentStats {
    /// Transactions submitted and admitted.
    pub admitted: u64,
    /// Transactions the node refused.
    pub refused: u64,
    /// Nonces rewound after a lost transaction.
    pub resyncs: u64,
    /// Heads stepped.
    pub heads: u64,
}

/// A fleet driven over HTTP.
pub struct Agent {
    fleet: Fleet,
    client: Client,
    pow: PowParams,
    chain: ChainId,
    last_height: u64,
    last_epoch: Option<Epoch>,
    /// Per signing account, the transactions submitted and not yet known final: nonce → id.
    outstanding: BTreeMap<Address, BTreeMap<u64, Hash32>>,
    refusals: BTreeMap<String, u64>,
    stats: AgentStats,
    /// Whether the fleet was found registered at connection.
    resumed: bool,
    /// The current epoch's first block timestamp, once fetched: (epoch, ms).
    epoch_start_ts: Option<(u64, u64)>,
    /// The current epoch's blocks just before its work phases, once fetched: (epoch, height →
    /// ms).
    window_opened: (u64, BTreeMap<Height, u64>),
}

impl Agent {
    /// Connects `fleet` to the node at `client`: checks the chain, reads the framework
    /// parameters, and resumes if the fleet is already registered (nonces from the chain).
    pub async fn connect(
        mut fleet: Fleet,
        client: Client,
    ) -> Result<(Self, Vec<AgentEvent>), AgentError> {
        let (chain, params) = chain_of(&client).await?;
        let pow: PowParams = serde_json::from_value(params["params"]["pow"].clone())
            .map_err(|e| AgentError::Node(format!("/v1/params pow parameters: {e}")))?;
        let mut events = Vec::new();
        let mut resumed = false;
        // Gain inflators never get registered; any other device of ours tells.
        let first = fleet
            .submitted_devices()
            .into_iter()
            .find(|d| fleet.behavior_of(d) != Some(terrane_fleet::Behavior::GainInflator))
            .ok_or_else(|| AgentError::Node("the agent runs no registrable device".into()))?;
        let status = client.status().await?;
        if status.chain_id != chain.as_str() {
            return Err(AgentError::Node(format!(
                "the node serves {} but /v1/params says {}",
                status.chain_id,
                chain.as_str()
            )));
        }
        if client.device(&first).await?.is_some() {
            fleet.assume_registered(Height::new(status.finalized_height));
            for address in fleet.accounts() {
                let nonce = client.account(&address).await?.nonce;
                fleet.set_nonce(address, Nonce::new(nonce));
            }
            events.push(AgentEvent::Resumed {
                height: status.finalized_height,
            });
            resumed = true;
        }
        Ok((
            Self {
                fleet,
                client,
                pow,
                chain,
                last_height: 0,
                last_epoch: None,
                outstanding: BTreeMap::new(),
                refusals: BTreeMap::new(),
                stats: AgentStats::default(),
                resumed,
                epoch_start_ts: None,
                window_opened: (0, BTreeMap::new()),
            },
            events,
        ))
    }

    /// The fleet.
    pub fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// Counters so far.
    pub fn stats(&self) -> &AgentStats {
        &self.stats
    }

    /// One round: if the node has a new head, step the fleet for it and submit what it signs.
    /// Call it often (every few hundred ms); a head missed between calls is skipped, which the
    /// fleet tolerates (it acts on conditions, not on exact heights).
    pub async fn tick(&mut self) -> Result<Vec<AgentEvent>, AgentError> {
        let mut events = Vec::new();
        let Some(block) = self.client.latest_block().await? else {
            return Ok(events);
        };
        if block.height <= self.last_height {
            return Ok(events);
        }
        let Some(epoch) = self.client.current_epoch().await? else {
            return Ok(events);
        };
        if !(epoch.start_height..=epoch.end_height).contains(&block.height) {
            // The head moved between the two reads; the next tick sees a consistent pair.
            return Ok(events);
        }
        let randomness: Hash32 = epoch
            .randomness
            .parse()
            .map_err(|_| AgentError::Node("epoch randomness is not a hash".into()))?;
        let epoch_start_ts = match self.epoch_start_ts {
            Some((e, ts)) if e == epoch.epoch => ts,
            _ => {
                let Some(first) = self.client.block(epoch.start_height).await? else {
                    return Ok(events);
                };
                self.epoch_start_ts = Some((epoch.epoch, first.timestamp_ms));
                first.timestamp_ms
            }
        };
        if self.window_opened.0 != epoch.epoch {
            self.window_opened = (epoch.epoch, BTreeMap::new());
        }
        for opened in ChainView::window_open_heights(Height::new(epoch.start_height), &self.pow) {
            if opened.get() <= block.height
                && !self.window_opened.1.contains_key(&opened)
                && let Some(b) = self.client.block(opened.get()).await?
            {
                self.window_opened.1.insert(opened, b.timestamp_ms);
            }
        }
        let view = ChainView {
            height: Height::new(block.height),
            timestamp_ms: block.timestamp_ms,
            epoch: Epoch::new(epoch.epoch),
            epoch_start: Height::new(epoch.start_height),
            epoch_randomness: randomness,
            epoch_start_timestamp_ms: epoch_start_ts,
            window_opened_ms: self.window_opened.1.clone(),
            pow: self.pow,
            chain: self.chain.clone(),
        };
        if let Some(last) = self.last_epoch
            && last < view.epoch
        {
            let shares = self.shares(last).await?;
            let rejections = self.cheater_rejections(last).await?;
            events.push(AgentEvent::EpochClosed(shares, rejections));
        }
        self.last_epoch = Some(view.epoch);
        let txs = self.fleet.step(&view);
        if self.stats.heads == 0 && !self.resumed {
            events.push(AgentEvent::Registering { devices: txs.len() });
        }
        for raw in txs {
            self.submit(raw).await?;
        }
        self.last_height = block.height;
        self.stats.heads += 1;
        if self.stats.heads.is_multiple_of(CHECK_EVERY) {
            self.check_nonces().await?;
            if !self.refusals.is_empty() {
                events.push(AgentEvent::Refused(core::mem::take(&mut self.refusals)));
            }
        }
        Ok(events)
    }

    async fn submit(&mut self, raw: Vec<u8>) -> Result<(), AgentError> {
        let tx = SignedTransaction::decode_bounded(&raw)
            .map_err(|e| AgentError::Node(format!("the fleet signed an undecodable tx: {e}")))?;
        let (signer, nonce, id) = (tx.tx.signer, tx.tx.nonce.get(), tx.id());
        match self.client.submit(raw).await {
            Ok(_) => {
                self.stats.admitted += 1;
                self.outstanding
                    .entry(signer)
                    .or_default()
                    .insert(nonce, id);
            }
            Err(ClientError::Refused { body, .. }) => {
                self.stats.refused += 1;
                *self.refusals.entry(body.reason).or_default() += 1;
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Rewinds the nonce of every account whose transaction at the chain's next nonce is gone
    /// (never admitted, or dropped): later ones could never execute.
    async fn check_nonces(&mut self) -> Result<(), AgentError> {
        let accounts: Vec<Address> = self.outstanding.keys().copied().collect();
        for address in accounts {
            let chain_nonce = self.client.account(&address).await?.nonce;
            let queue = self.outstanding.get_mut(&address).expect("listed");
            queue.retain(|n, _| *n >= chain_nonce);
            let alive = match queue.first_key_value() {
                None => true,
                Some((n, _)) if *n > chain_nonce => false,
                Some((_, id)) => {
                    let id = *id;
                    let status = self.client.tx(&id).await?.status;
                    matches!(status, TxStatus::Pending | TxStatus::Included)
                }
            };
            if !alive {
                self.fleet.set_nonce(address, Nonce::new(chain_nonce));
                self.outstanding.remove(&address);
                self.stats.resyncs += 1;
            } else if queue.is_empty() {
                self.outstanding.remove(&address);
            }
        }
        Ok(())
    }

    /// Why the cheating devices' reports of `epoch` were rejected, by outcome name (replayed
    /// reports charge no device and gain inflators never registered, so neither shows here).
    pub async fn cheater_rejections(
        &self,
        epoch: Epoch,
    ) -> Result<BTreeMap<String, u64>, AgentError> {
        let mut out = BTreeMap::new();
        for (id, behavior) in self.fleet.devices() {
            if behavior == terrane_fleet::Behavior::Honest {
                continue;
            }
            let Some(view) = self.client.device_outcomes(&id).await? else {
                continue;
            };
            for o in view
                .outcomes
                .iter()
                .filter(|o| o.epoch == epoch.get() && o.code != 0)
            {
                *out.entry(o.name.clone()).or_default() += 1;
            }
        }
        Ok(out)
    }

    /// Who got `epoch`'s rewards, from each device's reward lines.
    pub async fn shares(&self, epoch: Epoch) -> Result<EpochShares, AgentError> {
        let mut rewards: Vec<(DeviceId, Amount)> = Vec::new();
        for (id, _) in self.fleet.devices() {
            let Some(view) = self.client.device_rewards(&id).await? else {
                continue;
            };
            if let Some(line) = view.lines.iter().find(|l| l.epoch == epoch.get()) {
                rewards.push((id, Amount::new(line.amount)));
            }
        }
        Ok(EpochShares::new(epoch, &rewards, |d| {
            self.fleet.behavior_of(d)
        }))
    }
}
