//! The devnet's validators bond their own stake, the way an operator would after genesis.
//!
//! ```text
//! genesis: each validator account funded with min_validator_bond + VALIDATOR_FEES
//! terrane devnet: per validator i whose own bond is short of the minimum
//!     ─▶ Stake { target: Validator(its account), amount: the shortfall }, signed with the
//!        ed25519 key in validator-i/validator.json (its consensus key is its account)
//! ```
//! Bonded validators share the validators' emission (docs/spec/staking.md). Idempotent: a
//! resumed devnet whose validators are bonded submits nothing.

use crate::{agent::AgentError, layout::Layout};
use terrane_app::Payload;
use terrane_client::Client;
use terrane_primitives::{Address, Amount};
use terrane_staking::{msg::Stake, types::Target};

/// What genesis gives each validator account beyond its minimum bond, for fees: 100 TRN.
pub const VALIDATOR_FEES: Amount = Amount::new(100_000_000);

/// One validator's bonding, for the devnet's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bonding {
    /// The validator's account.
    pub validator: Address,
    /// What was submitted (zero: already bonded).
    pub submitted: Amount,
}

/// Bonds every validator of `layout` that is short of the minimum, through the node at `client`.
pub async fn bond(layout: &Layout, client: &Client) -> Result<Vec<Bonding>, AgentError> {
    let (chain, _) = crate::agent::chain_of(client).await?;
    let staking = client.staking().await?;
    let min = staking.min_validator_bond;
    let n = layout
        .validators()
        .map_err(|e| AgentError::Node(e.to_string()))?;
    let mut done = Vec::new();
    for i in 0..n {
        let secrets = terrane_node::config::SecretsFile::load(
            &layout.validator_dir(i).join("validator.json"),
        )
        .map_err(|e| AgentError::Node(e.to_string()))?;
        let key = secrets.signer;
        let validator = terrane_app::testkit::address_of(&key);
        let own = staking
            .validators
            .iter()
            .find(|v| v.address == validator.to_string())
            .map_or(0, |v| v.operator_stake);
        let short = min.saturating_sub(own);
        if short > 0 {
            let mut nonce = client.account(&validator).await?.nonce;
            let payload = Payload::Stake(Stake {
                target: Target::Validator(validator),
                amount: Amount::new(short),
            });
            crate::agent::sign_and_submit(client, &chain, &key, validator, &mut nonce, payload)
                .await??;
        }
        done.push(Bonding {
            validator,
            submitted: Amount::new(short),
        });
    }
    Ok(done)
}
