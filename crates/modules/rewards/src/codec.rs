//! Canonical encoding of the emission parameters (they live in state, so governance changes
//! are provable).

use crate::emission::{CLASS_COUNT, EmissionParams};
use bytes::BufMut;
use commonware_codec::{Buf, Error, FixedSize, Read, ReadExt, Write};

impl Write for EmissionParams {
    fn write(&self, buf: &mut impl BufMut) {
        self.initial_per_epoch.write(buf);
        self.halving_epochs.write(buf);
        self.class_weights_bps.write(buf);
        self.coverage_cap_per_epoch.write(buf);
        self.coverage_cap_per_cell.write(buf);
        self.device_cap_per_epoch.write(buf);
        self.target_devices_per_cell.write(buf);
        self.vetting_valid_reports.write(buf);
    }
}

impl Read for EmissionParams {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, Error> {
        Ok(Self {
            initial_per_epoch: u64::read(buf)?,
            halving_epochs: u64::read(buf)?,
            class_weights_bps: <[u16; CLASS_COUNT]>::read(buf)?,
            coverage_cap_per_epoch: u64::read(buf)?,
            coverage_cap_per_cell: u64::read(buf)?,
            device_cap_per_epoch: u64::read(buf)?,
            target_devices_per_cell: u32::read(buf)?,
            vetting_valid_reports: u32::read(buf)?,
        })
    }
}

impl FixedSize for EmissionParams {
    const SIZE: usize = 8 + 8 + 2 * CLASS_COUNT + 8 + 8 + 8 + 4 + 4;
}
