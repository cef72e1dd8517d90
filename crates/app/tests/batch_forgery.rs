//! Regression test for a forgery against batch signature verification.
//!
//! Ed25519 batch verification checks `Σ zᵢ·(sᵢ·B − Rᵢ − kᵢ·Aᵢ) = 0` for random `zᵢ`. Anyone who
//! knows the `zᵢ` before choosing the signatures can make two invalid signatures whose errors
//! cancel. Blocks used to seed the `zᵢ` from the block randomness, which a proposer knows
//! before building its block: a proposer could move anyone's money. This test builds exactly
//! that attack, shows it does fool a batch seeded the old way, and checks the executor now
//! rejects both transactions.

use commonware_codec::Encode;
use commonware_cryptography::{
    BatchEntry, BatchVerifier as _, Hasher, ed25519,
    sha512::Sha512,
    transcript::{Summary, Transcript, Version},
};
use commonware_math::algebra::Random;
use curve25519_dalek::{
    constants::ED25519_BASEPOINT_POINT as B,
    edwards::{CompressedEdwardsY, EdwardsPoint},
    scalar::Scalar,
};
use futures::executor::block_on;
use rand::{SeedableRng, rngs::StdRng};
use terrane_accounts::{handler, msg::Transfer, params::AccountsParams};
use terrane_app::{
    Executor, Genesis, Payload, SignedTransaction, Transaction,
    outcome::EnvelopeRejection,
    testkit::{address_of, min_fee_for, named_key},
};
use terrane_primitives::{Address, Amount, ChainId, Hash32, Height, Namespace, Nonce, TimestampMs};
use terrane_state::{MemStore, Overlay};

/// The batch coefficients commonware derives from an RNG seeded with `seed`.
fn coefficients(seed: [u8; 32], n: usize) -> Vec<Scalar> {
    let mut rng = StdRng::from_seed(seed);
    let summary = Summary::random(&mut rng);
    let mut t = Transcript::resume(summary, Version::V1);
    t.commit(0u64.encode());
    let mut noise = t.noise(b"batch_verify");
    (0..n)
        .map(|_| {
            let mut b = [0u8; 16];
            rand::Rng::fill_bytes(&mut noise, &mut b);
            Scalar::from(u128::from_le_bytes(b))
        })
        .collect()
}

/// The ed25519 challenge for `r`, key `a`, and a namespaced message (commonware's framing).
fn challenge(r: &EdwardsPoint, a: &[u8; 32], ns: &[u8], msg: &[u8]) -> Scalar {
    let mut framed = vec![u8::try_from(ns.len()).unwrap()];
    framed.extend_from_slice(ns);
    framed.extend_from_slice(msg);
    let d = Sha512::hash(&[r.compress().as_bytes(), a, &framed]);
    let mut wide = [0u8; 64];
    wide.copy_from_slice(d.as_ref());
    Scalar::from_bytes_mod_order_wide(&wide)
}

fn transfer(signer: Address, to: Address, amount: u64) -> Transaction {
    let mut t = Transaction {
        signer,
        nonce: Nonce::new(0),
        fee: Amount::ZERO,
        payload: Payload::Transfer(Transfer {
            to,
            amount: Amount::new(amount),
            memo: vec![],
        }),
    };
    t.fee = min_fee_for(&t, &AccountsParams::default());
    t
}

fn raw(t: &Transaction, r: &EdwardsPoint, s: &Scalar) -> Vec<u8> {
    let mut out = t.encode().to_vec();
    out.extend_from_slice(r.compress().as_bytes());
    out.extend_from_slice(s.as_bytes());
    out
}

#[test]
fn a_proposer_cannot_forge_a_pair_of_cancelling_signatures() {
    let chain = ChainId::new("terrane-devnet").unwrap();
    let ns = chain.namespace(Namespace::Transaction);
    let alice = address_of(&named_key("alice"));
    let mallory_secret = Scalar::from(7u64);
    let mallory = Address::new(*(mallory_secret * B).compress().as_bytes());
    let exec = Executor::new(Genesis::for_tests(
        chain.as_str(),
        &[(alice, Amount::new(1_000_000))],
    ));
    let env = exec.block_env(Height::new(1), TimestampMs::new(1), Hash32::new([0; 32]));

    // What the proposer knows in advance: the block randomness, the old batch seed.
    let z = coefficients(*env.randomness.as_bytes(), 2);
    // tx1: "alice" pays mallory, signed with garbage (R1 = r1·B, s1 = 0).
    let t1 = transfer(alice, mallory, 900_000);
    let r1 = Scalar::from(12_345u64) * B;
    let s1 = Scalar::ZERO;
    let a = CompressedEdwardsY(*alice.as_bytes()).decompress().unwrap();
    let e1 = s1 * B - r1 - challenge(&r1, alice.as_bytes(), &ns, &t1.encode()) * a;
    // tx2, from mallory, with R2 chosen so that z1·e1 + z2·e2 = 0.
    let t2 = transfer(mallory, alice, 1);
    let r2_secret = Scalar::from(999u64);
    let r2 = r2_secret * B + (z[0] * z[1].invert()) * e1;
    let s2 = r2_secret + challenge(&r2, mallory.as_bytes(), &ns, &t2.encode()) * mallory_secret;
    let (raw1, raw2) = (raw(&t1, &r1, &s1), raw(&t2, &r2, &s2));
    let d1 = SignedTransaction::decode_bounded(&raw1).unwrap();
    let d2 = SignedTransaction::decode_bounded(&raw2).unwrap();
    assert!(
        !d1.verify(&ns) && !d2.verify(&ns),
        "neither signature is valid on its own"
    );

    // The attack is real: a batch seeded with the predictable randomness accepts both.
    let entries = [&d1, &d2].map(|d| (d.public_key().unwrap(), d.tx.encode(), d.signature.clone()));
    let mut predicted = StdRng::from_seed(*env.randomness.as_bytes());
    let fooled = ed25519::PublicKey::verify_batch(
        &mut predicted,
        &entries,
        |_, (pk, msg, sig)| BatchEntry {
            namespace: &ns,
            message: msg,
            public_key: pk,
            signature: sig,
        },
        &commonware_parallel::Sequential,
    );
    assert!(
        fooled,
        "the forgery fools a batch whose seed the proposer knew"
    );

    // The executor does not fall for it: both are rejected and alice keeps her money.
    let store = MemStore::new();
    let mut overlay = Overlay::new(&store);
    let out = block_on(exec.execute(&mut overlay, &env, &[raw1, raw2])).unwrap();
    let codes: Vec<_> = out.txs.iter().map(|t| t.outcome).collect();
    assert_eq!(codes, vec![EnvelopeRejection::BadSignature.into(); 2]);
    assert_eq!(
        block_on(handler::account(&overlay, &alice))
            .unwrap()
            .balance,
        Amount::new(1_000_000)
    );
    assert_eq!(
        block_on(handler::account(&overlay, &mallory))
            .unwrap()
            .balance,
        Amount::ZERO
    );
}
