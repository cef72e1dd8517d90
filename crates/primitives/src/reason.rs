//! Stable reason codes: why a transaction, report or proof was rejected.
//!
//! Every rejection in Terrane is a number that never changes meaning, a snake_case name and a
//! one-line description. Codes are allocated in ranges per module (`docs/spec/outcomes.md`):
//!
//! | range | owner |
//! |---|---|
//! | 0 | accepted |
//! | 1-99 | transaction envelope (`app`) |
//! | 100-199 | `accounts` |
//! | 200-299 | `devices` |
//! | 300-399 | `pow` framework |
//! | 400-499 | `coverage` |
//! | 500-599 | `rewards` |

/// One entry of the reason-code registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReasonInfo {
    /// The stable number.
    pub code: u16,
    /// The stable snake_case name.
    pub name: &'static str,
    /// What rule was broken, for a person.
    pub description: &'static str,
}

/// Declares a module's rejection enum with stable codes, names and descriptions.
///
/// ```text
/// terrane_primitives::reason_codes! {
///     /// Why a thing was refused.
///     pub enum Refusal {
///         /// Too big.
///         TooBig = 900 => ("too_big", "the thing is larger than allowed"),
///     }
/// }
/// assert_eq!(Refusal::TooBig.code(), 900);
/// assert_eq!(Refusal::from_code(900), Some(Refusal::TooBig));
/// ```
#[macro_export]
macro_rules! reason_codes {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $code:literal => ($text:literal, $desc:literal)
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u16)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $code),*
        }

        impl $name {
            /// Every variant, in code order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The stable numeric code.
            pub const fn code(self) -> u16 {
                self as u16
            }

            /// The stable snake_case name.
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }

            /// What rule was broken.
            pub const fn description(self) -> &'static str {
                match self { $(Self::$variant => $desc),* }
            }

            /// The variant with `code`, if any.
            pub fn from_code(code: u16) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// Registry entries for every variant.
            pub fn infos() -> impl Iterator<Item = $crate::ReasonInfo> {
                Self::ALL.iter().map(|v| $crate::ReasonInfo {
                    code: v.code(),
                    name: v.name(),
                    description: v.description(),
                })
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{} ({})", self.name(), self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::reason_codes! {
        /// Why a thing was refused.
        pub enum Refusal {
            /// Too big.
            TooBig = 900 => ("too_big", "the thing is larger than allowed"),
            /// Too small.
            TooSmall = 901 => ("too_small", "the thing is smaller than allowed"),
        }
    }

    #[test]
    fn reason_codes_round_trip_through_their_numbers_and_names() {
        assert_eq!(Refusal::TooBig.code(), 900);
        assert_eq!(Refusal::from_code(901), Some(Refusal::TooSmall));
        assert_eq!(Refusal::from_code(902), None);
        assert_eq!(Refusal::TooSmall.name(), "too_small");
        assert_eq!(Refusal::infos().count(), 2);
        assert_eq!(Refusal::TooBig.to_string(), "too_big (900)");
    }
}
