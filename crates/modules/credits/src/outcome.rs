//! Why credits refuses a burn or an escrow (codes 700-799).

terrane_primitives::reason_codes! {
    /// A rejection by the credits module.
    pub enum CreditsRejection {
        /// A burn of nothing.
        ZeroBurn = 701 => ("burn_zero", "a burn for credits must burn at least one base unit of TRN"),
        /// No fresh oracle price.
        NoFreshPrice = 702 => ("burn_without_fresh_price", "too few oracles reported within the freshness window: the chain burns at a fresh price or not at all"),
        /// The burn buys less than one credit.
        BurnTooSmall = 703 => ("burn_below_one_credit", "at the chain's price this burn buys less than one whole credit"),
        /// Not enough TRN for the burn.
        InsufficientTrn = 704 => ("burn_insufficient_funds", "the signer's balance does not cover the burn"),
        /// Not enough credits for the escrow.
        InsufficientCredits = 705 => ("insufficient_credits", "the payer's credit balance does not cover the deposit"),
        /// An escrow of nothing.
        ZeroDeposit = 706 => ("deposit_zero", "a deposit must be at least one credit"),
        /// The credit balance would overflow.
        CreditOverflow = 707 => ("credit_balance_overflow", "the recipient's credit balance would overflow"),
    }
}
