//! The store contract: behaviour every store adapter must show, written once as async test cases
//! over `&dyn Store` and run by each adapter's own tests through [`store_contract_tests!`].
//!
//! Also provides [`postgres::TestDatabase`]: a fresh PostgreSQL database per test, cloned from a
//! migrated template, with the skip-or-fail rule for an unreachable server (fail when `CI=true`).
//!
//! A test-support crate: it may panic (that is how a test fails).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod cases;
pub mod postgres;

use std::any::Any;
use std::sync::Arc;

use nencho_ports::Store;

/// A store under test, with whatever keeps its backing storage alive (a temp dir, a database).
pub struct StoreFixture {
    pub store: Arc<dyn Store>,
    pub keep_alive: Box<dyn Any + Send>,
}

/// Expands to one `#[tokio::test]` per contract case. `$open` is an `async fn() ->
/// Option<StoreFixture>` (None = skipped, e.g. no PostgreSQL outside CI).
#[macro_export]
macro_rules! store_contract_tests {
    ($open:path) => {
        $crate::store_contract_tests!(@each $open;
            ping_answers,
            migrations_are_idempotent_and_listed,
            tenants_round_trip,
            a_contract_moves_to_ending_and_ended,
            notice_of_the_end_is_saved_with_its_mails_and_withdrawn,
            contracts_due_to_end_or_purge_are_listed_by_last_day,
            purging_a_tenant_deletes_every_row_of_it_in_every_table_and_nothing_else,
            tenant_slugs_are_unique,
            unknown_tenants_are_absent,
            companies_round_trip_in_name_order,
            companies_never_cross_tenants,
            company_of_another_tenant_is_refused,
            a_tenant_opens_with_its_admin_atomically,
            login_ids_are_unique_within_a_tenant_only,
            a_password_change_ends_every_other_session,
            disabling_an_id_ends_its_sessions_and_enabling_restores_it,
            tenant_roles_are_set_within_their_tenant_only,
            sessions_are_found_touched_and_deleted_within_their_tenant,
            a_reset_token_is_redeemed_once_and_ends_every_session,
            an_email_confirmation_sets_the_address,
            the_login_history_lists_newest_first_and_counts_failures_since_the_last_success,
            the_outbox_hands_out_due_mail_once_until_it_is_sent_or_given_up,
            mail_of_one_tenant_is_invisible_to_another,
            operator_actions_are_recorded_newest_first,
            maintenance_notices_are_listed_until_they_end_unless_cancelled,
            notices_and_outages_overlapping_a_period_are_found_by_instant,
            the_purge_removes_what_is_past_its_retention_in_every_tenant_and_nothing_else,
            company_settings_are_kept_and_updated,
            employees_round_trip_with_every_field,
            employee_numbers_are_unique_within_a_company_only,
            employees_are_updated,
            employees_are_searched_by_name_kana_and_number_prefix,
            like_wildcards_in_the_search_are_literal,
            the_employee_list_pages_by_number_without_overlap,
            applying_employees_is_all_or_nothing,
            two_thousand_employees_are_applied_at_once,
            employees_never_cross_tenants,
            roles_are_assigned_replaced_and_revoked,
            an_import_writes_employees_ids_invitations_and_mails_together,
            an_import_with_a_taken_login_id_writes_nothing,
            an_import_of_another_tenant_or_company_is_refused,
            an_invitation_sets_the_first_password_once,
            import_chunks_dropped_without_commit_leave_nothing,
            import_chunks_committed_are_all_there_and_invisible_before,
            an_imports_audit_line_stands_or_falls_with_the_import,
            a_conflict_in_the_second_import_chunk_leaves_nothing_of_the_first,
            filing_periods_are_put_replaced_and_listed_newest_first,
            company_guidance_is_kept_with_the_opened_year,
            a_filing_round_trips_with_its_whole_declaration_history_and_mail,
            the_history_lists_events_and_changes_oldest_first,
            staff_memos_are_kept_oldest_first_on_the_tenant_s_own_declarations,
            a_filing_is_inserted_once_per_employee_and_year,
            a_stale_version_refuses_the_whole_batch,
            filings_and_periods_never_cross_tenants,
            status_counts_cover_the_current_employees_of_the_company_and_year,
            counts_by_department_add_up_to_the_company_s,
            filing_rows_are_found_by_number_in_one_go,
            an_excluded_declaration_is_kept_counted_and_listed_as_excluded,
            the_progress_list_filters_and_pages_by_employee_number,
            checked_declarations_are_listed_and_counted_with_their_mark,
            the_ip_allow_list_is_replaced_whole_and_kept_per_tenant,
            access_records_are_stored_in_batches_and_read_back_whole,
            the_access_log_pages_in_time_order_by_cursor_without_overlap,
            access_records_never_cross_tenants,
            the_purge_removes_access_records_older_than_ninety_days_in_every_tenant,
            a_reminder_day_is_claimed_once_with_its_mails_per_company_and_tenant,
            declarations_with_an_own_deadline_are_listed_counted_and_reminded_once_each,
            next_year_claims_meet_only_next_year_claims,
            declarations_awaiting_review_are_counted_by_company_and_department_with_the_new_ones,
            a_review_digest_day_is_claimed_once_with_its_mails_per_tenant,
            the_review_digest_is_turned_off_and_on_per_user,
            attachments_round_trip_with_their_content_oldest_first,
            an_attachment_needs_a_declaration_of_the_tenant,
            attachments_never_cross_tenants,
            the_attachments_of_a_tenant_page_in_id_order,
            slip_consent_is_given_withdrawn_and_given_again_per_company,
            a_paper_consent_keeps_its_method_and_recorder_until_replaced,
            issued_slips_round_trip_whole_with_their_mails_and_are_replaced,
            issued_slips_page_in_employee_and_year_order,
            issued_slips_and_consents_never_cross_tenants,
            issuing_slips_is_all_or_nothing,
            receipts_are_recorded_replaced_and_withdrawn_with_their_history,
            every_certificate_received_leaves_nothing_awaited,
            a_document_write_recounts_with_the_receipts_on_record,
            only_handed_in_declarations_of_current_employees_are_awaited,
            receipts_page_in_declaration_and_key_order,
            receipts_never_cross_tenants,
            a_second_factor_is_enabled_with_its_codes_and_ends_the_other_sessions,
            a_code_step_is_claimed_once_and_only_forwards,
            a_recovery_code_works_once_and_new_codes_replace_all,
            disabling_a_second_factor_removes_it_and_its_codes_and_ends_sessions,
            second_factors_and_the_staff_rule_never_cross_tenants,
            a_key_in_clear_is_resealed_only_if_still_as_read,
            the_sealing_key_is_recorded_once_another_is_named_and_a_rotation_replaces_it,
            a_pending_session_is_completed_once_under_a_new_token,
            a_right_password_waiting_for_its_code_neither_locks_nor_unlocks,
            the_audit_log_pages_newest_first_and_never_crosses_tenants,
            other_sessions_end_and_the_current_one_stays,
            a_change_request_replaces_the_pending_one_and_is_applied_once,
            change_requests_never_cross_tenants,
            a_person_claimed_twice_is_found_counted_and_listed,
            a_rewritten_declaration_replaces_its_claims,
            employees_are_found_by_birth_date_in_their_company,
            claims_never_cross_tenants,
            an_excluded_declaration_claims_no_one_until_it_is_included_back,
        );
    };
    (@each $open:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some(fixture) = $open().await else { return };
                $crate::cases::$case(fixture.store.as_ref()).await;
                drop(fixture);
            }
        )*
    };
}
