//! Why staking refuses a transaction (codes 1000-1099).

terrane_primitives::reason_codes! {
    /// A rejection by the staking module.
    pub enum StakingRejection {
        /// A stake or unstake of nothing.
        ZeroStake = 1001 => ("stake_zero", "a stake or unstake must move at least one base unit of TRN"),
        /// The signer's balance does not cover the stake.
        InsufficientFunds = 1002 => ("stake_insufficient_funds", "the signer's balance does not cover the stake"),
        /// The operator's own bond would be below the target's minimum.
        BelowMinimum = 1003 => ("bond_below_minimum", "the operator's own bond must be at least the target's minimum (the class minimum for a device, the validator minimum for a validator)"),
        /// Delegation to a target whose operator has not bonded.
        TargetNotBonded = 1004 => ("target_not_bonded", "only the target's operator opens its stake pool: delegate after the operator has bonded"),
        /// The target does not exist (no such device or validator).
        UnknownTarget = 1005 => ("stake_target_unknown", "the stake target is neither a registered device nor a validator of this chain"),
        /// More unstaked than the position holds.
        UnbondTooMuch = 1006 => ("unbond_exceeds_stake", "the signer's position on the target is smaller than the amount to unbond"),
        /// Too many unbonding entries waiting.
        TooManyUnbonding = 1007 => ("too_many_unbonding", "the signer has the maximum number of unbonding entries waiting: withdraw released ones first"),
        /// Nothing has been released yet.
        NothingToWithdraw = 1008 => ("nothing_to_withdraw", "no unbonding entry of the signer has reached its release epoch"),
        /// Only the operator sets the commission.
        NotOperator = 1009 => ("not_operator", "only the target's operator may change its commission"),
        /// Commission above the maximum.
        CommissionTooHigh = 1010 => ("commission_too_high", "the commission is above the chain's maximum commission"),
        /// Nothing to claim.
        NothingToClaim = 1011 => ("no_stake_rewards", "the signer has no settled staking rewards on the target"),
        /// The operator would leave a bond between zero and the minimum.
        OperatorBelowMinimum = 1012 => ("operator_bond_below_minimum", "an operator may unbond all of its own stake or keep at least the minimum, nothing in between"),
        /// The pool's shares cannot take more stake.
        PoolDiluted = 1013 => ("stake_pool_diluted", "the target was slashed so deeply that its pool's shares cannot take this stake: its stakers unbond, and a fresh pool opens once it is empty"),
        /// Nothing to slash.
        NothingToSlash = 1014 => ("nothing_to_slash", "nothing is bonded on or unbonding from the target"),
    }
}
