//! The report bundle transaction.

use crate::types::SignedReport;
use bytes::BufMut;
use commonware_codec::{Buf, EncodeSize, Error, RangeCfg, Read, Write};

/// Hard decoding ceiling on reports in one bundle. The chain's own limit
/// ([`crate::params::PowParams::max_reports_per_bundle`]) is lower and is enforced with a
/// reason code, so an oversized bundle is a recorded rejection rather than undecodable bytes.
pub const MAX_REPORTS_DECODE: usize = 4096;

/// Reports from any number of devices, submitted by anyone (a relay need not be trusted:
/// every report carries its device's signature).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitReports {
    /// The reports, judged independently in order.
    pub reports: Vec<SignedReport>,
}

impl Write for SubmitReports {
    fn write(&self, buf: &mut impl BufMut) {
        self.reports.write(buf);
    }
}

impl EncodeSize for SubmitReports {
    fn encode_size(&self) -> usize {
        self.reports.encode_size()
    }
}

impl Read for SubmitReports {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            reports: Vec::<SignedReport>::read_cfg(
                buf,
                &(RangeCfg::from(0..=MAX_REPORTS_DECODE), ()),
            )?,
        })
    }
}

/// Whether `signed`'s signature verifies for its signer under `namespace`
/// (`ChainId::namespace(Namespace::DeviceReport)`). Used one by one; blocks batch the same check.
pub fn signature_valid(namespace: &[u8], signed: &SignedReport) -> bool {
    use commonware_codec::{DecodeExt, Encode};
    use commonware_cryptography::{Verifier as _, ed25519};
    ed25519::PublicKey::decode(bytes::Bytes::copy_from_slice(signed.signer.as_bytes()))
        .is_ok_and(|pk| pk.verify(namespace, &signed.report.encode(), &signed.signature))
}

/// Signs `report` with `key` (the device's or a session key) for `namespace`.
pub fn sign(
    namespace: &[u8],
    report: crate::types::Report,
    key: &commonware_cryptography::ed25519::PrivateKey,
) -> SignedReport {
    use commonware_codec::Encode;
    use commonware_cryptography::Signer as _;
    let signature = key.sign(namespace, &report.encode());
    let signer = terrane_primitives::DeviceId::from_slice(key.public_key().as_ref())
        .expect("ed25519 keys are 32 bytes");
    SignedReport {
        report,
        signer,
        signature,
    }
}
