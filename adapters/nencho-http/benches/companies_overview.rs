//! 全社の進捗 for a 社労士 office, on SQLite and on PostgreSQL: 200 client companies of 500
//! employees each (100,000 in all), every company's year opened and its declarations requested,
//! a tenth of each handed in; then what the overview (`progress_by_company`, through the real
//! use case and store) costs the ADMIN who sees every company, in each order.
//!
//! A benchmark, not a test: `cargo bench -p nencho-http --bench companies_overview`.
//! `NENCHO_OVERVIEW_BENCH_STORE=sqlite|postgres` runs one store; `…_COMPANIES` and
//! `…_EMPLOYEES` (per company) change the size.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A benchmark measures durations with `Instant`, not through the application's `Clock`.
#![allow(clippy::disallowed_methods)]

#[path = "support/mod.rs"]
mod support;

use std::time::Instant;

use nencho_app::filings::overview::{ProgressOrder, progress_by_company};
use nencho_app::filings::periods::{PeriodsInput, set_periods};
use nencho_app::filings::requests::{Recipients, request_filings};
use nencho_filings::FilingStatus;
use nencho_kernel::{Clock, JAPAN_STANDARD_TIME, SystemClock, TaxYear};
use nencho_ports::{FilingQuery, FilingWrite};
use nencho_tenancy::{Company, CompanyName, Employee};
use time::Duration as Days;

const STORE_VARIABLE: &str = "NENCHO_OVERVIEW_BENCH_STORE";

fn main() {
    support::run_on_each_store("companies_overview", STORE_VARIABLE, run_one);
}

fn size(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(default)
}

fn run_one(store_name: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let directory = tempfile::tempdir().unwrap();
        let (store, _keep_alive) = support::open_store(
            store_name,
            directory.path(),
            "nencho_http_bench_companies_overview",
        )
        .await;
        let context = support::context(store.clone());
        let (first, actor) = support::acme_with_company(&context).await;
        let tenant = actor.tenant.id;
        let companies = size("NENCHO_OVERVIEW_BENCH_COMPANIES", 200);
        let per_company = size("NENCHO_OVERVIEW_BENCH_EMPLOYEES", 500);
        let today = SystemClock.now().to_offset(JAPAN_STANDARD_TIME).date();
        let year = TaxYear::new(today.year()).unwrap();

        let started = Instant::now();
        let mut all = vec![first];
        for index in 1..companies {
            let company = Company::register(
                tenant,
                CompanyName::parse(&format!("顧問先{index:03}株式会社")).unwrap(),
                &SystemClock,
            );
            store.insert_company(tenant, &company).await.unwrap();
            all.push(company);
        }
        for (index, company) in all.iter().enumerate() {
            let staff: Vec<Employee> = (0..per_company)
                .map(|number| support::employee(company, number, None))
                .collect();
            store
                .apply_employees(tenant, company.id, &staff, &[])
                .await
                .unwrap();
            // Deadlines spread over a month, so that the deadline order has work to do.
            set_periods(
                &context,
                &actor,
                company.id,
                year,
                PeriodsInput {
                    adjustment_start: today - Days::days(10),
                    adjustment_end: today + Days::days(60),
                    filing_start: today - Days::days(1),
                    filing_end: today + Days::days((index % 30) as i64),
                    refiling: None,
                    year_round_changes: false,
                },
            )
            .await
            .unwrap();
            request_filings(&context, &actor, company.id, year, Recipients::Everyone)
                .await
                .unwrap();
            // A tenth handed in (a different tenth per company keeps the shares apart).
            let page = store
                .list_filings(
                    tenant,
                    &FilingQuery {
                        company_id: company.id,
                        tax_year: year,
                        status: None,
                        search: None,
                        department: None,
                        include_departed: false,
                        awaiting_originals: false,
                        shared_claims: false,
                        own_deadlines: false,
                        checked: None,
                        after: None,
                        limit: (per_company * (index % 10 + 1) / 20) as u32,
                    },
                )
                .await
                .unwrap();
            let writes: Vec<FilingWrite> = page
                .rows
                .into_iter()
                .filter_map(|row| row.filing)
                .map(|mut filing| {
                    let expected_version = filing.version;
                    filing.status = FilingStatus::Submitted;
                    filing.version += 1;
                    FilingWrite {
                        filing,
                        expected_version,
                        event: None,
                        changes: Vec::new(),
                        mail: None,
                    }
                })
                .collect();
            store.write_filings(tenant, &writes).await.unwrap();
        }
        println!(
            "{store_name}: {companies} companies × {per_company} employees, requested and partly \
             handed in (set up in {:.1} s)",
            started.elapsed().as_secs_f64()
        );

        for (label, order) in [
            ("overview by name", ProgressOrder::Name),
            (
                "overview, least handed in first",
                ProgressOrder::LeastHandedIn,
            ),
            ("overview, nearest deadline first", ProgressOrder::Deadline),
        ] {
            let mut samples = Vec::new();
            for _ in 0..10 {
                let step = Instant::now();
                let lines = progress_by_company(&context, &actor, year, order)
                    .await
                    .unwrap();
                samples.push(step.elapsed());
                assert_eq!(lines.len(), companies);
                assert_eq!(
                    lines.iter().map(|line| line.counts.total()).sum::<u64>(),
                    (companies * per_company) as u64
                );
            }
            println!("  {label:<40} {}", support::summary(samples));
        }
    });
}
