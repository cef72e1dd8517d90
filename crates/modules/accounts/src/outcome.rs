//! Why the accounts module rejects a transfer or a charge (codes 100-199).

terrane_primitives::reason_codes! {
    /// A rejection by the accounts module.
    pub enum AccountsRejection {
        /// The balance does not cover the amount (after the fee was charged).
        InsufficientFunds = 101 => ("insufficient_funds", "the sender's balance does not cover the amount after the fee"),
        /// A transfer of zero.
        ZeroAmount = 102 => ("zero_amount", "a transfer must move a non-zero amount"),
        /// The recipient's balance would overflow.
        BalanceOverflow = 103 => ("balance_overflow", "the recipient's balance would exceed the largest representable amount"),
        /// The transaction's nonce was already used.
        NonceTooLow = 110 => ("nonce_too_low", "the nonce was already used by an earlier transaction of this account (replay)"),
        /// The transaction's nonce skips ahead of the account's next nonce.
        NonceTooHigh = 111 => ("nonce_too_high", "the nonce is ahead of the account's next nonce; an earlier transaction is missing"),
        /// The fee is below `base_fee + byte_fee * length`.
        FeeBelowMinimum = 112 => ("fee_below_minimum", "the fee is below base_fee + byte_fee * encoded length"),
        /// The balance does not cover the fee.
        FeeUnpayable = 113 => ("fee_unpayable", "the signer's balance does not cover the fee"),
    }
}
