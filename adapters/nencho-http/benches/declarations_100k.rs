//! The declarations at 100,000 employees, on SQLite and on PostgreSQL: what the progress
//! dashboard costs (counts by status and one page, unfiltered and filtered), what a bulk request
//! costs, what saving one step of the employee's flow costs, and — with a tenth of the company
//! handed in — the 原本未着 and 重複の疑い filters, a review with its 重複扶養チェック,
//! recording an original received, the reviewers' digest counts, and setting 500 employees aside
//! as 対象外 — through the real use
//! cases (`nencho_app::filings`) and stores.
//!
//! A benchmark, not a test: `cargo bench -p nencho-http --bench declarations_100k`.
//! `NENCHO_DECLARATIONS_BENCH_STORE=sqlite|postgres` runs one store; `…_EMPLOYEES` changes the
//! company's size. PostgreSQL is reached at `NENCHO_TEST_PG_URL` as in the tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A benchmark measures durations with `Instant`, not through the application's `Clock`.
#![allow(clippy::disallowed_methods)]

#[path = "support/mod.rs"]
mod support;

use std::time::Instant;

use nencho_app::filings::originals::record_original;
use nencho_app::filings::own::save_own_filing;
use nencho_app::filings::periods::{PeriodsInput, set_periods};
use nencho_app::filings::requests::{Recipients, request_filings};
use nencho_app::filings::review::{DashboardRequest, dashboard};
use nencho_filings::{
    Declaration, FilingStatus, LifeContractAge, LifePolicy, LifePolicyKind,
    PersonName as FilingName, RelativeEntry,
};
use nencho_kernel::{Clock, Date, JAPAN_STANDARD_TIME, SystemClock, TaxYear, Yen};
use nencho_ports::{FilingQuery, FilingWrite};
use time::Duration as Days;

const STORE_VARIABLE: &str = "NENCHO_DECLARATIONS_BENCH_STORE";

fn main() {
    support::run_on_each_store("declarations_100k", STORE_VARIABLE, run_one);
}

fn employees() -> usize {
    std::env::var("NENCHO_DECLARATIONS_BENCH_EMPLOYEES")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(100_000)
}

/// The child of employee `index`'s declaration: one child per employee, except that every
/// hundredth pair of employees (0 and 1, 100 and 101, …) are parents of the same child — the
/// duplicates the 重複扶養チェック finds.
fn child_of(index: usize) -> usize {
    if index % 100 == 1 { index - 1 } else { index }
}

fn document(child: usize, premium: i64) -> Declaration {
    let mut document = Declaration::default();
    document.answers.has_spouse = Some(false);
    document.answers.has_dependents = Some(true);
    document.answers.paid_life_insurance = Some(true);
    document.taxpayer.estimated_salary = Yen::new(5_000_000);
    document.relatives.push(RelativeEntry {
        name: FilingName {
            name: format!("山田 一郎{child}"),
            kana: String::new(),
        },
        relationship: "長男".into(),
        birth_date: Date::from_calendar_date(2006, time::Month::June, 1).unwrap()
            + Days::days((child % 3_000) as i64),
        estimated_income: Yen::ZERO,
        lives_together: true,
        lineal_ascendant: false,
        disability: nencho_filings::DisabilityKind::None,
        claimed_by_other_earner: false,
        non_resident: false,
    });
    document.life_policies.push(LifePolicy {
        insurer: "年調生命".into(),
        policy_type: "終身".into(),
        kind: LifePolicyKind::General,
        contract: LifeContractAge::New,
        period: "終身".into(),
        beneficiary: "妻".into(),
        premium: Yen::new(premium),
    });
    document
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
            "nencho_http_bench_declarations_100k",
        )
        .await;
        let context = support::context(store.clone());
        let (company, actor) = support::acme_with_company(&context).await;

        let count = employees();
        let started = Instant::now();
        let mut batch = Vec::with_capacity(5_000);
        for index in 0..count {
            // The ADMIN is employee 0, so the same actor also files a declaration of their own.
            let user = (index == 0).then_some(actor.user.id);
            batch.push(support::employee(&company, index, user));
            if batch.len() == 5_000 || index + 1 == count {
                store
                    .apply_employees(actor.tenant.id, company.id, &batch, &[])
                    .await
                    .unwrap();
                batch.clear();
            }
        }
        println!(
            "{store_name}: {count} employees in one company (inserted in {:.1} s)",
            started.elapsed().as_secs_f64()
        );

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

        let board = |status: Option<FilingStatus>, search: Option<&str>| DashboardRequest {
            status,
            search: search.map(str::to_owned),
            department: None,
            awaiting_originals: false,
            shared_claims: false,
            own_deadlines: false,
            checked: None,
            after: None,
        };
        let mut samples = Vec::new();
        for _ in 0..10 {
            let step = Instant::now();
            let shown = dashboard(&context, &actor, company.id, year, board(None, None))
                .await
                .unwrap();
            samples.push(step.elapsed());
            assert_eq!(shown.counts.of(FilingStatus::NotRequested), count as u64);
        }
        println!(
            "  dashboard before requests (counts + page 1)      {}",
            support::summary(samples)
        );

        let step = Instant::now();
        let requested = request_filings(&context, &actor, company.id, year, Recipients::Everyone)
            .await
            .unwrap();
        let took = step.elapsed();
        assert_eq!(requested.done, count as u64);
        println!(
            "  request everyone (filing + event per employee)  {:>8.1} s   {:>8.0} employees/s",
            took.as_secs_f64(),
            count as f64 / took.as_secs_f64()
        );

        for (label, status, search) in [
            ("dashboard (counts + page 1)", None, None),
            (
                "dashboard filtered 依頼中",
                Some(FilingStatus::Requested),
                None,
            ),
            (
                "dashboard filtered 承認済 (empty)",
                Some(FilingStatus::Approved),
                None,
            ),
            ("dashboard search 太郎9999", None, Some("太郎9999")),
        ] {
            let mut samples = Vec::new();
            for _ in 0..10 {
                let step = Instant::now();
                let shown = dashboard(&context, &actor, company.id, year, board(status, search))
                    .await
                    .unwrap();
                samples.push(step.elapsed());
                assert_eq!(shown.counts.total(), count as u64);
            }
            println!("  {label:<48} {}", support::summary(samples));
        }

        let mut version = store
            .find_filing_of(
                actor.tenant.id,
                {
                    let first = store
                        .find_employee_by_user(actor.tenant.id, actor.user.id)
                        .await
                        .unwrap()
                        .unwrap();
                    first.id
                },
                year,
            )
            .await
            .unwrap()
            .unwrap()
            .version;
        let mut samples = Vec::new();
        for round in 0..100 {
            let step = Instant::now();
            let saved =
                save_own_filing(&context, &actor, year, version, document(0, 80_000 + round))
                    .await
                    .unwrap();
            samples.push(step.elapsed());
            version = saved.version;
        }
        println!(
            "  save one step of the flow (load, check, diff, write) {}",
            support::summary(samples)
        );

        // Mid-season: a tenth of the company has handed in a declaration with a certificate.
        let handed_in = count / 10;
        let step = Instant::now();
        let mut query = FilingQuery {
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
            limit: 500,
        };
        let mut submitted = 0;
        while submitted < handed_in {
            let page = store.list_filings(actor.tenant.id, &query).await.unwrap();
            let writes: Vec<FilingWrite> = page
                .rows
                .iter()
                .filter_map(|row| {
                    let index: usize = row.employee.number.as_str()[1..].parse().unwrap();
                    row.filing.clone().map(|filing| (index, filing))
                })
                .filter(|(_, filing)| filing.status == FilingStatus::Requested)
                .take(handed_in - submitted)
                .map(|(index, mut filing)| {
                    let expected_version = filing.version;
                    filing.status = FilingStatus::Submitted;
                    filing.submitted_at = Some(SystemClock.now());
                    filing.document = document(child_of(index), 60_000);
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
            submitted += writes.len();
            store.write_filings(actor.tenant.id, &writes).await.unwrap();
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        println!(
            "  {submitted} declarations handed in with a certificate ({:.1} s)",
            step.elapsed().as_secs_f64()
        );
        // 提出状況のお知らせ: the waiting declarations of the whole contract by company and
        // department, with those new since an hour ago.
        let mut samples = Vec::new();
        for _ in 0..10 {
            let step = Instant::now();
            let waiting = store
                .awaiting_review(
                    actor.tenant.id,
                    year,
                    Some(SystemClock.now() - Days::hours(1)),
                    SystemClock.now(),
                )
                .await
                .unwrap();
            samples.push(step.elapsed());
            assert_eq!(
                waiting.iter().map(|group| group.new).sum::<u64>(),
                submitted as u64
            );
        }
        println!(
            "  {:<48} {}",
            "review digest counts (提出済 by company, department)",
            support::summary(samples)
        );
        let mut samples = Vec::new();
        let mut shared = 0;
        for _ in 0..10 {
            let step = Instant::now();
            let shown = dashboard(&context, &actor, company.id, year, board(None, None))
                .await
                .unwrap();
            samples.push(step.elapsed());
            shared = shown.shared_claims;
        }
        assert!(shared > 0);
        println!(
            "  {:<48} {}",
            "dashboard with declarations (counts + page 1)",
            support::summary(samples)
        );
        let only_shared = DashboardRequest {
            shared_claims: true,
            ..board(None, None)
        };
        let mut samples = Vec::new();
        let mut sharing = Vec::new();
        for _ in 0..10 {
            let step = Instant::now();
            let shown = dashboard(&context, &actor, company.id, year, only_shared.clone())
                .await
                .unwrap();
            samples.push(step.elapsed());
            sharing = shown.page.rows;
        }
        println!(
            "  {:<48} {}   ({shared} sharing a person)",
            "dashboard filtered 重複の疑い",
            support::summary(samples)
        );
        // 未確認: the 提出済 declarations without the 一次確認 (here, every one handed in).
        let unchecked = DashboardRequest {
            checked: Some(false),
            ..board(None, None)
        };
        let mut samples = Vec::new();
        let mut listed = 0;
        for _ in 0..10 {
            let step = Instant::now();
            let shown = dashboard(&context, &actor, company.id, year, unchecked.clone())
                .await
                .unwrap();
            samples.push(step.elapsed());
            listed = shown.page.rows.len();
        }
        assert!(listed > 0);
        println!(
            "  {:<48} {}",
            "dashboard filtered 未確認 (page 1)",
            support::summary(samples)
        );
        let mut samples = Vec::new();
        for row in sharing.iter().filter_map(|row| row.filing.as_ref()) {
            let step = Instant::now();
            let seen = nencho_app::filings::review::review(&context, &actor, row.id)
                .await
                .unwrap();
            samples.push(step.elapsed());
            assert!(!seen.claim_checks.is_empty());
        }
        println!(
            "  {:<48} {}",
            "review one declaration (with 重複扶養チェック)",
            support::summary(samples)
        );
        let mut samples = Vec::new();
        for row in sharing.iter() {
            let Some(filing) = row.filing.as_ref() else {
                continue;
            };
            let step = Instant::now();
            let checks =
                nencho_app::filings::claims::claim_checks(&context, &actor, filing, &row.employee)
                    .await
                    .unwrap();
            samples.push(step.elapsed());
            assert!(!checks.is_empty());
        }
        println!(
            "  {:<48} {}",
            "  of which the 重複扶養チェック",
            support::summary(samples)
        );

        let awaiting = DashboardRequest {
            awaiting_originals: true,
            shared_claims: false,
            own_deadlines: false,
            checked: None,
            ..board(None, None)
        };
        let mut samples = Vec::new();
        for _ in 0..10 {
            let step = Instant::now();
            let shown = dashboard(&context, &actor, company.id, year, awaiting.clone())
                .await
                .unwrap();
            samples.push(step.elapsed());
            assert_eq!(shown.awaiting_originals, submitted as u64);
            assert_eq!(shown.page.rows.len(), 50.min(submitted));
        }
        println!(
            "  {:<48} {}",
            "dashboard filtered 原本未着",
            support::summary(samples)
        );

        let awaited: Vec<_> = dashboard(&context, &actor, company.id, year, awaiting.clone())
            .await
            .unwrap()
            .page
            .rows
            .into_iter()
            .filter_map(|row| row.filing)
            .collect();
        let key = nencho_filings::expected_attachments(&document(0, 60_000))[0].original_key();
        let mut samples = Vec::new();
        for filing in &awaited {
            let step = Instant::now();
            record_original(&context, &actor, filing.id, &key, "paper")
                .await
                .unwrap();
            samples.push(step.elapsed());
        }
        println!(
            "  record one original received (check, write, recount) {}",
            support::summary(samples)
        );
        let shown = dashboard(&context, &actor, company.id, year, awaiting)
            .await
            .unwrap();
        assert_eq!(shown.awaiting_originals, (submitted - awaited.len()) as u64);

        // 年末調整の対象外: 500 numbers pasted at once (still 依頼中, from the end of the
        // company), then the dashboard filtered to them.
        let numbers: String = (count.saturating_sub(500)..count)
            .map(|index| format!("E{index:06}\n"))
            .collect();
        let step = Instant::now();
        let outcome = nencho_app::filings::exclusions::exclude_employees(
            &context,
            &actor,
            company.id,
            year,
            &nencho_app::filings::exclusions::ExclusionRequest {
                numbers,
                reason: nencho_filings::ExclusionReason::SecondaryEmployer,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        let took = step.elapsed();
        println!(
            "  {:<48} {:>8.0} ms   ({} excluded, {} mails)",
            "exclude 500 pasted numbers (one transaction)",
            took.as_secs_f64() * 1_000.0,
            outcome.excluded.len(),
            outcome.excluded.iter().filter(|one| one.mailed).count()
        );
        let mut samples = Vec::new();
        for _ in 0..10 {
            let step = Instant::now();
            let shown = dashboard(
                &context,
                &actor,
                company.id,
                year,
                board(Some(FilingStatus::Excluded), None),
            )
            .await
            .unwrap();
            samples.push(step.elapsed());
            assert_eq!(
                shown.counts.of(FilingStatus::Excluded),
                outcome.excluded.len() as u64
            );
        }
        println!(
            "  {:<48} {}",
            "dashboard filtered 対象外",
            support::summary(samples)
        );
        let mut samples = Vec::new();
        for _ in 0..10 {
            let step = Instant::now();
            let (_, departments) = nencho_app::filings::review::progress_by_department(
                &context, &actor, company.id, year,
            )
            .await
            .unwrap();
            samples.push(step.elapsed());
            let counted: u64 = departments.iter().map(|row| row.counts.total()).sum();
            assert_eq!(counted, count as u64);
        }
        println!(
            "  {:<48} {}",
            "部署別の進捗 (every department's counts)",
            support::summary(samples)
        );
    });
}
