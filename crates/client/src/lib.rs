//! Typed client for a Terrane node's HTTP API, with proof checking.
//!
//! ```text
//! Client ──HTTP──▶ node API (docs/spec/api.md)
//!   verified_account: account + proof ─▶ certified block header ─▶ light::verify_* ─▶ Account
//! ```
//! The node is not trusted for anything the client verifies: with a [`Trust`] anchor (the
//! chain id and network identity from the genesis file), [`Client::verified_account`] only
//! returns a value whose proof checks against a header finalized by the validator set.

#![allow(clippy::disallowed_methods)] // A client: waiting uses the wall clock.

use commonware_codec::DecodeExt;
use futures::StreamExt;
use terrane_accounts::{state_key::Accounts, types::Account};
use terrane_api::{
    AccountView, BlockView, ChainEvent, ErrorBody, StatusView, TxStatusView, TxSubmitted,
};
use terrane_node::light::{self, LightError};
use terrane_primitives::{Address, ChainId, Hash32, hex};
use terrane_state::StateKey;

/// The network identity type (BLS12-381 public key).
pub use terrane_node::types::Identity;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The node could not be reached or the connection failed.
    #[error("cannot reach {url}: {source}")]
    Transport {
        /// URL.
        url: String,
        /// Failure.
        source: reqwest::Error,
    },
    /// The node refused the request with a reason code.
    #[error("node refused ({status}): {} [{}] {}", .body.reason, .body.code, .body.message)]
    Refused {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: ErrorBody,
    },
    /// The node answered something this client cannot read.
    #[error("unexpected answer from {url}: {detail}")]
    Unexpected {
        /// URL.
        url: String,
        /// What was wrong.
        detail: String,
    },
    /// A proof or certificate did not verify: the node (or something between) is lying or
    /// out of date.
    #[error("verification failed: {0}")]
    Verification(#[from] LightError),
}

/// What the client trusts: the chain and its validator set's identity, from the genesis file.
#[derive(Clone, Debug)]
pub struct Trust {
    /// Chain id.
    pub chain: ChainId,
    /// Network identity.
    pub identity: Identity,
}

/// A client of one node.
#[derive(Clone, Debug)]
pub struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    /// A client for the node at `base` (e.g. `http://127.0.0.1:8000`).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// The node's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn parse<T: serde::de::DeserializeOwned>(
        url: &str,
        resp: reqwest::Response,
    ) -> Result<T, ClientError> {
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .await
            .map_err(|source| ClientError::Transport {
                url: url.to_owned(),
                source,
            })?;
        if (200..300).contains(&status) {
            serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
                url: url.to_owned(),
                detail: e.to_string(),
            })
        } else {
            match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) => Err(ClientError::Refused { status, body }),
                Err(_) => Err(ClientError::Unexpected {
                    url: url.to_owned(),
                    detail: format!("HTTP {status}: {}", String::from_utf8_lossy(&bytes)),
                }),
            }
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|source| ClientError::Transport {
                url: url.clone(),
                source,
            })?;
        Self::parse(&url, resp).await
    }

    /// `GET /v1/status`.
    pub async fn status(&self) -> Result<StatusView, ClientError> {
        self.get("/v1/status").await
    }

    /// `GET /v1/accounts/{address}` (unverified).
    pub async fn account(&self, address: &Address) -> Result<AccountView, ClientError> {
        self.get(&format!("/v1/accounts/{address}")).await
    }

    /// `GET /v1/blocks/{height}`, `None` if the node does not have it.
    pub async fn block(&self, height: u64) -> Result<Option<BlockView>, ClientError> {
        match self.get(&format!("/v1/blocks/{height}")).await {
            Err(ClientError::Refused { status: 404, .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    /// `GET /v1/blocks/latest`.
    pub async fn latest_block(&self) -> Result<Option<BlockView>, ClientError> {
        match self.get("/v1/blocks/latest").await {
            Err(ClientError::Refused { status: 404, .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    /// `GET /v1/tx/{hash}`.
    pub async fn tx(&self, hash: &Hash32) -> Result<TxStatusView, ClientError> {
        self.get(&format!("/v1/tx/{hash}")).await
    }

    /// `POST /v1/tx` with the encoded signed transaction.
    pub async fn submit(&self, tx: Vec<u8>) -> Result<TxSubmitted, ClientError> {
        let url = format!("{}/v1/tx", self.base);
        let resp = self
            .http
            .post(&url)
            .header("content-type", "application/octet-stream")
            .body(tx)
            .send()
            .await
            .map_err(|source| ClientError::Transport {
                url: url.clone(),
                source,
            })?;
        Self::parse(&url, resp).await
    }

    /// `GET /metrics` as text.
    pub async fn metrics(&self) -> Result<String, ClientError> {
        let url = format!("{}/metrics", self.base);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|source| ClientError::Transport {
                url: url.clone(),
                source,
            })?;
        resp.text()
            .await
            .map_err(|source| ClientError::Transport { url, source })
    }

    /// Checks that `block` is finalized under `trust` and returns its header.
    pub fn verify_block(
        trust: &Trust,
        block: &BlockView,
    ) -> Result<terrane_node::block::Header, ClientError> {
        let finalization =
            block
                .finalization
                .as_deref()
                .ok_or_else(|| ClientError::Unexpected {
                    url: String::new(),
                    detail: format!("block {} has no finalization certificate", block.height),
                })?;
        Ok(light::verify_finalized_header(
            &trust.chain,
            &trust.identity,
            &block.header,
            finalization,
        )?)
    }

    /// The account, proven against a finalized header: fetches the account and its proof,
    /// fetches the block at the proof's height with its certificate, and checks the chain
    /// identity → certificate → header → state root → proof → record.
    pub async fn verified_account(
        &self,
        trust: &Trust,
        address: &Address,
    ) -> Result<(Account, AccountView), ClientError> {
        let view = self.account(address).await?;
        let proof = StateProofView {
            height: view.height,
            state_root: view.state_root.clone(),
            key: view.key.clone(),
            value: view.value.clone(),
            proof: view.proof.clone(),
        };
        self.verify_state_proof(trust, &StateKey::of::<Accounts>(address), &proof)
            .await?;
        let account = match &view.value {
            Some(v) => {
                let bytes = hex::decode(v).ok_or(LightError::Hex("value"))?;
                Account::decode(bytes::Bytes::from(bytes))
                    .map_err(|e| LightError::Decode("account", e.to_string()))?
            }
            None => Account::default(),
        };
        if account.balance.get() != view.balance || account.nonce.get() != view.nonce {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "balance/nonce fields disagree with the proven record".into(),
            });
        }
        Ok((account, view))
    }

    /// Streams chain events (`GET /v1/events`), calling `on_event` for each until it returns
    /// `false` or the stream ends.
    pub async fn events(
        &self,
        mut on_event: impl FnMut(ChainEvent) -> bool,
    ) -> Result<(), ClientError> {
        let url = format!("{}/v1/events", self.base);
        let resp = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|source| ClientError::Transport {
                url: url.clone(),
                source,
            })?;
        let mut stream = resp.bytes_stream();
        let mut buffer = String::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|source| ClientError::Transport {
                url: url.clone(),
                source,
            })?;
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let message: String = buffer.drain(..end + 2).collect();
                for line in message.lines() {
                    if let Some(data) = line.strip_prefix("data:")
                        && let Ok(event) = serde_json::from_str::<ChainEvent>(data.trim())
                        && !on_event(event)
                    {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }
}

/// The trust anchor from a genesis file.
pub fn trust_from_genesis(genesis: &terrane_app::Genesis) -> Result<Trust, LightError> {
    let validators = u32::try_from(genesis.consensus.validators.len()).unwrap_or(u32::MAX);
    Ok(Trust {
        chain: genesis.chain_id(),
        identity: light::identity_from_polynomial(&genesis.consensus.polynomial, validators)?,
    })
}

// ---- devices, epochs, rewards ----------------------------------------------------------------

use terrane_api::{
    DeviceListView, DeviceOutcomesView, DeviceRewardsView, DeviceView, EpochView, RewardProofView,
    StateProofView,
};
use terrane_devices::{state_key::Devices, types::Device};
use terrane_primitives::{DeviceId, Epoch, merkle};
use terrane_rewards::{state_key::Summaries, types::EpochSummary};

impl Client {
    async fn get_optional<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, ClientError> {
        match self.get(path).await {
            Err(ClientError::Refused { status: 404, .. }) => Ok(None),
            other => other.map(Some),
        }
    }

    /// `GET /v1/devices/{id}` (unverified).
    pub async fn device(&self, id: &DeviceId) -> Result<Option<DeviceView>, ClientError> {
        self.get_optional(&format!("/v1/devices/{id}")).await
    }

    /// `GET /v1/devices?…`.
    pub async fn devices(&self, query: &str) -> Result<DeviceListView, ClientError> {
        self.get(&format!("/v1/devices?{query}")).await
    }

    /// `GET /v1/devices/{id}/outcomes`.
    pub async fn device_outcomes(
        &self,
        id: &DeviceId,
    ) -> Result<Option<DeviceOutcomesView>, ClientError> {
        self.get_optional(&format!("/v1/devices/{id}/outcomes"))
            .await
    }

    /// `GET /v1/devices/{id}/rewards`.
    pub async fn device_rewards(
        &self,
        id: &DeviceId,
    ) -> Result<Option<DeviceRewardsView>, ClientError> {
        self.get_optional(&format!("/v1/devices/{id}/rewards"))
            .await
    }

    /// `GET /v1/devices/{id}/rewards/{epoch}` (unverified).
    pub async fn reward_proof(
        &self,
        id: &DeviceId,
        epoch: u64,
    ) -> Result<Option<RewardProofView>, ClientError> {
        self.get_optional(&format!("/v1/devices/{id}/rewards/{epoch}"))
            .await
    }

    /// `GET /v1/epochs/current`.
    pub async fn current_epoch(&self) -> Result<Option<EpochView>, ClientError> {
        self.get_optional("/v1/epochs/current").await
    }

    /// `GET /v1/epochs/{n}`.
    pub async fn epoch(&self, n: u64) -> Result<Option<EpochView>, ClientError> {
        self.get_optional(&format!("/v1/epochs/{n}")).await
    }

    /// `GET /v1/params`.
    pub async fn params(&self) -> Result<serde_json::Value, ClientError> {
        self.get("/v1/params").await
    }

    /// Checks a state record against a header finalized under `trust` at the proof's height:
    /// certificate → header → state root → QMDB proof of (key, value).
    pub async fn verify_state_proof(
        &self,
        trust: &Trust,
        expected_key: &StateKey,
        proof: &StateProofView,
    ) -> Result<(), ClientError> {
        if proof.key != expected_key.0.to_string() {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the node proved a different state key".into(),
            });
        }
        let block = self
            .block(proof.height)
            .await?
            .ok_or_else(|| ClientError::Unexpected {
                url: self.base.clone(),
                detail: format!("block {} is not available", proof.height),
            })?;
        let header = Self::verify_block(trust, &block)?;
        let root = light::parse_digest(&proof.state_root)?;
        if header.state_root != root {
            return Err(LightError::RootMismatch {
                proof: proof.state_root.clone(),
                header: header.state_root.to_string(),
            }
            .into());
        }
        light::verify_state(expected_key, proof.value.as_deref(), &proof.proof, &root)?;
        Ok(())
    }

    /// The device record, proven against a finalized header.
    pub async fn verified_device(
        &self,
        trust: &Trust,
        id: &DeviceId,
    ) -> Result<Option<(Device, DeviceView)>, ClientError> {
        let Some(view) = self.device(id).await? else {
            return Ok(None);
        };
        self.verify_state_proof(trust, &StateKey::of::<Devices>(id), &view.record)
            .await?;
        let bytes = view
            .record
            .value
            .as_deref()
            .and_then(hex::decode)
            .ok_or(LightError::Hex("device record"))?;
        let device = Device::decode(bytes::Bytes::from(bytes))
            .map_err(|e| LightError::Decode("device record", e.to_string()))?;
        if device.id != *id || device.owner.to_string() != view.owner {
            return Err(ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the view disagrees with the proven record".into(),
            });
        }
        Ok(Some((device, view)))
    }

    /// A reward line proven end to end: leaf → Merkle path → reward root, which the proven
    /// epoch summary holds, under a certified state root.
    pub async fn verified_reward(
        &self,
        trust: &Trust,
        id: &DeviceId,
        epoch: u64,
    ) -> Result<Option<RewardProofView>, ClientError> {
        let Some(view) = self.reward_proof(id, epoch).await? else {
            return Ok(None);
        };
        let e = Epoch::new(epoch);
        self.verify_state_proof(trust, &StateKey::of::<Summaries>(&e), &view.summary)
            .await?;
        let summary_bytes = view
            .summary
            .value
            .as_deref()
            .and_then(hex::decode)
            .ok_or(LightError::Hex("epoch summary"))?;
        let summary = EpochSummary::decode(bytes::Bytes::from(summary_bytes))
            .map_err(|e| LightError::Decode("epoch summary", e.to_string()))?;
        let leaf = hex::decode(&view.leaf).ok_or(LightError::Hex("leaf"))?;
        let mut path = Vec::with_capacity(view.path.len());
        for step in &view.path {
            path.push(merkle::ProofStep {
                sibling: step
                    .sibling
                    .parse()
                    .map_err(|_| LightError::Hex("merkle sibling"))?,
                sibling_is_left: step.side == "left",
            });
        }
        let bad = |detail: &str| ClientError::Unexpected {
            url: self.base.clone(),
            detail: detail.to_owned(),
        };
        // The leaf must be exactly the line shown, for this device and epoch: rebuild it from
        // the view's figures (docs/spec/rewards.md layout) and compare bytes, so a node cannot
        // pair a genuine proof with different numbers.
        let l = &view.line;
        let capped_by = match l.capped_by.as_str() {
            "none" => terrane_rewards::Cap::None,
            "device" => terrane_rewards::Cap::Device,
            "cell" => terrane_rewards::Cap::Cell,
            _ => return Err(bad("unknown cap in the reward line")),
        };
        let shown = terrane_rewards::Breakdown {
            units: l.units,
            cell_devices: l.cell_devices,
            cell_scale_ppm: l.cell_scale_ppm,
            reputation_ppm: l.reputation_ppm,
            vetting_ppm: l.vetting_ppm,
            eligible: l.eligible,
            scaled_units: l
                .scaled_units
                .parse()
                .map_err(|_| bad("scaled_units is not a number"))?,
            uncapped: l.uncapped,
            capped_by,
            amount: l.amount,
        };
        if leaf.len() != terrane_rewards::leaf::LEAF_LEN
            || leaf != terrane_rewards::leaf_bytes(e, *id, &shown)
        {
            return Err(bad(
                "the reward leaf is not the line shown for this device and epoch",
            ));
        }
        if !merkle::verify(merkle::leaf(&leaf), &path, &summary.reward_root) {
            return Err(LightError::BadProof.into());
        }
        if summary.reward_root.to_string() != view.reward_root {
            return Err(bad("the reward root disagrees with the proven summary"));
        }
        Ok(Some(view))
    }

    /// Submits `tx` and waits up to `wait` for it to be finalized; returns its outcome code.
    pub async fn submit_and_wait(
        &self,
        tx: Vec<u8>,
        wait: std::time::Duration,
    ) -> Result<(Hash32, Option<u16>), ClientError> {
        let submitted = self.submit(tx).await?;
        let id: Hash32 = submitted
            .hash
            .parse()
            .map_err(|_| ClientError::Unexpected {
                url: self.base.clone(),
                detail: "the node returned a malformed hash".into(),
            })?;
        let deadline = std::time::Instant::now() + wait;
        loop {
            let s = self.tx(&id).await?;
            if let Some(o) = s.outcome {
                return Ok((id, Some(o.code)));
            }
            if std::time::Instant::now() >= deadline {
                return Ok((id, None));
            }
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        }
    }
}
