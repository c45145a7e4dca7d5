//! The declaration pages (YEA-1…5): the employee's guided flow and proxy entry with the script
//! that shows the deductions live, the staff's dashboard, periods and review, and the payroll
//! export.

mod attachments;
mod bulk_periods;
mod claim_checks;
mod consents;
mod departments;
mod exclusions;
mod flow;
mod form;
mod originals;
mod overview;
mod own_slips;
mod payroll;
mod periods;
mod print;
mod review;
mod settlement;
mod slips;
mod staff;
mod views;
mod words;

use poem::{Route, get, post};

/// The tax year of a URL's `{year}`; `None` (answered as not found) when it is not one.
fn year_of(text: &str) -> Option<nencho_kernel::TaxYear> {
    text.parse::<i32>()
        .ok()
        .and_then(|year| nencho_app::filings::parse_tax_year(year).ok())
}

/// The first value of `name` in a form read as pairs (one whose other fields repeat); empty when
/// absent.
fn form_field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(field, _)| field == name)
        .map(|(_, value)| value.as_str())
        .unwrap_or_default()
}

/// The companies a form ticks (`company`, repeated), or `None` when one is not a company id.
fn ticked_companies(fields: &[(String, String)]) -> Option<Vec<nencho_kernel::CompanyId>> {
    fields
        .iter()
        .filter(|(name, _)| name == "company")
        .map(|(_, value)| value.parse().ok())
        .collect()
}

/// Adds the declaration routes to a tenant site's routes.
pub fn routes(route: Route) -> Route {
    route
        .at("/filings", get(flow::current_year))
        .at("/filings/:year", get(flow::own_overview))
        .at(
            "/filings/:year/step/:step",
            get(flow::own_step).post(flow::own_save_step),
        )
        .at("/filings/:year/preview/:step", post(flow::own_preview))
        .at("/filings/:year/review", get(flow::own_review))
        .at("/filings/:year/print.pdf", get(print::own_pdf))
        .at("/filings/:year/submit", post(flow::own_submit))
        .at("/filings/:year/withdraw", post(flow::own_withdraw))
        .at("/filings/:year/attachments", post(attachments::own_upload))
        .at(
            "/filings/:year/attachments/:id",
            get(attachments::own_download),
        )
        .at(
            "/filings/:year/attachments/:id/delete",
            post(attachments::own_delete),
        )
        .at(
            "/admin/employees/:employee/filings/:year",
            get(flow::proxy_overview),
        )
        .at(
            "/admin/employees/:employee/filings/:year/step/:step",
            get(flow::proxy_step).post(flow::proxy_save_step),
        )
        .at(
            "/admin/employees/:employee/filings/:year/preview/:step",
            post(flow::proxy_preview),
        )
        .at(
            "/admin/employees/:employee/filings/:year/review",
            get(flow::proxy_review),
        )
        .at(
            "/admin/employees/:employee/filings/:year/submit",
            post(flow::proxy_submit_handler),
        )
        .at(
            "/admin/employees/:employee/filings/:year/attachments",
            post(attachments::proxy_upload),
        )
        .at(
            "/admin/employees/:employee/filings/:year/attachments/:id/delete",
            post(attachments::proxy_delete),
        )
        .at("/admin/attachments/:id", get(attachments::staff_download))
        .at("/admin/filings/:id/originals", post(originals::record))
        .at("/admin/filings/:id/memos", post(review::add_memo))
        .at("/slips", get(own_slips::show))
        .at("/slips/consent", post(own_slips::consent))
        .at("/slips/:year/print.pdf", get(own_slips::pdf))
        .at(
            "/slips/:year/replaced/:number/print.pdf",
            get(own_slips::replaced_pdf),
        )
        .at("/admin/filings", get(overview::show))
        .at("/admin/filings/progress.csv", get(overview::csv))
        .at("/admin/filings/send", post(overview::send_to_selected))
        .at(
            "/admin/filings/periods",
            get(bulk_periods::show).post(bulk_periods::save),
        )
        .at(
            "/admin/companies/:id/filings/:year",
            get(staff::show_dashboard),
        )
        .at(
            "/admin/companies/:id/filings/:year/payroll.csv",
            get(payroll::download),
        )
        .at(
            "/admin/companies/:id/filings/:year/print.pdf",
            get(print::company_pdf),
        )
        .at(
            "/admin/companies/:id/filings/:year/settlement",
            get(settlement::form).post(settlement::upload),
        )
        .at(
            "/admin/companies/:id/filings/:year/settlement/template",
            get(settlement::template),
        )
        .at(
            "/admin/companies/:id/slips/consents",
            get(consents::show).post(slips::record_consent),
        )
        .at(
            "/admin/companies/:id/filings/:year/approve",
            post(staff::approve_selected),
        )
        .at(
            "/admin/companies/:id/filings/:year/progress.csv",
            get(staff::progress_csv),
        )
        .at(
            "/admin/companies/:id/filings/:year/originals",
            get(originals::intake_page).post(originals::intake_record),
        )
        .at(
            "/admin/companies/:id/filings/:year/departments",
            get(departments::show),
        )
        .at(
            "/admin/companies/:id/filings/:year/departments.csv",
            get(departments::csv),
        )
        .at(
            "/admin/companies/:id/filings/:year/exclusions",
            get(exclusions::show).post(exclusions::exclude),
        )
        .at(
            "/admin/companies/:id/filings/:year/exclusions/include",
            post(exclusions::include),
        )
        .at(
            "/admin/companies/:id/filings/:year/:kind",
            post(staff::send_requests),
        )
        .at(
            "/admin/companies/:id/periods/:year",
            get(periods::periods_form).post(periods::save_periods),
        )
        .at(
            "/admin/companies/:id/guidance/:year",
            post(periods::save_guidance),
        )
        .at("/admin/filings/:id", get(review::show))
        .at("/admin/filings/:id/print.pdf", get(print::reviewed_pdf))
        .at("/admin/filings/:id/:decision", post(review::decide))
}
