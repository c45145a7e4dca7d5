//! The texts of the declaration mails: Japanese first, English below, plain text.

use nencho_filings::{ExpectedAttachment, FilingPeriods, GuidanceText, ReminderDay};
use nencho_kernel::{EmailAddress, format_wareki};
use nencho_ports::OutboxMessage;
use nencho_tenancy::{Company, Employee, Tenant};

use crate::AppContext;
use crate::sign_in::CurrentUser;

fn deadline(periods: &FilingPeriods) -> String {
    japanese_day(periods.filing.end)
}

/// `令和8年12月7日 (2026-12-07)`.
fn japanese_day(day: nencho_kernel::Date) -> String {
    format_wareki(day).map_or_else(|| day.to_string(), |wareki| format!("{wareki} ({day})"))
}

/// The employee's own declarations of the year on the tenant's site.
fn link(context: &AppContext, tenant: &Tenant, tax_year: nencho_kernel::TaxYear) -> String {
    format!(
        "{}/filings/{}",
        context.site.site_url(&tenant.slug),
        tax_year.year()
    )
}

fn message(
    context: &AppContext,
    tenant: &Tenant,
    to: &EmailAddress,
    subject: String,
    body: String,
) -> OutboxMessage {
    OutboxMessage::new(tenant.id, to.clone(), subject, body, context.clock.as_ref())
}

/// Which mail of the request kind, and who sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestMail {
    /// 依頼, by staff.
    Request,
    /// 督促, by staff (one employee or everyone due).
    Reminder,
    /// 督促 sent by the maintenance worker on the schedule before the deadline (自動送信).
    AutomaticReminder(ReminderDay),
}

/// What the request mails say of a company's year: who sends them, the deadline, and the
/// company's own instructions (会社からのご案内).
#[derive(Debug, Clone)]
pub(crate) struct CompanyYear {
    pub company: Company,
    pub periods: FilingPeriods,
    pub guidance: Option<GuidanceText>,
}

/// The guidance as a mail section, after the link: the company's own words, as typed.
fn guidance_section(year: &CompanyYear) -> String {
    year.guidance.as_ref().map_or_else(String::new, |guidance| {
        format!(
            "■ {}からのご案内\n{}\n\n",
            year.company.name.as_str(),
            guidance.as_str()
        )
    })
}

/// 依頼 or 督促 of `employee` (of `tenant`), with the deadline and the company's guidance;
/// `None` without an e-mail address.
pub(crate) fn request(
    context: &AppContext,
    tenant: &Tenant,
    year_of_company: &CompanyYear,
    employee: &Employee,
    own_deadline: Option<nencho_kernel::Date>,
    kind: RequestMail,
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let CompanyYear {
        company, periods, ..
    } = year_of_company;
    let year = periods.tax_year;
    let reiwa = year.reiwa();
    // The employee's own deadline when staff gave them a later one (個別の提出期限).
    let end = periods.deadline_with(own_deadline);
    let (subject, opening, sender, note) = match kind {
        RequestMail::Request => (
            format!("令和{reiwa}年分 年末調整の申告のお願い"),
            "年末調整の申告をお願いします。".to_owned(),
            company.name.as_str().to_owned(),
            String::new(),
        ),
        RequestMail::Reminder => (
            format!("【再送】令和{reiwa}年分 年末調整の申告のお願い"),
            "年末調整の申告がまだ提出されていません。期限までに提出をお願いします。".to_owned(),
            company.name.as_str().to_owned(),
            String::new(),
        ),
        RequestMail::AutomaticReminder(reminder) => {
            let (subject, when) = if reminder.is_last_day() {
                (
                    format!("【自動送信】本日が令和{reiwa}年分 年末調整の申告の提出期限です"),
                    "本日が提出期限です。".to_owned(),
                )
            } else {
                (
                    format!(
                        "【自動送信】令和{reiwa}年分 年末調整の申告の提出期限まであと{}日です",
                        reminder.days_before
                    ),
                    format!("提出期限まであと{}日です。", reminder.days_before),
                )
            };
            (
                subject,
                format!(
                    "年末調整の申告がまだ提出されていません。{when}期限までに提出をお願いします。"
                ),
                format!("{} (自動送信)", company.name.as_str()),
                "このメールは提出期限前に、まだ提出されていない方へ自動送信しています。\
                 行き違いで提出済みの場合はご容赦ください。\n"
                    .to_owned(),
            )
        }
    };
    let automatic = if matches!(kind, RequestMail::AutomaticReminder(_)) {
        "This reminder was sent automatically before the deadline.\n"
    } else {
        ""
    };
    let body = format!(
        "{name} 様\n\n\
         {sender} です。令和{reiwa}年分の{opening}\n\
         提出期限: {deadline}\n\n\
         次のページからログインして、質問に答えながら入力してください。スマートフォンからも入力できます。\n\
         {link}\n\n\
         {guidance}\
         {note}\
         ----\n\
         Please file your {year} year-end adjustment declarations by {end} at the page above.\n\
         {automatic}",
        name = employee.name.full(),
        deadline = japanese_day(end),
        link = link(context, tenant, periods.tax_year),
        guidance = guidance_section(year_of_company),
        year = year.year(),
    );
    Some(message(context, tenant, to, subject, body))
}

/// 原本の督促: the certificates whose originals (or electronic data) have not reached the
/// company, one per line; `None` without an e-mail address.
pub(crate) fn originals_reminder(
    context: &AppContext,
    tenant: &Tenant,
    company: &Company,
    employee: &Employee,
    periods: &FilingPeriods,
    missing: &[ExpectedAttachment],
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let year = periods.tax_year;
    let list: String = missing
        .iter()
        .map(|wanted| format!("・{}\n", wanted.label()))
        .collect();
    let subject = format!(
        "令和{}年分 年末調整: 控除証明書等の原本の提出のお願い",
        year.reiwa()
    );
    let body = format!(
        "{name} 様\n\n\
         {sender} です。令和{reiwa}年分の年末調整の申告に必要な次の書類が、まだ会社に届いていません。\n\n\
         {list}\n\
         原本(紙の証明書)を担当者に提出するか、電子的控除証明書のデータがある場合は会社の指示に従って提出してください。\
         写真やコピーは原本の代わりになりません。行き違いで提出済みの場合はご容赦ください。\n\
         申告の内容はこちらで確認できます: {link}\n\n\
         ----\n\
         The company has not yet received the original certificates listed above for your {year_number} \
         year-end adjustment. Please hand in the paper originals (photos and copies do not replace \
         them) or their electronic data as your company instructs.\n",
        name = employee.name.full(),
        sender = company.name.as_str(),
        reiwa = year.reiwa(),
        link = link(context, tenant, periods.tax_year),
        year_number = year.year(),
    );
    Some(message(context, tenant, to, subject, body))
}

/// 受付のお知らせ: the employee's own submission reached the company — when, and the certificates
/// whose originals (or electronic data) the company still needs; `None` without an address.
pub(crate) fn submitted(
    context: &AppContext,
    tenant: &Tenant,
    company: &Company,
    employee: &Employee,
    tax_year: nencho_kernel::TaxYear,
    originals_needed: &[ExpectedAttachment],
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let at = nencho_kernel::format_japan_datetime(context.clock.now());
    let originals = if originals_needed.is_empty() {
        String::new()
    } else {
        let list: String = originals_needed
            .iter()
            .map(|wanted| format!("・{}\n", wanted.label()))
            .collect();
        format!(
            "次の書類は原本(または電子的控除証明書のデータ)の提出も必要です。会社の指示に従って提出してください。\n\n{list}\n"
        )
    };
    let body = format!(
        "{name} 様\n\n\
         令和{reiwa}年分 年末調整の申告を{company}で受け付けました({at})。\n\
         担当者が内容を確認し、承認または差戻しをご連絡します。確認が始まる前であれば、\
         申告のページから取り下げて修正できます。\n\n\
         {originals}\
         申告の内容: {link}\n\n\
         ----\n\
         Your {year} year-end adjustment declarations were received ({at}). You will be told when \
         they are approved or returned. Until the review starts you can withdraw them to make \
         changes.\n",
        name = employee.name.full(),
        reiwa = tax_year.reiwa(),
        company = company.name.as_str(),
        link = link(context, tenant, tax_year),
        year = tax_year.year(),
    );
    Some(message(
        context,
        tenant,
        to,
        format!(
            "令和{}年分 年末調整の申告を受け付けました",
            tax_year.reiwa()
        ),
        body,
    ))
}

/// 承認のお知らせ: the declaration is approved (fixed); `None` without an address.
pub(crate) fn approved(
    context: &AppContext,
    actor: &CurrentUser,
    employee: &Employee,
    tax_year: nencho_kernel::TaxYear,
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let body = format!(
        "{name} 様\n\n\
         令和{reiwa}年分 年末調整の申告が承認されました。この内容で年末調整を行います。\n\
         内容の変更が必要になった場合は、担当者にご連絡ください。\n\
         {link}\n\n\
         ----\n\
         Your {year} year-end adjustment declarations were approved. Please contact your \
         administrator if anything changes.\n",
        name = employee.name.full(),
        reiwa = tax_year.reiwa(),
        link = link(context, &actor.tenant, tax_year),
        year = tax_year.year(),
    );
    Some(message(
        context,
        &actor.tenant,
        to,
        format!(
            "令和{}年分 年末調整の申告が承認されました",
            tax_year.reiwa()
        ),
        body,
    ))
}

/// 差戻し or 再年調: the comment goes in the mail too.
pub(crate) fn returned(
    context: &AppContext,
    actor: &CurrentUser,
    employee: &Employee,
    periods: &FilingPeriods,
    comment: &str,
    own_deadline: Option<nencho_kernel::Date>,
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let year = periods.tax_year;
    let by = own_deadline.map_or_else(String::new, |day| {
        format!("再提出の期限: {}\n", japanese_day(day))
    });
    let body = format!(
        "{name} 様\n\n\
         令和{reiwa}年分 年末調整の申告が差し戻されました。担当者からのコメント:\n\n\
         {comment}\n\n\
         内容を確認・修正して、もう一度提出してください。\n\
         {by}\
         {link}\n\n\
         ----\n\
         Your {year} declarations were returned with the comment above. Please correct and \
         submit them again.\n",
        name = employee.name.full(),
        reiwa = year.reiwa(),
        link = link(context, &actor.tenant, periods.tax_year),
        year = year.year(),
    );
    Some(message(
        context,
        &actor.tenant,
        to,
        format!("令和{}年分 年末調整の申告が差し戻されました", year.reiwa()),
        body,
    ))
}

/// 提出期限の変更: the day of their own staff gave the employee (個別の提出期限), or that it was
/// taken back and the company's deadline applies again; `None` without an e-mail address.
pub(crate) fn own_deadline_changed(
    context: &AppContext,
    actor: &CurrentUser,
    employee: &Employee,
    periods: &FilingPeriods,
    own_deadline: Option<nencho_kernel::Date>,
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let year = periods.tax_year;
    let (subject, news, english) = match own_deadline {
        Some(day) => (
            format!(
                "令和{}年分 年末調整の申告の提出期限を延長しました",
                year.reiwa()
            ),
            format!(
                "あなたの提出期限を {} まで延長しました。期限までに入力・提出をお願いします。",
                japanese_day(day)
            ),
            format!("Your deadline was extended to {day}."),
        ),
        None => (
            format!(
                "令和{}年分 年末調整の申告の提出期限が変わりました",
                year.reiwa()
            ),
            format!(
                "あなたの個別の提出期限を取り消しました。提出期限は会社の期限 {} です。",
                deadline(periods)
            ),
            format!(
                "Your own deadline was withdrawn; the company's, {}, applies.",
                periods.filing.end
            ),
        ),
    };
    let body = format!(
        "{name} 様\n\n\
         令和{reiwa}年分 年末調整の申告について、{news}\n\
         {link}\n\n\
         ----\n\
         {english}\n",
        name = employee.name.full(),
        reiwa = year.reiwa(),
        link = link(context, &actor.tenant, year),
    );
    Some(message(context, &actor.tenant, to, subject, body))
}

/// 再年調: the approved declaration was reopened; the reason and the re-filing period go in the
/// mail.
pub(crate) fn reopened(
    context: &AppContext,
    actor: &CurrentUser,
    employee: &Employee,
    periods: &FilingPeriods,
    reason: &str,
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let year = periods.tax_year;
    let window = periods.refiling.map_or_else(
        || "再提出期間は担当者からあらためてご案内します。".to_owned(),
        |range| format!("再提出期間: {}〜{}", range.start, range.end),
    );
    let body = format!(
        "{name} 様\n\n\
         承認済みの令和{reiwa}年分 年末調整の申告について、再年調のため修正をお願いします。理由:\n\n\
         {reason}\n\n\
         扶養親族と保険料の欄を見直して、もう一度提出してください。{window}\n\
         {link}\n\n\
         ----\n\
         Your approved {year} declarations were reopened for a re-adjustment for the reason above. \
         Please review the dependants and insurance sections and submit again.\n",
        name = employee.name.full(),
        reiwa = year.reiwa(),
        link = link(context, &actor.tenant, periods.tax_year),
        year = year.year(),
    );
    Some(message(
        context,
        &actor.tenant,
        to,
        format!("令和{}年分 年末調整の再提出のお願い(再年調)", year.reiwa()),
        body,
    ))
}

/// 「源泉徴収票の交付のお知らせ」 (電子交付) to the employee's address, with the link to their
/// slips; `None` without an address.
pub(crate) fn slip_issued(
    context: &AppContext,
    tenant: &Tenant,
    company: &Company,
    employee: &Employee,
    tax_year: nencho_kernel::TaxYear,
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let reiwa = tax_year.reiwa();
    let link = format!("{}/slips", context.site.site_url(&tenant.slug));
    let body = format!(
        "{name} 様\n\n\
         {company}から令和{reiwa}年分の給与所得の源泉徴収票を電子交付しました。\n\
         次のページからご覧ください(PDFで保存・印刷できます)。\n\n{link}\n\n\
         ---\n\
         Your withholding slip (源泉徴収票) for {year} from {company} is ready: {link}\n",
        name = employee.name.full(),
        company = company.name.as_str(),
        year = tax_year.year(),
    );
    Some(message(
        context,
        tenant,
        to,
        format!("令和{reiwa}年分 源泉徴収票の交付のお知らせ"),
        body,
    ))
}

/// 対象外: an employee who had been asked to file is told that nothing more is needed, and why.
/// `tax_year` stands alone: an exclusion needs no periods.
pub(crate) fn excluded(
    context: &AppContext,
    actor: &CurrentUser,
    employee: &Employee,
    tax_year: nencho_kernel::TaxYear,
    reason: &str,
) -> Option<OutboxMessage> {
    let to = employee.email.as_ref()?;
    let link = link(context, &actor.tenant, tax_year);
    let body = format!(
        "{name} 様\n\n\
         令和{reiwa}年分の年末調整は、次の理由により対象外となりました。申告書の提出は不要です。\n\n\
         理由: {reason}\n\n\
         お心当たりのない場合は、担当者にお問い合わせください。\n\
         {link}\n\n\
         ----\n\
         Your {year} year-end adjustment will not be done by this employer (reason above): you \
         need not submit the declarations. If this is unexpected, please contact the person in \
         charge.\n",
        name = employee.name.full(),
        reiwa = tax_year.reiwa(),
        year = tax_year.year(),
    );
    Some(message(
        context,
        &actor.tenant,
        to,
        format!("令和{}年分 年末調整の対象外となりました", tax_year.reiwa()),
        body,
    ))
}

/// One company's line of the reviewers' digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompanyWaiting {
    pub company_id: nencho_kernel::CompanyId,
    pub name: String,
    /// 提出済 in the reviewer's scope.
    pub awaiting: u64,
    /// Of them, submitted since the last digest.
    pub new: u64,
    /// Of them, with the 一次確認 (ready for the 承認者).
    pub checked: u64,
}

/// 提出状況のお知らせ to one reviewer: per company of their scope, the declarations submitted
/// since the last digest (`since`; the first digest counts everything waiting) and those waiting,
/// with the dashboard filtered on 提出済 — and of those, the ones checked (一次確認) with the
/// dashboard filtered on 確認済. No employee is named.
pub(crate) fn review_digest(
    context: &AppContext,
    tenant: &Tenant,
    reviewer: &nencho_identity::User,
    to: &EmailAddress,
    tax_year: nencho_kernel::TaxYear,
    since: Option<nencho_kernel::OffsetDateTime>,
    lines: &[CompanyWaiting],
) -> OutboxMessage {
    let site = context.site.site_url(&tenant.slug);
    let year = tax_year.year();
    let new: u64 = lines.iter().map(|line| line.new).sum();
    let awaiting: u64 = lines.iter().map(|line| line.awaiting).sum();
    let opening = match since {
        Some(since) => format!(
            "前回のお知らせ({}) 以降に、年末調整の申告書が新しく提出されました。",
            nencho_kernel::format_japan_datetime(since)
        ),
        None => "確認を待っている年末調整の申告書があります。".to_owned(),
    };
    let companies: String = lines
        .iter()
        .map(|line| {
            let dashboard = format!("{site}/admin/companies/{}/filings/{year}", line.company_id);
            // The 一次確認's count and list, for the 承認者 approving what the 担当者 checked.
            let checked = if line.checked > 0 {
                format!(
                    "  うち確認済(承認待ち): {}件\n  {dashboard}?checked=yes\n",
                    line.checked
                )
            } else {
                String::new()
            };
            format!(
                "■ {name}\n  新しい提出: {new}件 / 確認待ち(提出済): {awaiting}件\n  {dashboard}?status=submitted\n{checked}",
                name = line.name,
                new = line.new,
                awaiting = line.awaiting,
            )
        })
        .collect();
    let subject = format!(
        "令和{}年分 年末調整: 新しい提出 {new}件(確認待ち {awaiting}件)",
        tax_year.reiwa()
    );
    let body = format!(
        "{name} 様\n\n\
         {tenant} の年末調整電子申請サイトより。\n\
         {opening}内容を確認して、承認または差戻しをお願いします。\n\n\
         {companies}\n\
         このお知らせは、担当する範囲に新しい提出があった営業日の朝に送られます。\
         受け取らない設定は次のページでできます: {site}/account/email\n\n\
         ----\n\
         {new} new {year} year-end adjustment declaration(s) were submitted; {awaiting} wait for \
         review (approve or return them). This digest is sent on business-day mornings when \
         something new was submitted in your scope; turn it off at {site}/account/email\n",
        name = reviewer.display_name.as_str(),
        tenant = tenant.name.as_str(),
    );
    message(context, tenant, to, subject, body)
}
