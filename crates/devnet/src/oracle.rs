//! The devnet's price oracle: signs a TRN/USD report every few seconds with the devnet's
//! oracle key and submits it over the node's HTTP API, the price following a seeded random
//! walk (the same seed gives the same series).
//!
//! ```text
//! every tick: walk.next() ─▶ SubmitPrice {price, timestamp = now} signed by the oracle key
//!   ─▶ POST /v1/tx; a refused submission rewinds the nonce to the chain's
//! ```

use crate::agent::AgentError;
use commonware_cryptography::{Signer as _, ed25519};
use rand::{RngExt as _, SeedableRng, rngs::StdRng};
use terrane_app::Payload;
use terrane_client::Client;
use terrane_oracle::{msg::SubmitPrice, types::MicroUsdPerTrn};
use terrane_primitives::{Address, ChainId, TimestampMs};

/// Where the devnet's price starts: $1.00 per TRN.
pub const START_PRICE: MicroUsdPerTrn = MicroUsdPerTrn::new(1_000_000);

/// Largest step of the walk, basis points of the current price (1 %).
const MAX_STEP_BPS: u64 = 100;

/// A seeded random walk of prices: each step moves at most 1 % up or down and never below
/// 1 % of the start, so the series stays a plausible price.
pub struct PriceWalk {
    rng: StdRng,
    price: u64,
    floor: u64,
}

impl PriceWalk {
    /// A walk from `start` drawn from `seed`.
    pub fn new(seed: u64, start: MicroUsdPerTrn) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            price: start.get(),
            floor: (start.get() / 100).max(1),
        }
    }

    /// The next price.
    pub fn next_price(&mut self) -> MicroUsdPerTrn {
        let max_step = self.price * MAX_STEP_BPS / 10_000;
        let step = self.rng.random_range(0..=max_step);
        self.price = if self.rng.random_bool(0.5) {
            self.price.saturating_add(step)
        } else {
            self.price.saturating_sub(step).max(self.floor)
        };
        MicroUsdPerTrn::new(self.price)
    }
}

/// The oracle agent.
pub struct OracleAgent {
    client: Client,
    key: ed25519::PrivateKey,
    address: Address,
    chain: ChainId,
    nonce: u64,
    walk: PriceWalk,
}

impl OracleAgent {
    /// Connects the oracle `key` to the node at `client`: reads the chain id and the key's
    /// nonce.
    pub async fn connect(
        client: Client,
        key: ed25519::PrivateKey,
        seed: u64,
    ) -> Result<Self, AgentError> {
        let (chain, _) = crate::agent::chain_of(&client).await?;
        let address = Address::from_slice(key.public_key().as_ref()).expect("32-byte key");
        let nonce = client.account(&address).await?.nonce;
        Ok(Self {
            client,
            key,
            address,
            chain,
            nonce,
            walk: PriceWalk::new(seed, START_PRICE),
        })
    }

    /// Signs and submits the walk's next price, observed at `now_ms`. Returns the price.
    pub async fn tick(&mut self, now_ms: u64) -> Result<MicroUsdPerTrn, AgentError> {
        let price = self.walk.next_price();
        let payload = Payload::SubmitPrice(SubmitPrice {
            price,
            timestamp: TimestampMs::new(now_ms),
        });
        crate::agent::sign_and_submit(
            &self.client,
            &self.chain,
            &self.key,
            self.address,
            &mut self.nonce,
            payload,
        )
        .await??;
        Ok(price)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_repeats_for_a_seed_moves_at_most_one_percent_a_step_and_stays_above_its_floor() {
        let series = |seed| {
            let mut w = PriceWalk::new(seed, START_PRICE);
            (0..2_000).map(|_| w.next_price().get()).collect::<Vec<_>>()
        };
        let a = series(7);
        assert_eq!(a, series(7));
        assert_ne!(a, series(8));
        let mut last = START_PRICE.get();
        for p in a {
            assert!(p.abs_diff(last) <= last / 100, "{last} -> {p}");
            assert!(p >= START_PRICE.get() / 100);
            last = p;
        }
    }
}
