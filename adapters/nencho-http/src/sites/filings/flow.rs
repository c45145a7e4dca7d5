//! The guided flow of a declaration: the overview, one page per step, the final review and the
//! submission — for the employee on their own declaration (`/filings/{year}`) and, with the same
//! pages, for staff entering a paper filing for an employee
//! (`/admin/employees/{id}/filings/{year}`, 代理入力).

use std::sync::Arc;

use askama::Template;
use nencho_app::AppError;
use nencho_app::filings::own::{
    own_filing, save_own_filing, submit_own_filing, withdraw_own_filing,
};
use nencho_app::filings::review::{proxy_save, proxy_submit, review_employee};
use nencho_app::sign_in::CurrentUser;
use nencho_filings::{
    ComputedAmounts, Declaration, EditScope, Filing, FilingStatus, Problem, compute,
};
use nencho_kernel::{EmployeeId, TaxYear, format_wareki};
use poem::http::StatusCode;
use poem::web::{Data, Form, Json, Path, Query};
use poem::{IntoResponse, Request, Response, handler};
use serde::Deserialize;

use super::attachments::{AttachmentsView, attachments_view};
use super::claim_checks::{ClaimCheckView, claim_check_views};
use super::form::{FieldErrors, Fields, Step, apply, fields_of, row_count};
use super::views::{
    EventView, FormView, GuidancePieceView, Line, amount_lines, event_views, form_views,
    guidance_view,
};
use super::words::{FilingWords, filing_words};
use super::year_of;
use crate::HttpServices;
use crate::sites::account::failure;
use crate::sites::context::{Site, see_other};
use crate::sites::layout::Layout;
use crate::sites::render::{page, plain_not_found, rejected_form};

/// Whose declaration the pages are about.
#[derive(Debug, Clone, Copy)]
enum Subject {
    Own,
    Proxy(EmployeeId),
}

impl Subject {
    fn base(self, year: TaxYear) -> String {
        match self {
            Subject::Own => format!("/filings/{}", year.year()),
            Subject::Proxy(employee) => {
                format!("/admin/employees/{employee}/filings/{}", year.year())
            }
        }
    }
}

/// The declaration and what the pages need around it.
struct Loaded {
    employee_name: String,
    filing: Filing,
    computed: Result<ComputedAmounts, String>,
    forms: Vec<nencho_filings::Form>,
    problems: Vec<Problem>,
    scope: EditScope,
    /// The employee's deadline in words, and whether it is a day of their own (個別の提出期限).
    deadline: Option<(String, bool)>,
    history: nencho_ports::FilingHistory,
    opened: bool,
    attachments: Vec<nencho_filings::Attachment>,
    originals: Vec<nencho_filings::OriginalLine>,
    /// 重複扶養チェック, for staff entering a paper declaration; never on one's own pages.
    claim_checks: Vec<nencho_app::filings::claims::ClaimCheck>,
    /// 会社からのご案内, on the employee's own pages.
    guidance: Option<nencho_filings::GuidanceText>,
}

async fn load(
    services: &HttpServices,
    current: &CurrentUser,
    subject: Subject,
    year: TaxYear,
) -> Result<Loaded, AppError> {
    match subject {
        Subject::Own => {
            let own = own_filing(&services.app, current, year).await?;
            Ok(Loaded {
                employee_name: own.employee.name.full(),
                deadline: own.periods.as_ref().map(|periods| {
                    let day = periods.deadline_for(&own.filing);
                    (japanese_date(day), day != periods.filing.end)
                }),
                opened: own.periods.is_some(),
                filing: own.filing,
                computed: own.computed,
                forms: own.forms,
                problems: own.problems,
                scope: own.scope,
                history: own.history,
                attachments: own.attachments,
                originals: own.originals,
                claim_checks: Vec::new(),
                guidance: own.guidance,
            })
        }
        Subject::Proxy(employee) => {
            let review = review_employee(&services.app, current, employee, year).await?;
            Ok(Loaded {
                employee_name: review.employee.name.full(),
                deadline: None,
                opened: true,
                scope: EditScope::Everything,
                filing: review.filing,
                computed: review.computed,
                forms: review.forms,
                problems: review.problems,
                history: review.history,
                attachments: review.attachments,
                originals: review.originals,
                claim_checks: review.claim_checks,
                guidance: None,
            })
        }
    }
}

fn japanese_date(date: nencho_kernel::Date) -> String {
    format_wareki(date).map_or_else(|| date.to_string(), |wareki| format!("{wareki}({date})"))
}

/// Everything the three pages share at the top.
struct Header {
    base: String,
    year_label: String,
    employee_name: String,
    status: &'static str,
    status_code: &'static str,
    proxy: bool,
    scope_notice: Option<&'static str>,
    comment: Option<String>,
    /// 対象外: the reason staff gave.
    exclusion: Option<String>,
    reopened: bool,
    carried_over: bool,
    deadline: Option<String>,
    version: i64,
    guidance: Vec<GuidancePieceView>,
}

fn header(subject: Subject, loaded: &Loaded, w: &FilingWords) -> Header {
    let filing = &loaded.filing;
    Header {
        base: subject.base(filing.tax_year),
        year_label: format!(
            "令和{}年分({}年分)",
            filing.tax_year.reiwa(),
            filing.tax_year.year()
        ),
        employee_name: loaded.employee_name.clone(),
        status: filing.status.japanese_name(),
        status_code: filing.status.code(),
        proxy: matches!(subject, Subject::Proxy(_)),
        scope_notice: match loaded.scope {
            _ if !loaded.opened => Some(w.not_open),
            EditScope::Everything => None,
            EditScope::DependantsAndInsurance => Some(w.limited_scope),
            EditScope::ViewOnly => Some(w.view_only),
        },
        comment: (filing.status == FilingStatus::Returned || filing.reopened)
            .then(|| filing.last_comment.clone())
            .flatten(),
        exclusion: (filing.status == FilingStatus::Excluded)
            .then(|| filing.last_comment.clone().unwrap_or_default()),
        reopened: filing.reopened && filing.status != FilingStatus::Approved,
        carried_over: filing.document.carried_over_unconfirmed,
        deadline: loaded
            .deadline
            .as_ref()
            .map(|(day, own)| format!("{day}{}", if *own { w.own_deadline } else { "" })),
        version: filing.version,
        guidance: guidance_view(loaded.guidance.as_ref()),
    }
}

/// Whether the steps may be saved: never when approved or excluded (対象外); a submitted
/// declaration only by staff (the workflow refuses the employee's save — they withdraw it first).
fn editable(subject: Subject, loaded: &Loaded) -> bool {
    loaded.scope != EditScope::ViewOnly
        && !matches!(
            loaded.filing.status,
            FilingStatus::Approved | FilingStatus::Excluded
        )
        && (loaded.filing.status != FilingStatus::Submitted || matches!(subject, Subject::Proxy(_)))
}

struct StepLink {
    code: &'static str,
    label: &'static str,
    current: bool,
}

fn step_links(document: &Declaration, current: Option<Step>, w: &FilingWords) -> Vec<StepLink> {
    Step::ALL
        .into_iter()
        .filter(|step| step.applies(document))
        .map(|step| StepLink {
            code: step.code(),
            label: step_label(step, w),
            current: Some(step) == current,
        })
        .collect()
}

fn step_label(step: Step, w: &FilingWords) -> &'static str {
    match step {
        Step::Questions => w.step_questions,
        Step::Taxpayer => w.step_self,
        Step::Previous => w.step_previous,
        Step::Spouse => w.step_spouse,
        Step::Relatives => w.step_relatives,
        Step::Insurance => w.step_insurance,
        Step::Housing => w.step_housing,
        Step::NextYear => w.step_next_year,
    }
}

#[derive(Template)]
#[template(path = "site/filing_overview.html")]
struct OverviewPage {
    layout: Layout,
    w: &'static FilingWords,
    h: Header,
    can_edit: bool,
    started: bool,
    can_withdraw: bool,
    amounts: Vec<Line>,
    events: Vec<EventView>,
    /// The certificates of a handed-in declaration whose originals the company still awaits.
    originals_missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "site/filing_step.html")]
struct StepPage {
    layout: Layout,
    w: &'static FilingWords,
    h: Header,
    step: &'static str,
    steps: Vec<StepLink>,
    fields: Fields,
    errors: FieldErrors,
    has_previous: bool,
    relative_rows: Vec<usize>,
    previous_rows: Vec<usize>,
    next_relative_rows: Vec<usize>,
    life_rows: Vec<usize>,
    earthquake_rows: Vec<usize>,
    social_rows: Vec<usize>,
    mutual_rows: Vec<usize>,
    show_life: bool,
    show_earthquake: bool,
    show_social: bool,
    show_mutual: bool,
    amounts: Vec<Line>,
    can_edit: bool,
}

impl StepPage {
    fn v(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    fn rv(&self, prefix: &str, index: &usize, field: &str) -> &str {
        self.v(&format!("{prefix}{index}_{field}"))
    }

    fn checked(&self, prefix: &str, index: &usize, field: &str) -> bool {
        !self.rv(prefix, index, field).is_empty()
    }

    fn is(&self, name: &str, value: &str) -> bool {
        self.v(name) == value
    }

    fn ris(&self, prefix: &str, index: &usize, field: &str, value: &str) -> bool {
        self.rv(prefix, index, field) == value
    }

    fn err(&self, name: &str) -> &str {
        self.errors.get(name).map_or("", String::as_str)
    }

    fn rerr(&self, prefix: &str, index: &usize, field: &str) -> &str {
        self.err(&format!("{prefix}{index}_{field}"))
    }
}

#[derive(Template)]
#[template(path = "site/filing_review.html")]
struct ReviewPage {
    layout: Layout,
    w: &'static FilingWords,
    h: Header,
    steps: Vec<StepLink>,
    forms: Vec<FormView>,
    amounts: Vec<Line>,
    computation_error: String,
    problems: Vec<Problem>,
    can_submit: bool,
    can_withdraw: bool,
    attachments: AttachmentsView,
    /// 重複扶養チェック (proxy entry only).
    claim_checks: Vec<ClaimCheckView>,
    /// 担当者への連絡事項 as typed, kept when the submission is refused.
    note: String,
    note_error: String,
}

/// A submission's note as typed and why it was refused, if it was.
#[derive(Default)]
struct NoteInput<'a> {
    text: &'a str,
    error: Option<&'a str>,
}

/// Rows to show for a list: the entered ones and one spare.
fn rows(fields: &Fields, prefix: &str) -> Vec<usize> {
    (0..=row_count(fields, prefix)).collect()
}

fn amounts_of(loaded: &Loaded) -> Vec<Line> {
    loaded
        .computed
        .as_ref()
        .map(amount_lines)
        .unwrap_or_default()
}

struct Context<'a> {
    site: Site<'a>,
    current: CurrentUser,
}

async fn enter<'a>(
    request: &'a Request,
    services: &'a Arc<HttpServices>,
) -> Result<Context<'a>, Response> {
    let (site, current) = Site::enter(request, services).await?;
    Ok(Context { site, current })
}

fn subject_of(employee: Option<&str>) -> Option<Subject> {
    match employee {
        None => Some(Subject::Own),
        Some(text) => text.parse().ok().map(Subject::Proxy),
    }
}

async fn overview(
    context: Context<'_>,
    services: &HttpServices,
    subject: Subject,
    year: TaxYear,
    notice: Option<&str>,
) -> Response {
    let w = filing_words(context.site.lang);
    let loaded = match load(services, &context.current, subject, year).await {
        Ok(loaded) => loaded,
        Err(AppError::NotFound) if matches!(subject, Subject::Own) => {
            let layout = context.site.layout().with_user(&context.current);
            return crate::sites::render::message(
                layout,
                StatusCode::NOT_FOUND,
                w.title,
                w.no_employee_record,
                "/",
                context.site.lang.words().back_home,
            );
        }
        Err(error) => return failure(&context.site, &error).await,
    };
    let mut layout = context.site.layout().with_user(&context.current);
    if let Some(notice) = notice {
        layout = layout.with_notice(notice);
    }
    page(
        &OverviewPage {
            layout,
            w,
            h: header(subject, &loaded, w),
            can_edit: editable(subject, &loaded),
            started: loaded.filing.version > 0,
            can_withdraw: matches!(subject, Subject::Own)
                && loaded.filing.status == FilingStatus::Submitted
                && loaded.scope != EditScope::ViewOnly,
            amounts: amounts_of(&loaded),
            events: event_views(&loaded.history),
            originals_missing: if nencho_filings::awaits_originals(loaded.filing.status) {
                loaded
                    .originals
                    .iter()
                    .filter(|line| line.receipt.is_none())
                    .map(|line| line.expected.label())
                    .collect()
            } else {
                Vec::new()
            },
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

fn notice_text(w: &FilingWords, code: Option<&str>) -> Option<&'static str> {
    match code? {
        "saved" => Some(w.saved),
        "submitted" => Some(w.submitted),
        "withdrawn" => Some(w.withdrawn),
        "attached" => Some(w.attached),
        "detached" => Some(w.detached),
        _ => None,
    }
}

/// `/filings`: this year's declaration (in January, last year's: the adjustment runs into it).
#[handler]
pub async fn current_year(request: &Request, services: Data<&Arc<HttpServices>>) -> Response {
    let year = super::staff::default_year(&services);
    if Site::of(request, &services).is_none() {
        return plain_not_found();
    }
    see_other(&format!("/filings/{year}"))
}

#[handler]
pub async fn own_overview(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(year): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    show_overview(request, &services, None, &year, query.notice.as_deref()).await
}

#[handler]
pub async fn proxy_overview(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year)): Path<(String, String)>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    show_overview(
        request,
        &services,
        Some(&employee),
        &year,
        query.notice.as_deref(),
    )
    .await
}

async fn show_overview(
    request: &Request,
    services: &Arc<HttpServices>,
    employee: Option<&str>,
    year: &str,
    notice: Option<&str>,
) -> Response {
    let context = match enter(request, services).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    let (Some(subject), Some(year)) = (subject_of(employee), year_of(year)) else {
        return plain_not_found();
    };
    let notice = notice_text(filing_words(context.site.lang), notice);
    overview(context, services, subject, year, notice).await
}

#[handler]
pub async fn own_step(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((year, step)): Path<(String, String)>,
) -> Response {
    show_step(request, &services, None, &year, &step).await
}

#[handler]
pub async fn proxy_step(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year, step)): Path<(String, String, String)>,
) -> Response {
    show_step(request, &services, Some(&employee), &year, &step).await
}

async fn show_step(
    request: &Request,
    services: &Arc<HttpServices>,
    employee: Option<&str>,
    year: &str,
    step: &str,
) -> Response {
    let context = match enter(request, services).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    let (Some(subject), Some(year), Some(step)) =
        (subject_of(employee), year_of(year), Step::from_code(step))
    else {
        return plain_not_found();
    };
    let loaded = match load(services, &context.current, subject, year).await {
        Ok(loaded) => loaded,
        Err(error) => return failure(&context.site, &error).await,
    };
    let fields = fields_of(&loaded.filing.document);
    step_page(
        &context,
        subject,
        &loaded,
        step,
        fields,
        FieldErrors::new(),
        None,
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn step_page(
    context: &Context<'_>,
    subject: Subject,
    loaded: &Loaded,
    step: Step,
    fields: Fields,
    errors: FieldErrors,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let w = filing_words(context.site.lang);
    let document = &loaded.filing.document;
    let answers = &document.answers;
    let mut layout = context.site.layout().with_user(&context.current);
    if let Some(notice) = notice {
        layout = layout.with_notice(notice);
    }
    page(
        &StepPage {
            layout,
            w,
            h: header(subject, loaded, w),
            step: step.code(),
            steps: step_links(document, Some(step), w),
            has_previous: step.previous(document).is_some(),
            relative_rows: rows(&fields, "r"),
            previous_rows: rows(&fields, "p"),
            next_relative_rows: rows(&fields, "n"),
            life_rows: rows(&fields, "l"),
            earthquake_rows: rows(&fields, "e"),
            social_rows: rows(&fields, "s"),
            mutual_rows: rows(&fields, "m"),
            show_life: answers.paid_life_insurance == Some(true),
            show_earthquake: answers.paid_earthquake_insurance == Some(true),
            show_social: answers.paid_social_insurance == Some(true),
            show_mutual: answers.paid_mutual_aid == Some(true),
            amounts: amounts_of(loaded),
            can_edit: editable(subject, loaded),
            fields,
            errors,
        },
        status,
    )
}

#[handler]
pub async fn own_save_step(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((year, step)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    save_step(request, &services, None, &year, &step, fields).await
}

#[handler]
pub async fn proxy_save_step(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year, step)): Path<(String, String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    save_step(request, &services, Some(&employee), &year, &step, fields).await
}

async fn save_step(
    request: &Request,
    services: &Arc<HttpServices>,
    employee: Option<&str>,
    year: &str,
    step: &str,
    fields: Fields,
) -> Response {
    let context = match enter(request, services).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    if !context
        .site
        .csrf_ok(fields.get("csrf_token").map_or("", String::as_str))
    {
        return rejected_form(context.site.layout().with_user(&context.current));
    }
    let (Some(subject), Some(year), Some(step)) =
        (subject_of(employee), year_of(year), Step::from_code(step))
    else {
        return plain_not_found();
    };
    let loaded = match load(services, &context.current, subject, year).await {
        Ok(loaded) => loaded,
        Err(error) => return failure(&context.site, &error).await,
    };
    let w = filing_words(context.site.lang);
    let Some(version) = fields
        .get("version")
        .and_then(|text| text.parse::<i64>().ok())
    else {
        return rejected_form(context.site.layout().with_user(&context.current));
    };
    let go = fields.get("go").map_or("next", String::as_str).to_owned();
    let document = match apply(step, &loaded.filing.document, &fields) {
        Ok(document) => document,
        Err(errors) => {
            return step_page(
                &context,
                subject,
                &loaded,
                step,
                fields,
                errors,
                Some(w.fix_errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let saved = match subject {
        Subject::Own => {
            save_own_filing(
                &services.app,
                &context.current,
                year,
                version,
                document.clone(),
            )
            .await
        }
        Subject::Proxy(employee) => {
            proxy_save(
                &services.app,
                &context.current,
                employee,
                year,
                version,
                document.clone(),
            )
            .await
        }
    };
    if let Err(error) = saved {
        return match error {
            AppError::Refused(reason) | AppError::Conflict(reason) => step_page(
                &context,
                subject,
                &loaded,
                step,
                fields,
                FieldErrors::new(),
                Some(&reason),
                StatusCode::CONFLICT,
            ),
            other => failure(&context.site, &other).await,
        };
    }
    let base = subject.base(year);
    let target = match go.as_str() {
        "back" => step.previous(&document).map_or(base.clone(), |previous| {
            format!("{base}/step/{}", previous.code())
        }),
        "add" | "save" => format!("{base}/step/{}?notice=saved", step.code()),
        _ => match step.next(&document) {
            Some(next) => format!("{base}/step/{}", next.code()),
            None => format!("{base}/review"),
        },
    };
    see_other(&target)
}

#[handler]
pub async fn own_review(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(year): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    show_review(request, &services, None, &year, query.notice.as_deref()).await
}

#[handler]
pub async fn proxy_review(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year)): Path<(String, String)>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    show_review(
        request,
        &services,
        Some(&employee),
        &year,
        query.notice.as_deref(),
    )
    .await
}

async fn show_review(
    request: &Request,
    services: &Arc<HttpServices>,
    employee: Option<&str>,
    year: &str,
    notice: Option<&str>,
) -> Response {
    let context = match enter(request, services).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    let (Some(subject), Some(year)) = (subject_of(employee), year_of(year)) else {
        return plain_not_found();
    };
    let loaded = match load(services, &context.current, subject, year).await {
        Ok(loaded) => loaded,
        Err(error) => return failure(&context.site, &error).await,
    };
    let notice = notice_text(filing_words(context.site.lang), notice);
    review_page(
        &context,
        subject,
        &loaded,
        notice,
        NoteInput::default(),
        StatusCode::OK,
    )
}

fn review_page(
    context: &Context<'_>,
    subject: Subject,
    loaded: &Loaded,
    notice: Option<&str>,
    note: NoteInput<'_>,
    status: StatusCode,
) -> Response {
    let w = filing_words(context.site.lang);
    let mut layout = context.site.layout().with_user(&context.current);
    if let Some(notice) = notice {
        layout = layout.with_notice(notice);
    }
    let base = subject.base(loaded.filing.tax_year);
    let year = loaded.filing.tax_year.year();
    let attachments = attachments_view(
        &loaded.attachments,
        &loaded.originals,
        |id| match subject {
            Subject::Own => format!("/filings/{year}/attachments/{id}"),
            Subject::Proxy(_) => format!("/admin/attachments/{id}"),
        },
        editable(subject, loaded).then_some(base.as_str()),
        // Receipts are recorded on the reviewer's page of the declaration.
        None,
    );
    let document = &loaded.filing.document;
    let submittable = matches!(
        loaded.filing.status,
        FilingStatus::NotRequested
            | FilingStatus::Requested
            | FilingStatus::Draft
            | FilingStatus::Returned
    );
    page(
        &ReviewPage {
            layout,
            attachments,
            w,
            h: header(subject, loaded, w),
            steps: step_links(document, None, w),
            forms: form_views(document, &loaded.forms, loaded.computed.as_ref().ok()),
            amounts: amounts_of(loaded),
            computation_error: loaded.computed.as_ref().err().cloned().unwrap_or_default(),
            problems: loaded.problems.clone(),
            claim_checks: claim_check_views(&loaded.claim_checks),
            can_submit: submittable
                && loaded.scope != EditScope::ViewOnly
                && loaded.problems.is_empty()
                && loaded.filing.version > 0,
            can_withdraw: matches!(subject, Subject::Own)
                && loaded.filing.status == FilingStatus::Submitted
                && loaded.scope != EditScope::ViewOnly,
            note: note.text.to_owned(),
            note_error: note.error.unwrap_or_default().to_owned(),
        },
        status,
    )
}

#[derive(Deserialize)]
pub struct ActionForm {
    csrf_token: String,
    version: i64,
    /// 担当者への連絡事項 (submission only; may be absent).
    #[serde(default)]
    note: String,
}

#[handler]
pub async fn own_submit(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(year): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    act(request, &services, None, &year, form, Action::Submit).await
}

#[handler]
pub async fn own_withdraw(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path(year): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    act(request, &services, None, &year, form, Action::Withdraw).await
}

#[handler]
pub async fn proxy_submit_handler(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Response {
    act(
        request,
        &services,
        Some(&employee),
        &year,
        form,
        Action::Submit,
    )
    .await
}

enum Action {
    Submit,
    Withdraw,
}

async fn act(
    request: &Request,
    services: &Arc<HttpServices>,
    employee: Option<&str>,
    year: &str,
    form: ActionForm,
    action: Action,
) -> Response {
    let context = match enter(request, services).await {
        Ok(context) => context,
        Err(response) => return response,
    };
    if !context.site.csrf_ok(&form.csrf_token) {
        return rejected_form(context.site.layout().with_user(&context.current));
    }
    let (Some(subject), Some(year)) = (subject_of(employee), year_of(year)) else {
        return plain_not_found();
    };
    let app = &services.app;
    let current = &context.current;
    let (result, notice) = match (action, subject) {
        (Action::Submit, Subject::Own) => (
            submit_own_filing(app, current, year, form.version, &form.note).await,
            "submitted",
        ),
        (Action::Submit, Subject::Proxy(employee)) => (
            proxy_submit(app, current, employee, year, form.version, &form.note).await,
            "submitted",
        ),
        (Action::Withdraw, Subject::Own) => (
            withdraw_own_filing(app, current, year, form.version).await,
            "withdrawn",
        ),
        (Action::Withdraw, Subject::Proxy(_)) => return plain_not_found(),
    };
    let (note_error, status) = match result {
        Ok(_) => return see_other(&format!("{}?notice={notice}", subject.base(year))),
        Err(AppError::Invalid {
            field: "note",
            message,
        }) => (Some(message), StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Incomplete(_) | AppError::Refused(_) | AppError::Conflict(_)) => {
            (None, StatusCode::CONFLICT)
        }
        Err(error) => return failure(&context.site, &error).await,
    };
    // Show the review again with the reasons (the problems are recomputed there) and the note
    // as typed.
    let loaded = match load(services, current, subject, year).await {
        Ok(loaded) => loaded,
        Err(error) => return failure(&context.site, &error).await,
    };
    review_page(
        &context,
        subject,
        &loaded,
        None,
        NoteInput {
            text: &form.note,
            error: note_error.as_deref(),
        },
        status,
    )
}

#[derive(serde::Serialize)]
struct Preview {
    amounts: Vec<Line>,
    errors: FieldErrors,
    problem: Option<String>,
}

/// The live figures while typing: the step's fields read into the declaration (not saved) and
/// computed. JSON; CSRF-checked like every POST.
#[handler]
pub async fn own_preview(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((year, step)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    preview(request, &services, None, &year, &step, fields).await
}

#[handler]
pub async fn proxy_preview(
    request: &Request,
    services: Data<&Arc<HttpServices>>,
    Path((employee, year, step)): Path<(String, String, String)>,
    Form(fields): Form<Fields>,
) -> Response {
    preview(request, &services, Some(&employee), &year, &step, fields).await
}

async fn preview(
    request: &Request,
    services: &Arc<HttpServices>,
    employee: Option<&str>,
    year: &str,
    step: &str,
    fields: Fields,
) -> Response {
    let Some(site) = Site::of(request, services) else {
        return plain_not_found();
    };
    let Some(current) = site.current_user().await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if !site.csrf_ok(fields.get("csrf_token").map_or("", String::as_str)) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let (Some(subject), Some(year), Some(step)) =
        (subject_of(employee), year_of(year), Step::from_code(step))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let loaded = match load(services, &current, subject, year).await {
        Ok(loaded) => loaded,
        Err(AppError::Forbidden) => return StatusCode::FORBIDDEN.into_response(),
        Err(AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let preview = match apply(step, &loaded.filing.document, &fields) {
        Ok(document) => match compute(&document, year) {
            Ok(computed) => Preview {
                amounts: amount_lines(&computed),
                errors: FieldErrors::new(),
                problem: None,
            },
            Err(error) => Preview {
                amounts: Vec::new(),
                errors: FieldErrors::new(),
                problem: Some(error.to_string()),
            },
        },
        Err(errors) => Preview {
            amounts: Vec::new(),
            errors,
            problem: None,
        },
    };
    Json(preview).into_response()
}
