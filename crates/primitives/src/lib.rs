//! Terrane primitives: the domain numbers, identifiers and wire helpers every crate shares.
//!
//! Every domain number is a newtype (`Amount`, `Height`, `Epoch`, `Nonce`, `TimestampMs`) with
//! no silent conversion from a bare integer: construct with `new`, read with `get`. Arithmetic
//! is checked (`checked_*` returns `None` on overflow) or saturating where the doc says so;
//! nothing in this crate panics on arithmetic.
//!
//! All encodings are commonware-codec: integers are fixed-width big-endian, lengths are
//! LEB128 varints, and every decoder takes a limit. `docs/spec/encoding.md` states them for
//! third parties.
#![deny(clippy::float_arithmetic)]

mod amount;
mod chain;
pub mod hex;
mod ids;
pub mod keys;
pub mod merkle;
mod numbers;
mod quantity;
mod reason;

pub use amount::{Amount, TOKEN_DECIMALS, TOKEN_SYMBOL};
pub use chain::{ChainId, ChainIdError, Namespace};
pub use ids::{Address, DeviceId, Hash32, IdParseError, sha256};
pub use numbers::{BasisPoints, ClassId, Epoch, Height, Nonce, TimestampMs};
pub use reason::ReasonInfo;

/// What the exported macros name, so a crate using them needs no dependency of its own.
#[doc(hidden)]
pub mod __private {
    pub use bytes::BufMut;
    pub use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};
}
