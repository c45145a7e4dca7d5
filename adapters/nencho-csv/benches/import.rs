//! Rows per second of the import preview (`validate_all`) on a 100,000-row CP932 file held in
//! memory, so that the figure is the decoder, the CSV parser and the validation, not the disk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nencho_csv::{ImportOptions, validate_all};

const ROWS: usize = 100_000;

fn bench_validate_all(criterion: &mut Criterion) {
    let file = support::cp932_file(ROWS);
    let preview = validate_all(&file[..], &ImportOptions::default()).unwrap();
    assert_eq!(
        preview.valid_rows,
        ROWS as u64,
        "{:?}",
        preview.errors.first()
    );
    let mut group = criterion.benchmark_group("import");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    group.bench_function("validate_all/cp932/100k", |bencher| {
        bencher.iter(|| validate_all(std::hint::black_box(&file[..]), &ImportOptions::default()))
    });
    group.finish();
}

criterion_group!(benches, bench_validate_all);
criterion_main!(benches);
