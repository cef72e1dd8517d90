//! A binary SHA-256 Merkle tree over an ordered list, with inclusion proofs.
//!
//! Used for lists a block or an epoch commits to as one root: a block's transaction outcomes,
//! an epoch's reward list. Specified in `docs/spec/encoding.md`:
//! ```text
//! leaf(i)      = SHA-256(0x00 || data_i)
//! node(l, r)   = SHA-256(0x01 || l || r)
//! odd level    = the last node is carried up unchanged (never paired with itself, so two
//!                different lists cannot share a root)
//! empty list   = 32 zero bytes
//! ```

use crate::{Hash32, sha256};

/// The leaf hash of `data`.
pub fn leaf(data: &[u8]) -> Hash32 {
    sha256(&[&[0u8], data])
}

fn node(left: &Hash32, right: &Hash32) -> Hash32 {
    sha256(&[&[1u8], left.as_ref(), right.as_ref()])
}

/// The root over `leaves` (already leaf-hashed).
pub fn root(leaves: &[Hash32]) -> Hash32 {
    if leaves.is_empty() {
        return Hash32::default();
    }
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [l, r] => node(l, r),
                [single] => *single,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level[0]
}

/// One step of an inclusion proof: a sibling and which side it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProofStep {
    /// The sibling node's hash.
    pub sibling: Hash32,
    /// Whether the sibling is the left child (so the running hash is the right one).
    pub sibling_is_left: bool,
}

/// The inclusion proof of leaf `index` among `leaves`, or `None` if out of range.
pub fn prove(leaves: &[Hash32], index: usize) -> Option<Vec<ProofStep>> {
    if index >= leaves.len() {
        return None;
    }
    let mut steps = Vec::new();
    let mut level = leaves.to_vec();
    let mut i = index;
    while level.len() > 1 {
        let sibling = i ^ 1;
        if sibling < level.len() {
            steps.push(ProofStep {
                sibling: level[sibling],
                sibling_is_left: sibling < i,
            });
        }
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [l, r] => node(l, r),
                [single] => *single,
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
        i /= 2;
    }
    Some(steps)
}

/// Whether `proof` shows that `leaf_hash` is in the tree with `root`.
pub fn verify(leaf_hash: Hash32, proof: &[ProofStep], root: &Hash32) -> bool {
    let computed = proof.iter().fold(leaf_hash, |acc, step| {
        if step.sibling_is_left {
            node(&step.sibling, &acc)
        } else {
            node(&acc, &step.sibling)
        }
    });
    &computed == root
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash32> {
        (0..n).map(|i| leaf(&(i as u64).to_be_bytes())).collect()
    }

    #[test]
    fn empty_and_single_roots() {
        assert_eq!(root(&[]), Hash32::default());
        let one = leaves(1);
        assert_eq!(root(&one), one[0]);
    }

    #[test]
    fn a_list_and_its_last_element_duplicated_have_different_roots() {
        let mut l = leaves(3);
        let r3 = root(&l);
        l.push(l[2]);
        assert_ne!(root(&l), r3);
    }

    proptest! {
        #[test]
        fn every_leaf_proves_and_no_other_leaf_does(n in 1usize..70, pick in 0usize..70) {
            let l = leaves(n);
            let r = root(&l);
            let i = pick % n;
            let proof = prove(&l, i).unwrap();
            prop_assert!(verify(l[i], &proof, &r));
            prop_assert!(!verify(leaf(b"stranger"), &proof, &r));
        }
    }
}
