//! The contract's end (SVC-2, SVC-3, SVC-8): the operator gives notice (or withdraws it), the
//! worker ends contracts after their last day and purges them [`PURGE_DAYS_AFTER_END`] days
//! later. The rules are in [`nencho_tenancy::contract_end`].
//!
//! The notice mails go to the contract's contact and to every active user of the tenant with an
//! e-mail address, queued in the same transaction as the status change
//! ([`nencho_ports::TenantStore::save_contract_end`]): there is no notice without its mails, and
//! no mail about a notice that was not stored.

use std::collections::BTreeSet;
use std::sync::Arc;

use nencho_identity::UserStatus;
use nencho_kernel::{Clock, Date, EmailAddress, format_wareki};
use nencho_ports::{OutboxMessage, StoreError, TableRows, TenantStore};
use nencho_tenancy::contract_end::{
    PURGE_DAYS_AFTER_END, last_day_of_ended_contracts, last_day_of_purgeable_contracts,
};
use nencho_tenancy::{ContractEndError, ContractStatus, Slug, Tenant};

use crate::{AppContext, AppError};

/// `2027年2月28日(令和9年2月28日)`: the way the notices and the banner write the last day.
pub fn format_end_date(date: Date) -> String {
    let western = format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    match format_wareki(date) {
        Some(wareki) => format!("{western}({wareki})"),
        None => western,
    }
}

/// What the operator is shown after giving notice.
#[derive(Debug, Clone)]
pub struct NoticeGiven {
    pub tenant: Tenant,
    /// The JST date from which the data is purged.
    pub purge_on: Date,
    /// How many notice mails were queued.
    pub mails: usize,
}

async fn find_by_slug(context: &AppContext, slug: &str) -> Result<Tenant, AppError> {
    let slug = Slug::parse(slug).map_err(|error| AppError::Invalid {
        field: "slug",
        message: error.to_string(),
    })?;
    context
        .store
        .find_tenant_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)
}

fn refused(error: ContractEndError) -> AppError {
    match error {
        ContractEndError::TooSoon { .. } => AppError::Invalid {
            field: "end_date",
            message: error.to_string(),
        },
        other => AppError::Refused(other.to_string()),
    }
}

/// The contract's contact and every active user with an e-mail address, each address once.
async fn recipients(context: &AppContext, tenant: &Tenant) -> Result<Vec<EmailAddress>, AppError> {
    let mut seen = BTreeSet::new();
    let mut addresses = Vec::new();
    let users = context.store.list_users(tenant.id).await?;
    let candidates = std::iter::once(tenant.contact_email.clone()).chain(
        users
            .into_iter()
            .filter(|user| user.status == UserStatus::Active)
            .filter_map(|user| user.email),
    );
    for address in candidates {
        if seen.insert(address.as_str().to_lowercase()) {
            addresses.push(address);
        }
    }
    Ok(addresses)
}

fn notice_mail(
    context: &AppContext,
    tenant: &Tenant,
    ends_on: Date,
    to: EmailAddress,
) -> OutboxMessage {
    let purge_on = nencho_tenancy::contract_end::purge_date(ends_on);
    let body = format!(
        "{tenant} 年末調整電子申請サイトをご利用の皆様\n\n\
         本サービスのご契約は {end} に終了します(この日が最終利用日です)。\n\
         終了後はログイン・データのエクスポートができません。\n\
         必要なデータは終了日までに、管理者画面からエクスポートしてください。\n\n\
         終了後、ご登録のデータはすべて削除され、復元できません\n\
         (終了日の{days}日後の {purge} に削除し、バックアップからも終了後65日以内に消去します)。\n\n\
         サイト: {site}\n\n\
         ----\n\
         The service contract of this site ends on {ends_on} (the last day of use). After that \
         nobody can sign in or export data: please export what you need by then. All registered \
         data is then deleted for good (on {purge_on}, and from the backups within 65 days of the \
         end).\n",
        tenant = tenant.name.as_str(),
        end = format_end_date(ends_on),
        days = PURGE_DAYS_AFTER_END,
        purge = format_end_date(purge_on),
        site = context.site.site_url(&tenant.slug),
    );
    OutboxMessage::new(
        tenant.id,
        to,
        "【重要】サービスご契約終了のお知らせ / The service contract ends".into(),
        body,
        context.clock.as_ref(),
    )
}

fn withdrawal_mail(
    context: &AppContext,
    tenant: &Tenant,
    was: Date,
    to: EmailAddress,
) -> OutboxMessage {
    let body = format!(
        "{tenant} 年末調整電子申請サイトをご利用の皆様\n\n\
         先にお知らせした {end} のご契約終了は取り消されました。\n\
         サービスは引き続きご利用いただけます。\n\n\
         サイト: {site}\n\n\
         ----\n\
         The end of the service contract on {was} announced earlier is withdrawn: the service \
         goes on as before.\n",
        tenant = tenant.name.as_str(),
        end = format_end_date(was),
        site = context.site.site_url(&tenant.slug),
    );
    OutboxMessage::new(
        tenant.id,
        to,
        "サービスご契約終了の取り消し / The end of the contract is withdrawn".into(),
        body,
        context.clock.as_ref(),
    )
}

/// `nencho-ops tenant terminate` (SVC-2): the contract's last day is `ends_on`, at least three
/// months away; its users are told by e-mail now and on every page until then.
pub async fn give_notice(
    context: &AppContext,
    slug: &str,
    ends_on: Date,
) -> Result<NoticeGiven, AppError> {
    let mut tenant = find_by_slug(context, slug).await?;
    tenant
        .give_notice(ends_on, context.clock.now())
        .map_err(refused)?;
    let mails: Vec<OutboxMessage> = recipients(context, &tenant)
        .await?
        .into_iter()
        .map(|to| notice_mail(context, &tenant, ends_on, to))
        .collect();
    context.store.save_contract_end(&tenant, &mails).await?;
    Ok(NoticeGiven {
        purge_on: nencho_tenancy::contract_end::purge_date(ends_on),
        mails: mails.len(),
        tenant,
    })
}

/// `nencho-ops tenant cancel-termination`: the notice is withdrawn (until the contract has
/// ended) and the users who were told are told again.
pub async fn cancel_notice(context: &AppContext, slug: &str) -> Result<Tenant, AppError> {
    let mut tenant = find_by_slug(context, slug).await?;
    let was = tenant.ends_on;
    tenant.cancel_notice().map_err(refused)?;
    let mails: Vec<OutboxMessage> = match was {
        Some(was) => recipients(context, &tenant)
            .await?
            .into_iter()
            .map(|to| withdrawal_mail(context, &tenant, was, to))
            .collect(),
        None => Vec::new(),
    };
    context.store.save_contract_end(&tenant, &mails).await?;
    Ok(tenant)
}

/// What one run of the worker's contract jobs did.
#[derive(Debug, Default)]
pub struct ContractJobReport {
    /// Contracts ended (their last day is over).
    pub ended: Vec<Slug>,
    /// Contracts purged, with the rows deleted per table.
    pub purged: Vec<(Slug, Vec<TableRows>)>,
    /// Contracts a step failed for (retried on the next run).
    pub failed: Vec<(Slug, StoreError)>,
}

/// The worker's hourly contract jobs: end the contracts whose last day is over (SVC-3), then
/// purge those [`PURGE_DAYS_AFTER_END`] days past it (SVC-8). Safe to repeat and to run in
/// several workers (each step is idempotent).
pub struct ContractEndJobs {
    pub store: Arc<dyn TenantStore>,
    pub clock: Arc<dyn Clock>,
}

impl ContractEndJobs {
    /// Both jobs: purges first, then ends (a contract ended in this run is purged in a later one).
    pub async fn execute(&self) -> Result<ContractJobReport, StoreError> {
        let mut report = ContractJobReport::default();
        self.purge_due_contracts(&mut report).await?;
        self.end_due_contracts(&mut report).await?;
        Ok(report)
    }

    /// Ending → ended, for every contract whose last day is over.
    pub async fn end_due_contracts(
        &self,
        report: &mut ContractJobReport,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let due = self
            .store
            .list_contracts_ending_by(ContractStatus::Ending, last_day_of_ended_contracts(now))
            .await?;
        for tenant in due.into_iter().filter(|tenant| tenant.is_due_to_end(now)) {
            match self
                .store
                .set_tenant_status(tenant.id, ContractStatus::Ended)
                .await
            {
                Ok(()) => report.ended.push(tenant.slug),
                Err(error) => report.failed.push((tenant.slug, error)),
            }
        }
        Ok(())
    }

    /// Ended → purged, for every contract on or past its purge date.
    pub async fn purge_due_contracts(
        &self,
        report: &mut ContractJobReport,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let due = self
            .store
            .list_contracts_ending_by(ContractStatus::Ended, last_day_of_purgeable_contracts(now))
            .await?;
        for tenant in due
            .into_iter()
            .filter(|tenant| tenant.is_due_for_purge(now))
        {
            match self.store.purge_tenant(tenant.id, now).await {
                Ok(rows) => report.purged.push((tenant.slug, rows)),
                Err(error) => report.failed.push((tenant.slug, error)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nencho_crypto::{OsRandom, Pbkdf2Hasher};
    use nencho_identity::{LoginThrottlePolicy, PasswordHashPolicy, PasswordPolicy, SessionPolicy};
    use nencho_kernel::FixedClock;
    use nencho_ports::MockTenantStore;
    use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
    use nencho_tenancy::SiteAddress;
    use time::macros::{date, datetime};

    use crate::tenancy::{OpenTenantRequest, open_tenant};

    struct World {
        context: AppContext,
        clock: Arc<FixedClock>,
        _directory: tempfile::TempDir,
    }

    async fn world() -> World {
        let directory = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
            directory.path(),
        )))
        .await
        .unwrap();
        // 2026-11-30 in Japan.
        let clock = Arc::new(FixedClock::at(datetime!(2026-11-29 16:00 UTC)));
        let fast = PasswordHashPolicy {
            iterations: 1_000,
            ..PasswordHashPolicy::CURRENT
        };
        let context = AppContext {
            store: Arc::new(store),
            hasher: Arc::new(Pbkdf2Hasher::new(fast, 2, Arc::new(OsRandom))),
            random: Arc::new(OsRandom),
            clock: clock.clone(),
            site: SiteAddress {
                scheme: "http".into(),
                base_domain: "localhost".into(),
                port: Some(8080),
            },
            password_policy: PasswordPolicy::default(),
            session_policy: SessionPolicy::default(),
            throttle: LoginThrottlePolicy::default(),
            sealer: Arc::new(nencho_crypto::AesGcmSealer::from_deployment_secret(
                &[7; 32],
            )),
        };
        World {
            context,
            clock,
            _directory: directory,
        }
    }

    async fn acme(world: &World) -> Tenant {
        open_tenant(
            &world.context,
            OpenTenantRequest {
                slug: "acme",
                name: "株式会社アクメ",
                contact_email: "hr@acme.example",
                admin_email: Some("admin@acme.example"),
            },
        )
        .await
        .unwrap()
        .tenant
    }

    #[test]
    fn end_dates_are_written_in_both_calendars() {
        assert_eq!(
            format_end_date(date!(2027 - 02 - 28)),
            "2027年2月28日(令和9年2月28日)"
        );
    }

    #[tokio::test]
    async fn notice_needs_three_months_and_mails_the_contact_and_every_active_user() {
        let world = world().await;
        let acme = acme(&world).await;
        let refused = give_notice(&world.context, "acme", date!(2027 - 02 - 27))
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, AppError::Invalid { field: "end_date", message } if message.contains("2027-02-28")),
            "{refused:?}"
        );
        assert!(
            world
                .context
                .store
                .list_mail(acme.id, 10)
                .await
                .unwrap()
                .is_empty()
        );

        let given = give_notice(&world.context, "acme", date!(2027 - 02 - 28))
            .await
            .unwrap();
        assert_eq!(given.tenant.status, ContractStatus::Ending);
        assert_eq!(given.purge_on, date!(2027 - 03 - 30));
        assert_eq!(given.mails, 2, "the contact and the ADMIN");
        let stored = world
            .context
            .store
            .find_tenant(acme.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.ends_on, Some(date!(2027 - 02 - 28)));
        let mails = world.context.store.list_mail(acme.id, 10).await.unwrap();
        let mut to: Vec<&str> = mails.iter().map(|mail| mail.to.as_str()).collect();
        to.sort_unstable();
        assert_eq!(to, ["admin@acme.example", "hr@acme.example"]);
        assert!(mails[0].subject.contains("ご契約終了のお知らせ"));
        assert!(
            mails[0]
                .body
                .contains("本サービスのご契約は 2027年2月28日(令和9年2月28日) に終了します"),
            "{}",
            mails[0].body
        );
        assert!(mails[0].body.contains("http://acme.localhost:8080"));

        assert!(matches!(
            give_notice(&world.context, "acme", date!(2027 - 06 - 30)).await,
            Err(AppError::Refused(_))
        ));
        assert!(matches!(
            give_notice(&world.context, "nobody", date!(2027 - 06 - 30)).await,
            Err(AppError::NotFound)
        ));
    }

    #[tokio::test]
    async fn a_withdrawn_notice_makes_the_contract_active_again_and_says_so() {
        let world = world().await;
        let acme = acme(&world).await;
        assert!(matches!(
            cancel_notice(&world.context, "acme").await,
            Err(AppError::Refused(_))
        ));
        give_notice(&world.context, "acme", date!(2027 - 03 - 31))
            .await
            .unwrap();
        let tenant = cancel_notice(&world.context, "acme").await.unwrap();
        assert_eq!(tenant.status, ContractStatus::Active);
        assert_eq!(tenant.ends_on, None);
        let stored = world
            .context
            .store
            .find_tenant(acme.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.status, stored.ends_on),
            (ContractStatus::Active, None)
        );
        let mails = world.context.store.list_mail(acme.id, 10).await.unwrap();
        assert_eq!(mails.len(), 4, "two notices, two withdrawals");
        assert!(mails.iter().any(|mail| mail.subject.contains("取り消し")));
    }

    #[tokio::test]
    async fn the_jobs_end_a_contract_after_its_last_day_and_purge_it_thirty_days_later() {
        let world = world().await;
        let acme = acme(&world).await;
        give_notice(&world.context, "acme", date!(2027 - 02 - 28))
            .await
            .unwrap();
        let jobs = ContractEndJobs {
            store: world.context.store.clone(),
            clock: world.clock.clone(),
        };
        let status = || async {
            world
                .context
                .store
                .find_tenant(acme.id)
                .await
                .unwrap()
                .unwrap()
                .status
        };
        // The last day, 23:59 JST.
        world
            .clock
            .advance(datetime!(2027-02-28 14:59 UTC) - world.clock.now());
        let report = jobs.execute().await.unwrap();
        assert!(report.ended.is_empty() && report.purged.is_empty());
        assert_eq!(status().await, ContractStatus::Ending);
        // 03-01 00:00 JST: ended, not yet purged.
        world.clock.advance(time::Duration::minutes(1));
        let report = jobs.execute().await.unwrap();
        assert_eq!(report.ended.len(), 1);
        assert!(report.purged.is_empty());
        assert_eq!(status().await, ContractStatus::Ended);
        // 03-29 23:59 JST: still kept; 03-30 00:00 JST: purged.
        world
            .clock
            .advance(datetime!(2027-03-29 14:59 UTC) - world.clock.now());
        assert!(jobs.execute().await.unwrap().purged.is_empty());
        world.clock.advance(time::Duration::minutes(1));
        let report = jobs.execute().await.unwrap();
        assert_eq!(report.purged.len(), 1, "{report:?}");
        assert!(report.failed.is_empty());
        assert_eq!(status().await, ContractStatus::Purged);
        let left = world
            .context
            .store
            .count_tenant_rows(acme.id)
            .await
            .unwrap();
        assert!(left.iter().all(|count| count.rows == 0), "{left:?}");
        // Again: nothing more to do.
        let report = jobs.execute().await.unwrap();
        assert!(report.ended.is_empty() && report.purged.is_empty());
    }

    #[tokio::test]
    async fn a_failed_purge_is_reported_and_the_others_go_on() {
        let clock = Arc::new(FixedClock::at(datetime!(2027-06-01 00:00 UTC)));
        let tenant = |slug: &str| {
            let mut tenant = Tenant::open(
                Slug::parse(slug).unwrap(),
                nencho_tenancy::TenantName::parse("契約").unwrap(),
                EmailAddress::parse("hr@example.com").unwrap(),
                clock.as_ref(),
            );
            tenant.status = ContractStatus::Ended;
            tenant.ends_on = Some(date!(2027 - 02 - 28));
            tenant
        };
        let (first, second) = (tenant("first"), tenant("second"));
        let failing = first.id;
        let mut store = MockTenantStore::new();
        let listed = vec![first, second];
        store
            .expect_list_contracts_ending_by()
            .returning(move |status, on_or_before| {
                Ok(if status == ContractStatus::Ended {
                    assert_eq!(
                        on_or_before,
                        date!(2027 - 05 - 02),
                        "06-01 JST less 30 days"
                    );
                    listed.clone()
                } else {
                    Vec::new()
                })
            });
        store
            .expect_purge_tenant()
            .times(2)
            .returning(move |id, _| {
                if id == failing {
                    Err(StoreError::Unavailable("down".into()))
                } else {
                    Ok(Vec::new())
                }
            });
        let jobs = ContractEndJobs {
            store: Arc::new(store),
            clock,
        };
        let report = jobs.execute().await.unwrap();
        assert_eq!(report.purged.len(), 1);
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].0.as_str(), "first");
    }
}
