//! How fast the CSV import's atomic apply writes 100,000 employees, and how fast the list reads
//! them. A benchmark, not a timed test: run it with
//! `cargo test --release -p nencho-store-postgres --test it -- --ignored --nocapture`.

use crate::open_fresh_store;

#[tokio::test]
#[ignore = "a benchmark; run with --release -- --ignored --nocapture"]
async fn applying_100_000_employees() {
    const COUNT: usize = 100_000;
    let Some(fixture) = open_fresh_store().await else {
        return;
    };
    let timings =
        nencho_store_contract::cases::time_applying_employees(fixture.store.as_ref(), COUNT).await;
    for (what, took) in timings {
        let rate = if what.starts_with("apply") {
            format!(", {:.0} rows/s", COUNT as f64 / took.as_secs_f64())
        } else {
            String::new()
        };
        println!(
            "PostgreSQL, {COUNT} employees, {what}: {:.1} ms{rate}",
            took.as_secs_f64() * 1000.0
        );
    }
}
