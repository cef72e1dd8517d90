//! Helpers shared by the process-level tests of the `terrane` binary.

use std::net::TcpListener;

/// A run of `n` free consecutive loopback ports (checked by binding them), below 60,000 so a
/// run of them cannot wrap past the last port.
pub fn free_ports(n: u16) -> u16 {
    for _ in 0..200 {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = probe.local_addr().unwrap().port();
        drop(probe);
        if base > 60_000 {
            continue;
        }
        if (0..n).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok()) {
            return base;
        }
    }
    panic!("no free port range");
}
