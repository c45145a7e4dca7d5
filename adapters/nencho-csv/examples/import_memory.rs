//! Peak memory of validating a large import file, streamed from disk.
//!
//! ```text
//! cargo run --release -p nencho-csv --example import_memory -- generate /tmp/employees.csv 100000
//! /usr/bin/time -v target/release/examples/import_memory validate /tmp/employees.csv
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::fs::File;
use std::io::{BufWriter, Write};

use nencho_csv::{ImportOptions, validate_all};

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    match arguments.get(1).map(String::as_str) {
        Some("generate") => {
            let path = arguments.get(2).expect("a path");
            let rows: usize = arguments
                .get(3)
                .map_or(100_000, |rows| rows.parse().expect("a row count"));
            let file = BufWriter::new(File::create(path).expect("create the file"));
            let mut out = support::Cp932Writer::new(file);
            support::write_rows(&mut out, rows).expect("write the file");
            out.flush().expect("flush");
        }
        Some("validate") => {
            let path = arguments.get(2).expect("a path");
            let file = File::open(path).expect("open the file");
            let preview = validate_all(file, &ImportOptions::default()).expect("a readable file");
            println!(
                "encoding {}, rows {}, valid {}, errors {} (first: {:?})",
                preview.encoding,
                preview.rows,
                preview.valid_rows,
                preview.error_count,
                preview.errors.first().map(ToString::to_string)
            );
        }
        _ => eprintln!("usage: import_memory generate PATH [ROWS] | validate PATH"),
    }
}
