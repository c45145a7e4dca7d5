//! Character encodings as Excel writes CSV, detected from the first bytes and decoded to UTF-8
//! incrementally, so a file of any length passes through a few fixed-size buffers.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead, BufReader, Cursor, Read};

use encoding_rs::{Decoder, DecoderResult, EncoderResult, SHIFT_JIS, UTF_8};

/// The encodings the import reads and the template is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CsvEncoding {
    /// UTF-8, with or without a byte-order mark (Excel's 「CSV UTF-8」 writes one).
    Utf8,
    /// Shift_JIS as Windows and Excel write it (Windows-31J / CP932, Excel's 「CSV」 on Japanese
    /// Windows). Decoded by encoding_rs's `Shift_JIS`, which is the WHATWG Encoding Standard's
    /// Shift_JIS: CP932 with its NEC and IBM extensions.
    ShiftJis,
}

impl CsvEncoding {
    /// The code forms and links carry: `utf8`, `sjis`.
    pub const fn code(self) -> &'static str {
        match self {
            CsvEncoding::Utf8 => "utf8",
            CsvEncoding::ShiftJis => "sjis",
        }
    }

    pub fn from_code(code: &str) -> Option<CsvEncoding> {
        [CsvEncoding::Utf8, CsvEncoding::ShiftJis]
            .into_iter()
            .find(|encoding| encoding.code() == code)
    }

    /// The encoding a download asks for (`?encoding=sjis`); UTF-8 otherwise.
    pub fn asked(code: Option<&str>) -> CsvEncoding {
        code.and_then(CsvEncoding::from_code)
            .unwrap_or(CsvEncoding::Utf8)
    }

    /// The name shown to users: `UTF-8`, `Shift_JIS`.
    pub const fn name(self) -> &'static str {
        match self {
            CsvEncoding::Utf8 => "UTF-8",
            CsvEncoding::ShiftJis => "Shift_JIS",
        }
    }
}

impl fmt::Display for CsvEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many bytes are looked at to tell UTF-8 from Shift_JIS. A Japanese header line decides it
/// within its first bytes; a file whose first 64 KiB are all ASCII is taken as UTF-8.
const SNIFF_BYTES: usize = 64 * 1024;

/// The source after detection: the sniffed prefix followed by the rest of the input.
pub(crate) type Source<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// The outcome of looking at the first bytes.
// Made once per file and unpacked at once: boxing the reader would buy nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Detected<R> {
    Text {
        encoding: CsvEncoding,
        reader: DecodingReader<Source<R>>,
    },
    /// Nothing at all, or only a byte-order mark.
    Empty,
    /// A UTF-16 byte-order mark: Excel's 「Unicode テキスト」, which is not CSV.
    Utf16,
}

/// Detects the encoding (a UTF-8 BOM, else valid UTF-8, else Shift_JIS) unless the caller chose
/// one, and returns a reader of the input decoded to UTF-8 with any BOM removed.
pub(crate) fn detect<R: Read>(
    mut input: R,
    choice: Option<CsvEncoding>,
) -> io::Result<Detected<R>> {
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    (&mut input)
        .take(u64::try_from(SNIFF_BYTES).unwrap_or(u64::MAX))
        .read_to_end(&mut prefix)?;
    let has_bom = prefix.starts_with(UTF8_BOM);
    if prefix.is_empty() || prefix == UTF8_BOM {
        return Ok(Detected::Empty);
    }
    if choice.is_none() && (prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF")) {
        return Ok(Detected::Utf16);
    }
    let encoding = choice.unwrap_or_else(|| {
        if has_bom {
            return CsvEncoding::Utf8;
        }
        match std::str::from_utf8(&prefix) {
            Ok(_) => CsvEncoding::Utf8,
            // Cut in the middle of a character by the sniffing limit: still UTF-8.
            Err(error) if error.error_len().is_none() && prefix.len() == SNIFF_BYTES => {
                CsvEncoding::Utf8
            }
            Err(_) => CsvEncoding::ShiftJis,
        }
    });
    let skip = if encoding == CsvEncoding::Utf8 && has_bom {
        UTF8_BOM.len()
    } else {
        0
    };
    // Classic Mac OS line ends (CR alone), as Excel's 「CSV (Macintosh)」 writes them.
    let carriage_returns_only = !prefix.contains(&b'\n') && prefix.contains(&b'\r');
    let mut prefix = Cursor::new(prefix);
    prefix.set_position(u64::try_from(skip).unwrap_or(0));
    let mut reader = DecodingReader::new(prefix.chain(input), encoding);
    reader.carriage_returns_only = carriage_returns_only;
    Ok(Detected::Text { encoding, reader })
}

/// The input holds bytes that are not text in the encoding being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the input is not valid {encoding}")]
pub(crate) struct Undecodable {
    pub encoding: CsvEncoding,
}

/// Decodes to UTF-8 through fixed buffers, failing (not replacing) on malformed input.
///
/// It also notes where the line feeds it hands out are, so that the reader can tell which
/// physical line a record starts on (the `csv` crate's own line numbers skip blank lines).
pub(crate) struct DecodingReader<R> {
    source: BufReader<R>,
    encoding: CsvEncoding,
    decoder: Decoder,
    output: Box<[u8]>,
    start: usize,
    end: usize,
    finished: bool,
    failure: Option<Undecodable>,
    /// Translate CR to LF: the file ends its lines with CR alone.
    carriage_returns_only: bool,
    /// Bytes handed out so far.
    handed_out: u64,
    /// Offsets of the line feeds handed out but not yet passed by [`Self::line_feeds_before`];
    /// never more than the `csv` crate's read-ahead holds.
    line_feeds: VecDeque<u64>,
    line_feeds_passed: u64,
}

const OUTPUT_BYTES: usize = 16 * 1024;

impl<R: Read> DecodingReader<R> {
    fn new(source: R, encoding: CsvEncoding) -> Self {
        let decoder = match encoding {
            CsvEncoding::Utf8 => UTF_8.new_decoder_without_bom_handling(),
            CsvEncoding::ShiftJis => SHIFT_JIS.new_decoder_without_bom_handling(),
        };
        Self {
            source: BufReader::with_capacity(OUTPUT_BYTES, source),
            encoding,
            decoder,
            output: vec![0; OUTPUT_BYTES].into_boxed_slice(),
            start: 0,
            end: 0,
            finished: false,
            failure: None,
            carriage_returns_only: false,
            handed_out: 0,
            line_feeds: VecDeque::new(),
            line_feeds_passed: 0,
        }
    }

    /// How many line feeds precede a record that the `csv` crate places at byte `start`.
    ///
    /// The crate places a record where the previous one ended, before any blank lines it
    /// skipped; those are line feeds at `start`, `start + 1`, …, and are counted too.
    pub(crate) fn line_feeds_before(&mut self, start: u64) -> u64 {
        let mut start = start;
        while let Some(&offset) = self.line_feeds.front() {
            if offset > start {
                break;
            }
            if offset == start {
                start += 1;
            }
            self.line_feeds.pop_front();
            self.line_feeds_passed += 1;
        }
        self.line_feeds_passed
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start < self.end {
                let available = &mut self.output[self.start..self.end];
                let count = available.len().min(buffer.len());
                let chunk = &mut available[..count];
                if self.carriage_returns_only {
                    for byte in chunk.iter_mut().filter(|byte| **byte == b'\r') {
                        *byte = b'\n';
                    }
                }
                let handed_out = self.handed_out;
                self.line_feeds.extend(
                    chunk
                        .iter()
                        .enumerate()
                        .filter(|(_, byte)| **byte == b'\n')
                        .map(|(index, _)| handed_out + u64::try_from(index).unwrap_or(0)),
                );
                buffer[..count].copy_from_slice(chunk);
                self.handed_out += u64::try_from(count).unwrap_or(0);
                self.start += count;
                return Ok(count);
            }
            // What was decoded before a malformed byte is handed out first, then the error.
            if let Some(failure) = self.failure.take() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, failure));
            }
            if self.finished {
                return Ok(0);
            }
            let input = self.source.fill_buf()?;
            let last = input.is_empty();
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(input, &mut self.output, last);
            self.source.consume(read);
            self.start = 0;
            self.end = written;
            match result {
                DecoderResult::InputEmpty if last => self.finished = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
                DecoderResult::Malformed(_, _) => {
                    self.finished = true;
                    self.failure = Some(Undecodable {
                        encoding: self.encoding,
                    });
                }
            }
        }
    }
}

/// Encodes text for a download: UTF-8 with a BOM (so Excel recognises it), or Shift_JIS.
/// Characters Shift_JIS lacks become `?`, never HTML character references.
pub(crate) fn encode(text: &str, encoding: CsvEncoding) -> Vec<u8> {
    match encoding {
        CsvEncoding::Utf8 => {
            let mut bytes = Vec::with_capacity(UTF8_BOM.len() + text.len());
            bytes.extend_from_slice(UTF8_BOM);
            bytes.extend_from_slice(text.as_bytes());
            bytes
        }
        CsvEncoding::ShiftJis => {
            let mut encoder = SHIFT_JIS.new_encoder();
            let mut bytes = Vec::with_capacity(text.len());
            let mut remaining = text;
            let mut buffer = [0u8; 1024];
            loop {
                let (result, read, written) =
                    encoder.encode_from_utf8_without_replacement(remaining, &mut buffer, true);
                bytes.extend_from_slice(&buffer[..written]);
                remaining = remaining.get(read..).unwrap_or("");
                match result {
                    EncoderResult::InputEmpty => break,
                    EncoderResult::OutputFull => {}
                    EncoderResult::Unmappable(_) => bytes.push(b'?'),
                }
            }
            bytes
        }
    }
}
