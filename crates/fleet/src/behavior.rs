//! What a simulated device does, honestly or not.

use core::fmt;

/// A device's behaviour. Each variant's doc says what it does and which chain rule defeats it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Behavior {
    /// Registers its true capabilities at its true cell; every epoch it transmits a beacon in
    /// its duty window, witnesses every beacon it hears (before the reveal) and reveals its own
    /// nonce a few blocks after transmitting.
    Honest,
    /// Honest radio, but registered at a cell 150-300 km from where it really is. Its witnesses
    /// name a beaconer ≥ 100 km from its asserted cell (`witness_too_far`, or
    /// `signal_too_strong` if the lie were shorter); the devices that really hear its beacon
    /// are too far from its asserted cell for the same reason, so its beacon gathers no
    /// witness and earns nothing.
    Spoofer,
    /// A member of a colluding ring: devices of ONE owner in one building, asserting cells
    /// 2-10 km apart in a remote area. They share nonces and fabricate witnesses of each
    /// other's beacons with RSSI plausible for the asserted distances; the chain refuses every
    /// one as `same_owner_witness` (and nobody else can hear them).
    Ring,
    /// Registered, does no radio work; every epoch it resubmits other devices' signed reports
    /// from the previous epoch (`stale_epoch`) and copies of this epoch's reports already
    /// included (`duplicate_report`). A report counts once, so the originals are untouched.
    Replayer,
    /// Tries to register claiming a 9 dBi antenna while its maker attested 3 dBi: the maker's
    /// signature covers the capabilities, so registration fails (`bad_maker_signature`). It
    /// keeps transmitting, witnessing and revealing anyway: every report is
    /// `unknown_report_signer`, and honest witnesses of its beacon are refused without penalty
    /// (`unknown_beaconer`).
    GainInflator,
    /// A member of a timing clique: honest radio, but every beacon it reveals declares a time
    /// 40 s after it really transmitted, which only its fellow skewers are told (their
    /// witnesses of it match the declaration). The chain's clock refutes it: a block held a
    /// witness of the beacon before the moment it claims (`beacon_after_witness`, charged to
    /// the skewer), and the told witnesses claim to have heard it after their own block
    /// (`witness_from_future`, charged). Honest devices that really heard it report the true
    /// time and are judged by their own story, so they are paid as if it were honest.
    Skewer,
    /// The far end of a wormhole: a real device `wormhole_range_m` (35-80 km) from a city, where the attacker keeps
    /// an unregistered receiver (a sniffer) that forwards every beacon it hears over the
    /// internet. The far-end devices report witnessing those beacons, and with
    /// `wormhole_both_ways` the sniffer also rebroadcasts their beacons in the city, so honest
    /// devices there really hear them. Played as [`crate::WormholeTactic`] says: with
    /// free-space readings (the naive relay), or adaptively, with readings just inside the
    /// chain's link budget and only where a nearer witness can corroborate. The link budget
    /// (`signal_too_strong`, `witness_beyond_range`) and locality (`witness_uncorroborated`)
    /// refuse them without fault.
    Wormhole,
}

impl Behavior {
    /// Every behaviour, honest first.
    pub const ALL: [Self; 7] = [
        Self::Honest,
        Self::Spoofer,
        Self::Ring,
        Self::Replayer,
        Self::GainInflator,
        Self::Skewer,
        Self::Wormhole,
    ];

    /// The cheating behaviours.
    pub const CHEATERS: [Self; 6] = [
        Self::Spoofer,
        Self::Ring,
        Self::Replayer,
        Self::GainInflator,
        Self::Skewer,
        Self::Wormhole,
    ];

    /// A short stable name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Honest => "honest",
            Self::Spoofer => "spoofer",
            Self::Ring => "ring",
            Self::Replayer => "replayer",
            Self::GainInflator => "inflator",
            Self::Skewer => "skewer",
            Self::Wormhole => "wormhole",
        }
    }

    /// Whether the behaviour cheats.
    pub const fn is_cheater(self) -> bool {
        !matches!(self, Self::Honest)
    }

    /// Whether the device has a working radio it uses (transmits and listens).
    pub const fn does_radio_work(self) -> bool {
        !matches!(self, Self::Replayer)
    }

    /// Position in [`Self::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Behavior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
