//! Typed client for a Terrane node's HTTP API, with proof checking.
//!
//! ```text
//! Client ──HTTP──▶ node API (docs/spec/api.md)
//!   verified_account: account + proof ─▶ certified block header ─▶ light::verify_* ─▶ Account
//!                     (feature `state-proofs`; the CLI turns it on)
//! ```
//! The node is not trusted for anything the client verifies: with a [`Trust`] anchor (the
//! chain id and network identity from the genesis file), [`Client::verified_account`] only
//! returns a value whose proof checks against a header finalized by the validator set.

#![allow(clippy::disallowed_methods)] // A client: waiting uses the wall clock.

pub mod sse;
#[cfg(feature = "state-proofs")]
mod verified;

use futures::StreamExt;
use terrane_api::{
    AccountView, BlockView, ChainEvent, ErrorBody, StatusView, TxStatusView, TxSubmitted,
};
use terrane_primitives::{Address, ChainId, Hash32};
use terrane_types::light::{self, LightError};

/// The network identity type (BLS12-381 public key).
pub use terrane_api::StakeTarget;
pub use terrane_types::Identity;

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
    ) -> Result<terrane_types::header::Header, ClientError> {
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
        let mut parser = sse::SseParser::new();
        let mut messages = Vec::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|source| ClientError::Transport {
                url: url.clone(),
                source,
            })?;
            parser.push(&chunk, &mut messages);
            for message in messages.drain(..) {
                if let Ok(event) = serde_json::from_str::<ChainEvent>(&message.data)
                    && !on_event(event)
                {
                    return Ok(());
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
};
use terrane_primitives::DeviceId;

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

    /// `GET /v1/devices/{id}/maintenance` (unverified): the device's maintenance windows,
    /// what its periods have used and allow, and the proof of its window list; `None` when no
    /// device is registered with this id.
    pub async fn maintenance(
        &self,
        device: &DeviceId,
    ) -> Result<Option<terrane_api::MaintenanceView>, ClientError> {
        self.get_optional(&format!("/v1/devices/{device}/maintenance"))
            .await
    }

    /// `GET /v1/maintenance` (unverified): the maintenance parameters (notice, period, quotas)
    /// and the start epochs a declaration in the next block may use.
    pub async fn maintenance_params(
        &self,
    ) -> Result<terrane_api::MaintenanceParamsView, ClientError> {
        self.get("/v1/maintenance").await
    }

    /// `GET /v1/epochs/current`.
    pub async fn current_epoch(&self) -> Result<Option<EpochView>, ClientError> {
        self.get_optional("/v1/epochs/current").await
    }

    /// `GET /v1/epochs/{n}`.
    pub async fn epoch(&self, n: u64) -> Result<Option<EpochView>, ClientError> {
        self.get_optional(&format!("/v1/epochs/{n}")).await
    }

    /// `GET /v1/classes`: the resource classes the chain runs and reserves.
    pub async fn classes(&self) -> Result<Vec<terrane_api::ClassView>, ClientError> {
        self.get("/v1/classes").await
    }

    /// `GET /v1/price`: the chain's TRN/USD price and the oracle reports behind it.
    pub async fn price(&self) -> Result<terrane_api::PriceView, ClientError> {
        self.get("/v1/price").await
    }

    /// `GET /v1/credits`: the credit ledger, a credit's USD value and what a TRN buys now.
    pub async fn credits(&self) -> Result<terrane_api::CreditsView, ClientError> {
        self.get("/v1/credits").await
    }

    /// `GET /v1/credits/{address}`: an account's credits (with the proof of the balance
    /// record) and its open data sessions.
    pub async fn credit_account(
        &self,
        address: &Address,
    ) -> Result<terrane_api::CreditAccountView, ClientError> {
        self.get(&format!("/v1/credits/{address}")).await
    }

    /// `GET /v1/sessions/{id}`; `None` when no open session has this id.
    pub async fn session(&self, id: u64) -> Result<Option<terrane_api::SessionView>, ClientError> {
        self.get_optional(&format!("/v1/sessions/{id}")).await
    }

    /// `GET /v1/staking`: the staking books, parameters and the validators' stake.
    pub async fn staking(&self) -> Result<terrane_api::StakingView, ClientError> {
        self.get("/v1/staking").await
    }

    /// `GET /v1/stakes/devices/{id}` or `/v1/stakes/validators/{address}`: a pool with the
    /// proof of its record; `None` when nothing is staked on the target.
    pub async fn stake_pool(
        &self,
        target: terrane_api::StakeTarget,
    ) -> Result<Option<terrane_api::StakePoolView>, ClientError> {
        self.get_optional(&stake_path(target)).await
    }

    /// `GET /v1/stakes/…/{staker}`: a staker's position on a target and what it can claim.
    pub async fn stake_position(
        &self,
        target: terrane_api::StakeTarget,
        staker: &Address,
    ) -> Result<terrane_api::StakePositionView, ClientError> {
        self.get(&format!("{}/{staker}", stake_path(target))).await
    }

    /// `GET /v1/unbonding/{address}`: an account's unbonding entries.
    pub async fn unbonding(
        &self,
        address: &Address,
    ) -> Result<terrane_api::UnbondingView, ClientError> {
        self.get(&format!("/v1/unbonding/{address}")).await
    }

    /// `GET /v1/slashing`: slashing's parameters, totals and the slashes coming due.
    pub async fn slashing(&self) -> Result<terrane_api::SlashingView, ClientError> {
        self.get("/v1/slashing").await
    }

    /// `GET /v1/slashes/{id}` (unverified): one slash with its evidence; `None` when no slash
    /// has this id.
    pub async fn slash(&self, id: u64) -> Result<Option<terrane_api::SlashView>, ClientError> {
        self.get_optional(&format!("/v1/slashes/{id}")).await
    }

    /// `GET /v1/stakes/devices/{id}/slashes` or `/v1/stakes/validators/{address}/slashes`: a
    /// target's latest slashes, newest first.
    pub async fn target_slashes(
        &self,
        target: terrane_api::StakeTarget,
    ) -> Result<terrane_api::SlashListView, ClientError> {
        self.get(&format!("{}/slashes", stake_path(target))).await
    }

    /// `GET /v1/params`.
    pub async fn params(&self) -> Result<serde_json::Value, ClientError> {
        self.get("/v1/params").await
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

/// The route of `target`'s pool.
fn stake_path(target: terrane_api::StakeTarget) -> String {
    match target {
        terrane_api::StakeTarget::Device(id) => {
            format!(
                "/v1/stakes/devices/{}",
                terrane_primitives::hex::encode(&id)
            )
        }
        terrane_api::StakeTarget::Validator(a) => {
            format!(
                "/v1/stakes/validators/{}",
                terrane_primitives::hex::encode(&a)
            )
        }
    }
}
