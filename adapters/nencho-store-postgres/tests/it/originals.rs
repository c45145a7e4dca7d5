//! What the contract cannot reach through the port: declarations stored before the count of
//! awaited certificates existed are counted when the store connects.

use nencho_store_postgres::{PgStore, PgStoreOptions};
use sqlx::{Connection, PgConnection};

use crate::fresh_database;

#[tokio::test]
async fn declarations_without_a_count_are_counted_on_connect() {
    let Some((database, store)) = fresh_database("originals_recount").await else {
        return;
    };
    nencho_store_contract::cases::every_certificate_received_leaves_nothing_awaited(&store).await;
    // As the owner: the state of a database migrated from before the count.
    let mut owner = PgConnection::connect(&database.url).await.unwrap();
    for before in [
        "UPDATE filings SET originals_pending = NULL",
        "DELETE FROM nencho_data_fixes",
    ] {
        sqlx::query(before).execute(&mut owner).await.unwrap();
    }
    store.close().await;
    let reconnected = PgStore::connect(&PgStoreOptions::from_url(&database.url).unwrap())
        .await
        .unwrap();
    nencho_store_contract::cases::the_counts_of_every_certificate_received_are_back(&reconnected)
        .await;
}

#[tokio::test]
async fn declarations_written_before_the_claims_index_are_indexed_on_connect() {
    let Some((database, store)) = fresh_database("claims_index").await else {
        return;
    };
    nencho_store_contract::cases::store_a_shared_child(&store).await;
    // As the owner: the state of a database migrated from before the index.
    let mut owner = PgConnection::connect(&database.url).await.unwrap();
    for before in [
        "DELETE FROM filing_claims",
        "UPDATE filings SET claims_indexed = false",
        "DELETE FROM nencho_data_fixes",
    ] {
        sqlx::query(before).execute(&mut owner).await.unwrap();
    }
    store.close().await;
    let reconnected = PgStore::connect(&PgStoreOptions::from_url(&database.url).unwrap())
        .await
        .unwrap();
    nencho_store_contract::cases::the_shared_child_is_found_again(&reconnected).await;
}

/// Migration 0030: claims indexed before the 翌年分 had its own (the fix of 0024 done) are
/// indexed again when the store connects.
#[tokio::test]
async fn declarations_indexed_before_next_year_claims_are_indexed_again_on_connect() {
    let Some((database, store)) = fresh_database("next_year_claims").await else {
        return;
    };
    nencho_store_contract::cases::store_next_year_children(&store).await;
    // As the owner: the state of a database indexed before 0030.
    let mut owner = PgConnection::connect(&database.url).await.unwrap();
    for before in [
        "DELETE FROM filing_claims WHERE person_key LIKE '翌:%'",
        "UPDATE filings SET shares_claims = false",
        "DELETE FROM nencho_data_fixes WHERE name LIKE '0030%'",
    ] {
        sqlx::query(before).execute(&mut owner).await.unwrap();
    }
    store.close().await;
    let reconnected = PgStore::connect(&PgStoreOptions::from_url(&database.url).unwrap())
        .await
        .unwrap();
    nencho_store_contract::cases::the_next_year_child_is_found_again(&reconnected).await;
}
