//! What one login costs: a PBKDF2-HMAC-SHA256 verification at the current policy (600,000
//! iterations), and the sealing of an authenticator key (sealed once per set-up, opened once per
//! code). Run: `cargo bench -p nencho-crypto`.

#![allow(clippy::unwrap_used)] // a benchmark that cannot set up may panic

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use nencho_crypto::{AesGcmSealer, OsRandom, Pbkdf2Hasher};
use nencho_identity::PasswordHashPolicy;
use nencho_ports::{PasswordHasher, SecretSealer};

fn verification(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let hasher = Pbkdf2Hasher::new(PasswordHashPolicy::CURRENT, 1, Arc::new(OsRandom));
    let hash = runtime
        .block_on(hasher.hash("kumo-no-ue-de-odoru-pengin"))
        .unwrap();
    let mut group = c.benchmark_group("pbkdf2-sha256-600000");
    group.sample_size(10);
    group.bench_function("verify", |b| {
        b.iter(|| {
            runtime
                .block_on(hasher.verify("kumo-no-ue-de-odoru-pengin", &hash))
                .unwrap()
        })
    });
    group.finish();
}

fn sealing(c: &mut Criterion) {
    let sealer = AesGcmSealer::from_deployment_secret(&[7; 32]);
    let key = [42u8; 20];
    let row = [1u8; 32];
    let sealed = sealer.seal(&key, &row);
    let mut group = c.benchmark_group("aes-256-gcm-authenticator-key");
    group.bench_function("seal", |b| b.iter(|| sealer.seal(&key, &row)));
    group.bench_function("open", |b| b.iter(|| sealer.open(&sealed, &row).unwrap()));
    group.finish();
}

criterion_group!(benches, verification, sealing);
criterion_main!(benches);
