//! The whole employee import at 100,000 rows, on SQLite and on PostgreSQL: a generated CP932
//! file on disk is streamed through `nencho_csv::validate_all_with` (counting rows), previewed
//! with `nencho_app::import::preview_import_streamed` reading it again chunk by chunk, validated
//! again and applied with `nencho_app::import::apply_import_streamed` (new employees, their user
//! IDs, invitation tokens and mails, written in chunks of 2,000 rows into one transaction) reading
//! it once more, as the wizard's upload and confirm steps do. Prints rows per second of each step and of
//! the whole, and the peak resident memory (`VmHWM` of `/proc/self/status`).
//!
//! A benchmark, not a test: `cargo bench -p nencho-http --bench import_100k`. Each store runs in
//! a child process of its own so that each peak memory is its own. `NENCHO_IMPORT_BENCH_ROWS`
//! changes the row count; `NENCHO_IMPORT_BENCH_STORE=sqlite|postgres` runs one store in this
//! process; `NENCHO_IMPORT_BENCH_PASSWORDS=1` generates initial passwords instead of invitations
//! (one PBKDF2 per row at the production policy: try a few hundred rows, not 100,000).
//! PostgreSQL is reached at `NENCHO_TEST_PG_URL` as in the tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A benchmark measures durations with `Instant`, not through the application's `Clock`.
#![allow(clippy::disallowed_methods)]

#[path = "support/mod.rs"]
mod support;

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nencho_app::import::{
    FirstPassword, IMPORT_CHUNK, ImportSource, ImportedEmployee, RowsResult, apply_import_streamed,
    preview_import_streamed,
};
use nencho_csv::{EmployeeRow, ImportOptions, validate_all_with};
use nencho_ports::Store;
use nencho_store_contract::postgres::TestDatabase;
use nencho_store_postgres::{PgStore, PgStoreOptions};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use nencho_tenancy::{EmployeeNumber, PersonName};

const DEFAULT_ROWS: usize = 100_000;
const STORE_VARIABLE: &str = "NENCHO_IMPORT_BENCH_STORE";

fn main() {
    support::run_on_each_store("import_100k", STORE_VARIABLE, run_one);
}

fn rows() -> usize {
    std::env::var("NENCHO_IMPORT_BENCH_ROWS")
        .ok()
        .and_then(|rows| rows.parse().ok())
        .unwrap_or(DEFAULT_ROWS)
}

/// Peak resident memory of this process so far, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Writes `rows` employees, each with an e-mail address (so each gets an invitation), as Excel on
/// Japanese Windows saves a CSV: CP932, CRLF. Written line by line, never held whole.
fn write_file(path: &Path, rows: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    let mut line = |text: &str| {
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        out.write_all(&bytes).unwrap();
    };
    write_rows(&mut line, rows);
    out.flush().unwrap();
}

fn write_rows(line: &mut impl FnMut(&str), rows: usize) {
    line(
        "社員番号,姓,名,姓カナ,名カナ,生年月日,郵便番号,住所,メールアドレス,部署,雇用区分,入社日,退職日\r\n",
    );
    for i in 0..rows {
        line(&format!(
            "E{i:06},山田,太郎,ﾔﾏﾀﾞ,たろう,昭和60年5月{day}日,〒１００－０００５,\"東京都千代田区丸の内1-1-{i}\r\n年調ビル5階\",taro.{i}@example.jp,総務部,正社員,R2.4.1,\r\n",
            day = i % 28 + 1
        ));
    }
}

/// As the HTTP wizard converts a valid row.
fn imported(row: EmployeeRow) -> ImportedEmployee {
    ImportedEmployee {
        row: row.row,
        number: EmployeeNumber::parse(&row.employee_number).unwrap(),
        name: PersonName {
            family: row.family_name,
            given: row.given_name,
            family_kana: row.family_name_kana,
            given_kana: row.given_name_kana,
        },
        birth_date: row.birth_date,
        postal_code: row.postal_code,
        address: row.address,
        email: row.email,
        department: row.department,
        employment_type: row.employment_type,
        hire_date: row.hire_date,
        leave_date: row.leave_date,
    }
}

/// Streams the file from disk and counts its rows, keeping none.
fn validate(path: &Path) -> usize {
    let mut rows = 0;
    let file = BufReader::new(std::fs::File::open(path).unwrap());
    let preview = validate_all_with(file, &ImportOptions::default(), |row| {
        imported(row);
        rows += 1;
    })
    .unwrap();
    assert!(preview.is_valid(), "{:?}", preview.errors.first());
    rows
}

/// The file's rows as the wizard feeds them to the use case: a blocking thread streams the file
/// and hands over chunks of `IMPORT_CHUNK` rows through a channel of one.
struct FileRows(tokio::sync::mpsc::Receiver<Vec<ImportedEmployee>>);

impl FileRows {
    fn open(path: PathBuf) -> Self {
        let (sender, receiver) = tokio::sync::mpsc::channel(1);
        tokio::task::spawn_blocking(move || {
            let file = BufReader::new(std::fs::File::open(path).unwrap());
            let mut chunk = Vec::with_capacity(IMPORT_CHUNK);
            let preview = validate_all_with(file, &ImportOptions::default(), |row| {
                chunk.push(imported(row));
                if chunk.len() >= IMPORT_CHUNK {
                    sender.blocking_send(std::mem::take(&mut chunk)).unwrap();
                }
            })
            .unwrap();
            assert!(preview.is_valid());
            if !chunk.is_empty() {
                sender.blocking_send(chunk).unwrap();
            }
        });
        Self(receiver)
    }
}

impl ImportSource for FileRows {
    fn next_rows(&mut self) -> Pin<Box<dyn Future<Output = RowsResult> + Send + '_>> {
        Box::pin(async move { Ok(self.0.recv().await) })
    }
}

fn run_one(store_name: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let directory = tempfile::tempdir().unwrap();
        let (store, keep_alive): (Arc<dyn Store>, Box<dyn std::any::Any>) = match store_name {
            "sqlite" => {
                let store = SqliteStore::open(&SqliteStoreOptions::at(
                    SqliteStore::default_path(directory.path()),
                ))
                .await
                .unwrap();
                (Arc::new(store), Box::new(()))
            }
            "postgres" => {
                let database = TestDatabase::create(
                    "nencho_http_bench_import_100k",
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
                (Arc::new(store), Box::new(database))
            }
            other => panic!("unknown store {other}"),
        };
        let context = support::context(store.clone());
        let (company, actor) = support::acme_with_company(&context).await;

        let count = rows();
        let path = directory.path().join("employees.csv");
        write_file(&path, count);
        let file_mib = std::fs::metadata(&path).unwrap().len() as f64 / 1024.0 / 1024.0;
        let baseline = peak_rss_mib();

        let mut steps: Vec<(&str, Duration)> = Vec::new();
        let started = Instant::now();
        // Upload: validate, preview.
        let step = Instant::now();
        let path_for_task = path.clone();
        let validated = tokio::task::spawn_blocking(move || validate(&path_for_task))
            .await
            .unwrap();
        assert_eq!(validated, count);
        steps.push(("validate (upload)", step.elapsed()));
        let step = Instant::now();
        let preview = preview_import_streamed(
            &context,
            &actor,
            company.id,
            &mut FileRows::open(path.clone()),
        )
        .await
        .unwrap();
        assert_eq!(preview.new, count);
        assert_eq!(preview.invitations, count);
        steps.push(("preview", step.elapsed()));
        // Confirm: validate again, apply.
        let step = Instant::now();
        let path_for_task = path.clone();
        let validated = tokio::task::spawn_blocking(move || validate(&path_for_task))
            .await
            .unwrap();
        assert_eq!(validated, count);
        steps.push(("validate (confirm)", step.elapsed()));
        let step = Instant::now();
        let passwords = std::env::var("NENCHO_IMPORT_BENCH_PASSWORDS").is_ok_and(|v| v == "1");
        let first_password = if passwords {
            FirstPassword::Generated
        } else {
            FirstPassword::Invitation
        };
        let progress = std::sync::atomic::AtomicU64::new(0);
        let outcome = apply_import_streamed(
            &context,
            &actor,
            company.id,
            &mut FileRows::open(path.clone()),
            nencho_app::import::ImportChoices {
                first_password,
                ..Default::default()
            },
            &|done| progress.store(done, std::sync::atomic::Ordering::Relaxed),
        )
        .await
        .unwrap();
        assert_eq!(
            progress.load(std::sync::atomic::Ordering::Relaxed),
            count as u64
        );
        steps.push(("apply", step.elapsed()));
        let total = started.elapsed();
        assert_eq!(outcome.inserted, count);
        if passwords {
            assert_eq!(outcome.initial_passwords.len(), count);
        } else {
            assert_eq!(outcome.invitations_queued, count);
        }
        assert_eq!(
            store
                .count_employees(actor.tenant.id, company.id)
                .await
                .unwrap(),
            count as u64
        );

        let what = if passwords {
            "a generated initial password (PBKDF2)"
        } else {
            "an invitation token and a mail"
        };
        println!(
            "{store_name}: {count} new employees ({file_mib:.1} MB CP932 file), each with a user ID \
             and {what}"
        );
        for (what, took) in &steps {
            println!(
                "  {what:<20} {:>9.0} ms  {:>9.0} rows/s",
                took.as_secs_f64() * 1000.0,
                count as f64 / took.as_secs_f64()
            );
        }
        println!(
            "  {:<20} {:>9.0} ms  {:>9.0} rows/s",
            "whole import",
            total.as_secs_f64() * 1000.0,
            count as f64 / total.as_secs_f64()
        );
        println!(
            "  peak RSS (VmHWM) {:.0} MiB (before the import: {baseline:.0} MiB)",
            peak_rss_mib()
        );
        drop(context);
        drop(store);
        drop(keep_alive);
    });
}
