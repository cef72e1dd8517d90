//! Ed25519 public keys as the chain accepts them.
//!
//! Signatures are checked with ZIP-215 rules (commonware's ed25519), under which a key of small
//! order (one of the eight torsion points, in any of their encodings) verifies signatures
//! that anyone can make: with `R` the identity and `S = 0`, the check `8·S·B = 8·R + 8·k·A`
//! holds for every message because `8·A` is the identity. Such a key has no owner, so the chain
//! refuses it wherever a key signs: transaction signers, devices, session keys, makers.

use commonware_codec::DecodeExt as _;
use commonware_cryptography::ed25519;
use curve25519_dalek::edwards::CompressedEdwardsY;

/// The ed25519 key with these 32 bytes, if they encode a point that is not of small order.
pub fn strong_ed25519(bytes: &[u8; 32]) -> Option<ed25519::PublicKey> {
    let point = CompressedEdwardsY(*bytes).decompress()?;
    if point.is_small_order() {
        return None;
    }
    ed25519::PublicKey::decode(bytes::Bytes::copy_from_slice(bytes)).ok()
}

/// Whether these 32 bytes encode a small-order point: an address anyone can sign for. (Bytes
/// that are no point at all are not weak: nobody can sign for them.)
pub fn is_weak(bytes: &[u8; 32]) -> bool {
    CompressedEdwardsY(*bytes)
        .decompress()
        .is_some_and(|p| p.is_small_order())
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_cryptography::{Signer as _, Verifier as _};

    #[test]
    fn every_small_order_encoding_is_refused() {
        // The identity (y = 1), its non-canonical sign flip, the order-2 point (y = -1), and
        // the order-4 points (y = 0, either sign).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut identity_neg = identity;
        identity_neg[31] = 0x80;
        let minus_one = {
            let mut b = [0xffu8; 32];
            b[0] = 0xec;
            b[31] = 0x7f;
            b
        };
        let zero = [0u8; 32];
        let mut zero_neg = zero;
        zero_neg[31] = 0x80;
        for key in [identity, identity_neg, minus_one, zero, zero_neg] {
            assert!(strong_ed25519(&key).is_none(), "{key:?}");
            assert!(is_weak(&key), "{key:?}");
        }
    }

    #[test]
    fn a_small_order_key_verifies_a_signature_nobody_made_which_is_why_it_is_refused() {
        let zero = [0u8; 32];
        let weak = ed25519::PublicKey::decode(bytes::Bytes::copy_from_slice(&zero))
            .expect("ZIP-215 decoding accepts small-order points");
        let mut forged = [0u8; 64];
        forged[0] = 1; // R = identity, S = 0
        let sig =
            ed25519::Signature::decode(bytes::Bytes::copy_from_slice(&forged)).expect("64 bytes");
        assert!(weak.verify(b"ns", b"any message at all", &sig));
        assert!(strong_ed25519(&zero).is_none());
    }

    #[test]
    fn real_keys_are_accepted() {
        for seed in 0..16 {
            let pk = ed25519::PrivateKey::from_seed(seed).public_key();
            let bytes: [u8; 32] = pk.as_ref().try_into().expect("32 bytes");
            assert_eq!(strong_ed25519(&bytes), Some(pk));
        }
    }
}
