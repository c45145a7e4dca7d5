//! The documents attached to declarations (添付書類), on SQLite and on PostgreSQL: what staff
//! attaching a document costs (`attach_proxy`: the check, saving a declaration never stored, the
//! store insert) and what a reviewer reading it back with its content costs
//! (`reviewed_attachment`) — through the real use cases (`nencho_app::filings::attachments`) and
//! stores, with a 4 MB and a 300 KB document that do not compress.
//!
//! A benchmark, not a test: `cargo bench -p nencho-http --bench attachments`.
//! `NENCHO_ATTACHMENTS_BENCH_STORE=sqlite|postgres` runs one store. PostgreSQL is reached at
//! `NENCHO_TEST_PG_URL` as in the tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A benchmark measures durations with `Instant`, not through the application's `Clock`.
#![allow(clippy::disallowed_methods)]

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nencho_app::filings::attachments::{NewAttachment, attach_proxy, reviewed_attachment};
use nencho_app::filings::periods::{PeriodsInput, set_periods};
use nencho_app::sign_in::CurrentUser;
use nencho_filings::AttachmentKind;
use nencho_kernel::{Clock, Date, EmployeeId, JAPAN_STANDARD_TIME, SystemClock, TaxYear};
use nencho_ports::Store;
use nencho_store_contract::postgres::TestDatabase;
use nencho_store_postgres::{PgStore, PgStoreOptions};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::{Company, Employee, EmployeeNumber, EmploymentType, PersonName};
use time::Duration as Days;

const STORE_VARIABLE: &str = "NENCHO_ATTACHMENTS_BENCH_STORE";
/// Attaches (and reads) per store and size.
const RUNS: usize = 30;
/// Documents per declaration: the runs are spread over `RUNS / PER_DECLARATION` employees (a
/// declaration holds at most 30).
const PER_DECLARATION: usize = 6;
/// The two sizes measured, in bytes (MB = 10⁶ bytes throughout).
const SIZES: [(&str, usize); 2] = [("4 MB", 4_000_000), ("300 KB", 300_000)];

fn main() {
    support::run_on_each_store("attachments", STORE_VARIABLE, run_one);
}

async fn open_sqlite(path: &Path) -> Arc<SqliteStore> {
    Arc::new(
        SqliteStore::open(&SqliteStoreOptions::at(path.to_path_buf()))
            .await
            .unwrap(),
    )
}

/// The store, what keeps it alive (the PostgreSQL database), and the SQLite store itself (to
/// close it and measure its file).
async fn open(
    store_name: &str,
    directory: &Path,
) -> (
    Arc<dyn Store>,
    Box<dyn std::any::Any>,
    Option<Arc<SqliteStore>>,
) {
    match store_name {
        "sqlite" => {
            let store = open_sqlite(&SqliteStore::default_path(directory)).await;
            (store.clone(), Box::new(()), Some(store))
        }
        "postgres" => {
            let database = TestDatabase::create(
                "nencho_http_bench_attachments",
                &PgStore::schema_fingerprint(),
                |url| async move {
                    let store = PgStore::connect(&PgStoreOptions::from_url(&url).unwrap())
                        .await
                        .unwrap();
                    store.close().await;
                },
            )
            .await
            .expect("PostgreSQL at NENCHO_TEST_PG_URL");
            let store = PgStore::connect(&PgStoreOptions::from_url(&database.url).unwrap())
                .await
                .unwrap();
            (Arc::new(store), Box::new(database), None)
        }
        other => panic!("unknown store {other}"),
    }
}

/// The bytes SQLite keeps for the database: its file and the write-ahead log, if any.
fn sqlite_bytes(path: &Path) -> u64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    [path.to_path_buf(), PathBuf::from(wal)]
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|metadata| metadata.len())
        .sum()
}

fn employee(actor: &CurrentUser, company: &Company, index: usize) -> Employee {
    Employee {
        id: EmployeeId::generate(&SystemClock),
        tenant_id: actor.tenant.id,
        company_id: company.id,
        number: EmployeeNumber::parse(&format!("E{index:06}")).unwrap(),
        name: PersonName {
            family: "山田".into(),
            given: format!("太郎{index}"),
            family_kana: "ヤマダ".into(),
            given_kana: "タロウ".into(),
        },
        birth_date: Date::from_calendar_date(1985, time::Month::May, 1).unwrap(),
        postal_code: None,
        address: "東京都千代田区丸の内1-1".into(),
        email: None,
        department: Some("総務部".into()),
        employment_type: EmploymentType::Regular,
        hire_date: None,
        leave_date: None,
        user_id: None,
        updated_at: SystemClock.now(),
    }
}

/// A JPEG of `size` bytes that does not compress: the JPEG magic bytes, then pseudo-random
/// bytes (xorshift64*, seeded so every document differs).
fn jpeg(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut content = Vec::with_capacity(size + 8);
    content.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    while content.len() < size {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        content.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    content.truncate(size);
    content
}

/// The median and the 95th percentile of `samples`, in milliseconds, and the throughput in
/// MB/s (all the bytes over all the time).
fn summary(mut samples: Vec<Duration>, size: usize) -> (f64, f64, f64) {
    let total: Duration = samples.iter().sum();
    samples.sort();
    let at = |fraction: f64| {
        let index = ((samples.len() as f64 - 1.0) * fraction).round() as usize;
        samples[index].as_secs_f64() * 1000.0
    };
    let throughput = (size * samples.len()) as f64 / 1e6 / total.as_secs_f64();
    (at(0.5), at(0.95), throughput)
}

fn run_one(store_name: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let directory = tempfile::tempdir().unwrap();
        let (store, _keep_alive, sqlite) = open(store_name, directory.path()).await;
        let context = support::context(store.clone());
        let (company, actor) = support::acme_with_company(&context).await;
        let declarations = RUNS.div_ceil(PER_DECLARATION);
        let employees: Vec<Employee> = (0..declarations * SIZES.len())
            .map(|index| employee(&actor, &company, index))
            .collect();
        store
            .apply_employees(actor.tenant.id, company.id, &employees, &[])
            .await
            .unwrap();
        let today = SystemClock.now().to_offset(JAPAN_STANDARD_TIME).date();
        let year = TaxYear::new(today.year()).unwrap();
        set_periods(
            &context,
            &actor,
            company.id,
            year,
            PeriodsInput {
                adjustment_start: today - Days::days(10),
                adjustment_end: today + Days::days(60),
                filing_start: today - Days::days(1),
                filing_end: today + Days::days(30),
                refiling: None,
                year_round_changes: false,
            },
        )
        .await
        .unwrap();

        // SQLite: close the store so the log is checkpointed, measure the file, reopen.
        let (context, sqlite, sqlite_path, before) = match sqlite {
            Some(sqlite) => {
                sqlite.close().await;
                drop(sqlite);
                drop(context);
                drop(store);
                let path = SqliteStore::default_path(directory.path());
                let before = sqlite_bytes(&path);
                let reopened = open_sqlite(&path).await;
                let store: Arc<dyn Store> = reopened.clone();
                (
                    support::context(store),
                    Some(reopened),
                    Some(path),
                    before,
                )
            }
            None => (context, None, None, 0),
        };

        println!(
            "{store_name}: {RUNS} attaches (attach_proxy) and {RUNS} reads (reviewed_attachment) per size, \
             {PER_DECLARATION} documents per declaration"
        );
        println!(
            "  {:<7} {:<6} {:>12} {:>12} {:>10}",
            "size", "op", "median ms", "p95 ms", "MB/s"
        );
        let mut stored_bytes = 0u64;
        for (size_index, (label, size)) in SIZES.into_iter().enumerate() {
            let mut attach_samples = Vec::with_capacity(RUNS);
            let mut attached = Vec::with_capacity(RUNS);
            for run in 0..RUNS {
                let owner = &employees[size_index * declarations + run / PER_DECLARATION];
                let content = jpeg(size, (size_index * RUNS + run + 1) as u64);
                let new = NewAttachment {
                    kind: AttachmentKind::LifeInsurance,
                    file_name: format!("控除証明書{run}.jpg"),
                    content,
                };
                let step = Instant::now();
                let attachment = attach_proxy(&context, &actor, owner.id, year, new)
                    .await
                    .unwrap();
                attach_samples.push(step.elapsed());
                assert_eq!(attachment.size, size as u64);
                stored_bytes += size as u64;
                attached.push(attachment.id);
            }
            let mut read_samples = Vec::with_capacity(RUNS);
            for (run, id) in attached.iter().enumerate() {
                let step = Instant::now();
                let (attachment, content) =
                    reviewed_attachment(&context, &actor, *id).await.unwrap();
                read_samples.push(step.elapsed());
                assert_eq!(attachment.id, *id);
                assert_eq!(content.len(), size);
                assert_eq!(content[..4], [0xFF, 0xD8, 0xFF, 0xE0]);
                assert_eq!(content[..64], jpeg(64, (size_index * RUNS + run + 1) as u64));
            }
            for (op, samples) in [("attach", attach_samples), ("read", read_samples)] {
                let (median, p95, throughput) = summary(samples, size);
                println!("  {label:<7} {op:<6} {median:>12.2} {p95:>12.2} {throughput:>10.1}");
            }
        }

        if let (Some(sqlite), Some(path)) = (sqlite, sqlite_path) {
            sqlite.close().await;
            let after = sqlite_bytes(&path);
            let growth = after.saturating_sub(before);
            println!(
                "  SQLite file: {:.1} MB before, {:.1} MB after: grew {:.1} MB for {:.1} MB of \
                 documents ({:.3}×)",
                before as f64 / 1e6,
                after as f64 / 1e6,
                growth as f64 / 1e6,
                stored_bytes as f64 / 1e6,
                growth as f64 / stored_bytes as f64
            );
        }
    });
}
