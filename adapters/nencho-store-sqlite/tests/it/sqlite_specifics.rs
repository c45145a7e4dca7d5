use nencho_ports::{StoreHealth, StoreMaintenance};
use nencho_store_sqlite::{SqliteStore, SqliteStoreOptions};
use sqlx::Row;

#[tokio::test]
async fn opens_a_wal_file_with_foreign_keys_on() {
    let directory = tempfile::tempdir().unwrap();
    let path = SqliteStore::default_path(directory.path());
    let store = SqliteStore::open(&SqliteStoreOptions::at(&path))
        .await
        .unwrap();
    assert!(
        path.exists(),
        "the database is a file under the data directory"
    );

    let journal: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(journal, "wal");
    let foreign_keys: i64 = sqlx::query("PRAGMA foreign_keys")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(foreign_keys, 1);
}

#[tokio::test]
async fn a_second_process_can_migrate_while_the_first_serves() {
    let directory = tempfile::tempdir().unwrap();
    let options = SqliteStoreOptions::at(SqliteStore::default_path(directory.path()));
    let serving = SqliteStore::open(&options).await.unwrap();
    let operator = SqliteStore::open(&options).await.unwrap();
    let applied = operator.apply_migrations().await.unwrap();
    assert!(!applied.is_empty());
    serving.ping().await.unwrap();
}

#[tokio::test]
async fn a_closed_store_does_not_answer() {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    store.close().await;
    assert!(store.ping().await.is_err());
}

#[tokio::test]
async fn a_stored_attachment_of_an_unknown_kind_or_format_is_corrupt() {
    use nencho_ports::{AttachmentStore, StoreError, TenantStore};

    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    nencho_store_contract::cases::attachments_never_cross_tenants(&store).await;
    let acme = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|tenant| tenant.slug.as_str() == "acme")
        .unwrap();
    let stored = store.attachments_after(acme.id, None, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    for corruption in [
        "UPDATE filing_attachments SET kind = 'passport'",
        "UPDATE filing_attachments SET kind = 'social_insurance', format = 'gif'",
    ] {
        sqlx::query(corruption).execute(store.pool()).await.unwrap();
        let listed = store.list_attachments(acme.id, stored[0].filing_id).await;
        assert!(matches!(listed, Err(StoreError::Corrupt(_))), "{listed:?}");
        let read = store.attachment_content(acme.id, stored[0].id).await;
        assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
        let paged = store.attachments_after(acme.id, None, 10).await;
        assert!(matches!(paged, Err(StoreError::Corrupt(_))), "{paged:?}");
    }
}

#[tokio::test]
async fn a_stored_slip_whose_content_is_not_a_slip_is_corrupt() {
    use nencho_ports::{SlipStore, StoreError, TenantStore};

    let directory = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&SqliteStoreOptions::at(SqliteStore::default_path(
        directory.path(),
    )))
    .await
    .unwrap();
    nencho_store_contract::cases::issued_slips_and_consents_never_cross_tenants(&store).await;
    let acme = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|tenant| tenant.slug.as_str() == "acme")
        .unwrap();
    let stored = store.issued_slips_after(acme.id, None, 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    let slip = &stored[0];
    // Valid content, but the slip of another year than its row's; then no slip at all.
    sqlx::query("UPDATE withholding_slips SET tax_year = tax_year - 1")
        .execute(store.pool())
        .await
        .unwrap();
    let year = nencho_kernel::TaxYear::new(slip.tax_year.year() - 1).unwrap();
    for corruption in [
        None,
        Some("UPDATE withholding_slips SET content = '{}'"),
        Some("UPDATE withholding_slips SET content = 'not json'"),
    ] {
        if let Some(corruption) = corruption {
            sqlx::query(corruption).execute(store.pool()).await.unwrap();
        }
        let read = store
            .find_issued_slip(acme.id, slip.employee_id, year)
            .await;
        assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
        let paged = store.issued_slips_after(acme.id, None, 10).await;
        assert!(matches!(paged, Err(StoreError::Corrupt(_))), "{paged:?}");
    }
}

#[tokio::test]
async fn declarations_without_a_count_of_awaited_certificates_are_counted_on_open() {
    let directory = tempfile::tempdir().unwrap();
    let options = SqliteStoreOptions::at(SqliteStore::default_path(directory.path()));
    let store = SqliteStore::open(&options).await.unwrap();
    nencho_store_contract::cases::every_certificate_received_leaves_nothing_awaited(&store).await;
    // The state of a database migrated from before the count.
    sqlx::query("UPDATE filings SET originals_pending = NULL")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let reopened = SqliteStore::open(&options).await.unwrap();
    nencho_store_contract::cases::the_counts_of_every_certificate_received_are_back(&reopened)
        .await;
}

#[tokio::test]
async fn declarations_written_before_the_claims_index_are_indexed_on_open() {
    let directory = tempfile::tempdir().unwrap();
    let options = SqliteStoreOptions::at(SqliteStore::default_path(directory.path()));
    let store = SqliteStore::open(&options).await.unwrap();
    nencho_store_contract::cases::store_a_shared_child(&store).await;
    // The state of a database migrated from before the index.
    for before in [
        "DELETE FROM filing_claims",
        "UPDATE filings SET claims_indexed = 0",
    ] {
        sqlx::query(before).execute(store.pool()).await.unwrap();
    }
    store.close().await;
    let reopened = SqliteStore::open(&options).await.unwrap();
    nencho_store_contract::cases::the_shared_child_is_found_again(&reopened).await;
}

/// Migration 0030: the claims indexed before the 翌年分 had its own are indexed again on open.
#[tokio::test]
async fn declarations_indexed_before_next_year_claims_are_indexed_again_on_open() {
    let directory = tempfile::tempdir().unwrap();
    let options = SqliteStoreOptions::at(SqliteStore::default_path(directory.path()));
    let store = SqliteStore::open(&options).await.unwrap();
    nencho_store_contract::cases::store_next_year_children(&store).await;
    // The state of a database indexed before 0030, as that migration leaves it.
    for before in [
        "DELETE FROM filing_claims WHERE person_key LIKE '翌:%'",
        "UPDATE filings SET shares_claims = 0",
        "UPDATE filings SET claims_indexed = 0",
    ] {
        sqlx::query(before).execute(store.pool()).await.unwrap();
    }
    store.close().await;
    let reopened = SqliteStore::open(&options).await.unwrap();
    nencho_store_contract::cases::the_next_year_child_is_found_again(&reopened).await;
}
