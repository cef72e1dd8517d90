//! Counted quantities a module keeps (data credits, pool shares): one shape for all of them.
//! Unlike the chain's counters (`Height`, `Epoch`: advanced by a delta, measured as a span), a
//! quantity adds and subtracts its own kind; unlike `Amount`, it is not the token.

/// Declares `pub struct $name(u64)`: a count of something a module keeps, with `ZERO`, `new`,
/// `get`, `is_zero`, checked addition and subtraction (`None` on overflow or below zero), and
/// its codec (8 bytes, big-endian). No conversion from a bare integer but `new`, and no
/// arithmetic with other quantities.
#[macro_export]
macro_rules! quantity {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            /// None.
            pub const ZERO: Self = Self(0);

            /// `n` of them.
            pub const fn new(n: u64) -> Self {
                Self(n)
            }

            /// The count.
            pub const fn get(self) -> u64 {
                self.0
            }

            /// Whether there are none.
            pub const fn is_zero(self) -> bool {
                self.0 == 0
            }

            /// `self + rhs`, or `None` on overflow.
            pub const fn checked_add(self, rhs: Self) -> Option<Self> {
                match self.0.checked_add(rhs.0) {
                    Some(v) => Some(Self(v)),
                    None => None,
                }
            }

            /// `self - rhs`, or `None` if `rhs > self`.
            pub const fn checked_sub(self, rhs: Self) -> Option<Self> {
                match self.0.checked_sub(rhs.0) {
                    Some(v) => Some(Self(v)),
                    None => None,
                }
            }
        }

        impl $crate::__private::Write for $name {
            fn write(&self, buf: &mut impl $crate::__private::BufMut) {
                $crate::__private::Write::write(&self.0, buf);
            }
        }

        impl $crate::__private::Read for $name {
            type Cfg = ();
            fn read_cfg(
                buf: &mut impl $crate::__private::Buf,
                _: &(),
            ) -> Result<Self, $crate::__private::Error> {
                Ok(Self(<u64 as $crate::__private::ReadExt>::read(buf)?))
            }
        }

        impl $crate::__private::FixedSize for $name {
            const SIZE: usize = 8;
        }
    };
}
