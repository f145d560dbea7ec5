//! A loaded POC is plain owned data: loading one after another in one
//! process (as the portfolio will, over thousands) keeps memory flat.

use std::path::Path;

/// Resident memory of this process, in KiB (Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn loading_the_same_poc_10000_times_keeps_memory_flat() {
    if !crate::common::have("/proc/self/status", rss_kib().is_some(), "the memory check") {
        return;
    }
    let _alone = crate::common::alone();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme-observability");
    let now = poc::clock::Now::At("2026-11-22T09:00:00Z".parse().unwrap());
    let load = |n: usize| {
        for _ in 0..n {
            let poc = poc::Poc::open(&dir, now).expect("the example loads");
            assert_eq!(poc.state.blockers.len(), 2);
        }
    };
    load(1_000);
    let warm = rss_kib().unwrap();
    load(9_000);
    let after = rss_kib().unwrap();
    // A leak of the journal alone (about 8 KiB per load) would add 70 MiB.
    assert!(
        after <= warm + 4 * 1024,
        "memory grew from {warm} KiB to {after} KiB over 9,000 loads"
    );
}
