//! Running one validator process: tokio runtime, authenticated p2p, the engine, the API.
//!
//! ```text
//! node.toml ─▶ genesis + secrets ─▶ tokio runtime (storage under data_dir)
//!   ├─ p2p::authenticated::lookup (validators from genesis, encrypted + authenticated links)
//!   ├─ engine::build ─▶ marshal, Stateful(ChainApp), mempool gossip ─▶ simplex
//!   └─ HTTP API (terrane-api) on api_listen, backed by NodeBackend
//! ```
//! The process runs until SIGINT/SIGTERM or until consensus stops. Everything finalized is on
//! disk when acknowledged, so stopping (or being killed) at any point loses nothing finalized:
//! the next start recovers from storage and catches up from peers.

use crate::{
    api::{ChainInfo, NodeBackend},
    config::{ConfigError, NodeConfig, SecretsFile, load_genesis, network},
    engine::{self, Channels, EngineConfig, Timing},
    evidence,
    indexer::{Indexer, Observers, Tip},
    mempool::Mempool,
    seeds::Observations,
    setup::{certificate_verifier, signer_scheme},
};
use commonware_codec::Encode;
use commonware_consensus::marshal::Identifier;
use commonware_cryptography::{Signer as _, ed25519};
use commonware_p2p::{AddressableManager, authenticated::lookup};
use commonware_runtime::{Metrics, Runner as _, Spawner, Supervisor as _, tokio};
use commonware_stream::{
    cups::{self, Cups},
    sake::{self, Sake},
};
use commonware_utils::{NZU32, NZUsize, TryCollect, ordered::Map};
use std::{sync::Arc, time::Duration};
use terrane_app::Executor;
use terrane_primitives::{Namespace, hex};
use terrane_votes::VoteVerifier;
use tracing::{info, warn};

/// Why a validator could not run.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// A config, secrets or genesis file is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// This validator's key is not in the genesis validator set.
    #[error("this validator's key {0} is not in the genesis validator set")]
    NotAValidator(String),
    /// The API address could not be bound.
    #[error("cannot listen for the API on {addr}: {source}")]
    ApiBind {
        /// Address.
        addr: std::net::SocketAddr,
        /// Failure.
        source: std::io::Error,
    },
}

/// Runs the validator `config` describes until a shutdown signal.
pub fn run(config: NodeConfig) -> Result<(), NodeError> {
    let genesis = load_genesis(&config.genesis)?;
    let net = network(&genesis, &config.genesis)?;
    let secrets = SecretsFile::load(&config.secrets)?;
    let me = secrets.signer.public_key();
    let index = net
        .participants
        .iter()
        .position(|p| p == &me)
        .ok_or_else(|| NodeError::NotAValidator(me.to_string()))?;
    let chain = genesis.chain_id();
    // Validator evidence is part of the state transition: every validator checks it with the
    // verifier of the same genesis set, which the evidence submitter below shares.
    let votes = VoteVerifier::from_genesis(&chain, &genesis.consensus).map(Arc::new);
    let executor = match &votes {
        Some(v) => Executor::new(genesis.clone()).with_vote_evidence(v.clone()),
        None => Executor::new(genesis.clone()),
    };
    let limits = genesis.params.block;
    let validators = u32::try_from(net.participants.len()).expect("validator count fits");

    // Bind the API before starting anything so a taken port fails fast with a clear error.
    let std_listener =
        std::net::TcpListener::bind(config.api_listen).map_err(|source| NodeError::ApiBind {
            addr: config.api_listen,
            source,
        })?;
    std_listener
        .set_nonblocking(true)
        .map_err(|source| NodeError::ApiBind {
            addr: config.api_listen,
            source,
        })?;

    let runtime = tokio::Config::new()
        .with_worker_threads(config.worker_threads)
        .with_storage_directory(&config.data_dir)
        .with_catch_panics(false);
    tokio::Runner::new(runtime).start(|context| async move {
        let namespace = chain.namespace(Namespace::Consensus);
        let mut p2p = lookup::Config::recommended(
            Cups::<_, commonware_cryptography::ChaCha20Poly1305>::new(
                Sake {
                    signer: secrets.signer.clone(),
                    synchrony_bound: Duration::from_secs(5),
                    max_handshake_age: Duration::from_secs(10),
                    version: sake::Version::V1,
                },
                cups::Version::V1,
            ),
            &namespace,
            config.p2p_listen,
            NZUsize!(net.participants.len() + 1),
            engine::max_message_bytes(validators, &limits),
            NZUsize!(4096),
        );
        // Validators of a devnet or a private deployment talk over private addresses, and
        // several may share one IP (a devnet shares 127.0.0.1): the recommended one handshake
        // per IP every 5 s would take tens of seconds to connect them. The set is small and
        // every handshake is authenticated, so a higher per-IP rate costs little.
        p2p.allow_private_ips = true;
        p2p.allowed_handshake_rate_per_ip = commonware_runtime::Quota::per_second(NZU32!(16));
        p2p.peer_connection_cooldown = Duration::from_secs(1);
        p2p.dial_frequency = Duration::from_millis(500);
        let (mut network, mut oracle) = lookup::Network::new(context.child("network"), p2p);
        let peers: Map<_, commonware_p2p::Address> = net
            .participants
            .iter()
            .cloned()
            .zip(net.addresses.iter().map(|a| (*a).into()))
            .try_collect()
            .expect("participants are unique");
        oracle.track(0, peers);
        let channels: Vec<_> = engine::channel::ALL
            .iter()
            .map(|c| network.register(*c, engine::channel_quota()))
            .collect();
        network.start();

        let open_files = prometheus_client::metrics::gauge::Gauge::default();
        let _open_files_registered = context.register(
            "terrane_open_files",
            "file handles this process has open",
            open_files.clone(),
        );
        let (soft, _) = crate::handles::raise_limit();
        context
            .child("open_files")
            .spawn(move |_| crate::handles::watch(open_files, soft));

        let indexer = Indexer::new();
        let node_metrics = indexer.metrics();
        // Registrations last as long as these handles: keep them for the life of the node.
        let _registered = (
        context.register(
            "terrane_finalized_height",
            "latest finalized height",
            node_metrics.finalized_height,
        ),
        context.register(
            "terrane_txs_ok",
            "transactions in finalized blocks that executed",
            node_metrics.txs_ok,
        ),
        context.register(
            "terrane_txs_rejected",
            "transactions in finalized blocks that were rejected",
            node_metrics.txs_rejected,
        ),
        );
        let mempool = Mempool::new(
            terrane_mempool::Config::default(),
            executor.tx_namespace(),
            genesis.params.accounts,
        );
        let observations = Observations::new();
        let observer = Arc::new(Observers(vec![
            Arc::new(mempool.clone()),
            Arc::new(indexer.clone()),
        ]));
        let validator = engine::build(
            context.child("validator"),
            EngineConfig {
                partition_prefix: "terrane".into(),
                public_key: me.clone(),
                scheme: signer_scheme(
                    &chain,
                    net.participants.clone(),
                    net.polynomial.clone(),
                    secrets.share.clone(),
                ),
                seed_verifier: certificate_verifier(&chain, &net.polynomial),
                executor: executor.clone(),
                mempool: mempool.clone(),
                observer,
                observations: observations.clone(),
                timing: Timing::default(),
                forged_mint: None,
                page_cache_pages: config.page_cache_pages(),
                retention: config.retention(),
            },
            Channels::from_ordered(channels),
            oracle.clone(),
            oracle,
            |m| m,
        )
        .await;

        if let Some(b) = validator.marshal.get_block(Identifier::Latest).await {
            indexer.seed_tip(Tip::of(b.inner()));
        }
        let db = validator.stateful.subscribe_databases().await;
        if let Some(verifier) = votes {
            evidence::spawn(
                context.child("evidence"),
                observations.clone(),
                evidence::Submitter {
                    executor: executor.clone(),
                    verifier,
                    key: secrets.signer.clone(),
                    mempool: mempool.clone(),
                    db: db.clone(),
                },
            );
        }
        let metrics_ctx = context.child("api_metrics");
        let backend = Arc::new(NodeBackend {
            chain: ChainInfo {
                chain_id: chain.to_string(),
                genesis_hash: executor.genesis_hash(),
                identity: hex::encode(&net.polynomial.public().encode()),
                validators,
            },
            marshal: validator.marshal.clone(),
            db,
            mempool,
            indexer,
            observations,
            metrics: Arc::new(move || metrics_ctx.encode()),
            executor: executor.clone(),
            reward_leaves: Default::default(),
        });
        let api_limits = config.api.clone();
        let stats = terrane_api::ServerStats::default();
        let _api_counters: Vec<_> = stats
            .counters()
            .into_iter()
            .map(|(name, help, metric)| context.register(name, help, metric))
            .collect();
        let _api_gauges: Vec<_> = stats
            .gauges()
            .into_iter()
            .map(|(name, help, metric)| context.register(name, help, metric))
            .collect();
        let listener = ::tokio::net::TcpListener::from_std(std_listener)
            .expect("API listener registers with tokio");
        let (stop_api, api_stopped) = ::tokio::sync::oneshot::channel::<()>();
        context.child("api").spawn(move |_| async move {
            let shutdown = async move {
                let _ = api_stopped.await;
            };
            if let Err(e) =
                terrane_api::serve_with(backend, listener, api_limits, stats, shutdown).await
            {
                warn!(error = %e, "API server stopped");
            }
        });
        info!(validator = index, api = %config.api_listen, p2p = %config.p2p_listen, "validator running");

        let consensus = validator.start();
        let mut sigterm =
            ::tokio::signal::unix::signal(::tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM handler installs");
        ::tokio::select! {
            _ = ::tokio::signal::ctrl_c() => info!("interrupted; stopping"),
            _ = sigterm.recv() => info!("terminated; stopping"),
            r = consensus => warn!(?r, "consensus stopped"),
        }
        let _ = stop_api.send(());
    });
    Ok(())
}

/// A fresh ed25519 key for tools that need one.
pub fn fresh_key(rng: impl rand::CryptoRng) -> ed25519::PrivateKey {
    use commonware_math::algebra::Random;
    ed25519::PrivateKey::random(rng)
}
