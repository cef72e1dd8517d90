//! Dealing a validator set: ed25519 identities and BLS12-381 threshold shares.
//!
//! `terrane genesis` and the simulations deal with a trusted dealer (one process generates the
//! polynomial and hands out shares). That is the devnet model; a production network would run
//! commonware's DKG instead so that no one ever holds the group secret.

use crate::types::{Bls, PublicKey, Scheme};
use commonware_cryptography::{
    Signer as _,
    bls12381::{
        dkg::feldman_desmedt::deal,
        primitives::{
            group::Share,
            sharing::{Mode, Sharing},
        },
    },
    ed25519,
};
use commonware_math::algebra::Random;
use commonware_utils::{N3f1, TryCollect, ordered::Set};
use rand::CryptoRng;
use terrane_primitives::ChainId;

/// One validator's secrets.
#[derive(Clone, Debug)]
pub struct ValidatorSecrets {
    /// p2p and consensus identity.
    pub signer: ed25519::PrivateKey,
    /// Its share of the threshold key.
    pub share: Share,
}

/// A dealt validator set.
#[derive(Clone, Debug)]
pub struct Dealt {
    /// Validator identities, in the canonical (sorted) order shares are indexed by.
    pub participants: Set<PublicKey>,
    /// The public polynomial; its constant term is the network identity.
    pub polynomial: Sharing<Bls>,
    /// Secrets, in `participants` order.
    pub validators: Vec<ValidatorSecrets>,
}

/// Generates `n` validator identities and deals them threshold shares (quorum `2f+1`).
///
/// # Panics
/// If `n` is zero.
pub fn deal_validators(mut rng: impl CryptoRng, n: u32) -> Dealt {
    assert!(n > 0, "a chain needs at least one validator");
    let mut signers: Vec<ed25519::PrivateKey> = (0..n)
        .map(|_| ed25519::PrivateKey::random(&mut rng))
        .collect();
    signers.sort_by_key(|k| k.public_key());
    let participants: Set<PublicKey> = signers
        .iter()
        .map(|k| k.public_key())
        .try_collect()
        .expect("keys are distinct");
    let (output, shares) =
        deal::<Bls, _, N3f1>(&mut rng, Mode::NonZeroCounter, participants.clone())
            .expect("dealing to a non-empty set succeeds");
    let validators = signers
        .into_iter()
        .map(|signer| {
            let share = shares
                .get_value(&signer.public_key())
                .expect("every participant gets a share")
                .clone();
            ValidatorSecrets { signer, share }
        })
        .collect();
    Dealt {
        participants,
        polynomial: output.public().clone(),
        validators,
    }
}

pub use terrane_types::certificate::consensus_namespace;

/// A validator's signing scheme.
///
/// # Panics
/// If `share` does not belong to `participants`/`polynomial`.
pub fn signer_scheme(
    chain: &ChainId,
    participants: Set<PublicKey>,
    polynomial: Sharing<Bls>,
    share: Share,
) -> Scheme {
    Scheme::signer(&consensus_namespace(chain), participants, polynomial, share)
        .expect("share belongs to this validator set")
}

/// A verifier of certificates and seeds against the network identity (what light clients use).
pub fn certificate_verifier(chain: &ChainId, polynomial: &Sharing<Bls>) -> Scheme {
    Scheme::certificate_verifier(&consensus_namespace(chain), *polynomial.public())
}
