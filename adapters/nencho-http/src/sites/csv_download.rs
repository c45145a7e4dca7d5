//! A CSV download streamed page by page (the payroll export, the progress list): the rows go
//! through a pipe that is the response body, so memory stays constant however many there are.

use std::future::Future;
use std::pin::Pin;

use nencho_app::AppError;
use nencho_csv::CsvEncoding;
use nencho_tenancy::EmployeeNumber;
use poem::{Body, IntoResponse, Response};
use tokio::io::AsyncWriteExt;

use super::export::{UTF8_BOM, encode_into, push_line};

/// One page of CSV rows and where the next page starts (`None` = the last page): an employee
/// number for the lists of employees, an id for the 操作ログ.
pub(crate) type CsvPage<C = EmployeeNumber> = Result<(Vec<Vec<String>>, Option<C>), AppError>;

/// A CSV download written page by page into a pipe that is the response body, so memory stays
/// constant however many rows there are: `header`, then the rows of `next_page(after)` until it
/// says there is no next page, in UTF-8 with a BOM or in Shift_JIS (CP932) for Excel, as
/// `{file_stem}[-sjis].csv`. Call it after the permission check: a failure part way is logged
/// and ends the body early (the file lacks its last rows).
pub(crate) fn stream_csv<C: Send + 'static>(
    encoding: CsvEncoding,
    file_stem: &str,
    header: Vec<String>,
    mut next_page: impl FnMut(Option<C>) -> Pin<Box<dyn Future<Output = CsvPage<C>> + Send>>
    + Send
    + 'static,
) -> Response {
    let (mut writer, reader) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let mut bytes = Vec::new();
        if encoding == CsvEncoding::Utf8 {
            bytes.extend_from_slice(UTF8_BOM);
        }
        let mut text = String::new();
        push_line(&mut text, &header);
        let mut after = None;
        loop {
            let (rows, next) = match next_page(after).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(%error, "a CSV download failed part way");
                    return;
                }
            };
            for cells in &rows {
                push_line(&mut text, cells);
            }
            encode_into(&text, encoding, &mut bytes);
            text.clear();
            if writer.write_all(&bytes).await.is_err() {
                return; // the client went away
            }
            bytes.clear();
            match next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        let _ = writer.shutdown().await;
    });
    let (suffix, charset) = if encoding == CsvEncoding::ShiftJis {
        ("-sjis", "Shift_JIS")
    } else {
        ("", "utf-8")
    };
    Body::from_async_read(reader)
        .with_content_type(format!("text/csv; charset={charset}"))
        .with_header(
            "Content-Disposition",
            format!("attachment; filename=\"{file_stem}{suffix}.csv\""),
        )
        .with_header("Cache-Control", "no-store")
        .into_response()
}

/// [`stream_csv`] of rows already in hand (a summary table of a few hundred lines at most).
pub(crate) fn csv_of_rows(
    encoding: CsvEncoding,
    file_stem: &str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
) -> Response {
    let mut rows = Some(rows);
    stream_csv(encoding, file_stem, header, move |_: Option<()>| {
        let page = rows.take().unwrap_or_default();
        Box::pin(async move { Ok((page, None)) })
    })
}
